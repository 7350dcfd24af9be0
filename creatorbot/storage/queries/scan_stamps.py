"""The validity of what a reader derives from a span of a market's day columns: the stamps of
the stored days in the span, or None when some day there cannot be vouched for."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from creatorbot.storage.daycolumns import stored_days
from creatorbot.storage.stamps import day_stamps


def span_stamp(
    market: str, first: dt.date, last: dt.date, *, session: Session
) -> tuple[tuple[dt.date, str], ...] | None:
    """Each stored day of [first, last] with its columns' stamp: equal twice only if the same
    days hold the same columns. None when a stored day has no stamp (written before stamps)."""
    stamps = day_stamps(market, first, last, session=session)  # first: a write in between is
    days = stored_days(market, first, last, session=session)  # then seen as a change next time
    if any(day not in stamps for day in days):
        return None
    return tuple((day, stamps[day]) for day in sorted(days))
