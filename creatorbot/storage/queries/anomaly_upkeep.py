"""Each market's anomaly verdict of its latest day made as part of an import's upkeep, so the
first `alerts` after a day arrives (or a past day is corrected) reads it instead of making it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from creatorbot.storage.queries.anomaly_scan import creator_verdict, rules_for
from creatorbot.storage.queries.markets import all_markets, latest_day


def refresh_verdicts(markets: Iterable[str], *, session: Session) -> None:
    """Make (and store) the creators' verdict of each market's latest day, unless the stored
    one was made from the day columns as they are now."""
    known = all_markets(session=session)
    for code in markets:
        market = known.get(code)
        day = None if market is None else latest_day(code, session=session)
        if market is not None and day is not None:
            creator_verdict(market, day, rules_for(market), session=session, stored=True)
