"""Which days' columns are missing or stale, asked of the indexes alone: the check every start
makes, apart from the columns themselves (numpy), which it does not read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.analytics.windows import MAX_DAYS
from creatorbot.storage.models import DailyMetric, DayColumn
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.queries.metrics import RANKABLE

ID = "creator_id"
NAMES = (ID, *RANKABLE)
# The longest reach of a leaderboard: a window of MAX_DAYS and the window before it.
RETAIN_DAYS = 2 * MAX_DAYS
# The days whose columns are compared with the daily rows' counts at start (those the stored
# boards reach: a 31-day month to date and the 31 days before it). Older kept days are only
# checked for being there (`missing_days`), one index probe each: the start does not grow
# with the history kept.
CHECKED_DAYS = 62


def first_kept(latest: dt.date) -> dt.date:
    """The earliest day whose columns are kept while `latest` is the market's latest day."""
    return latest - dt.timedelta(days=RETAIN_DAYS - 1)


def stale_days(market: str, *, session: Session, counted: bool = False) -> list[dt.date]:
    """Recent days (the `CHECKED_DAYS` the boards reach) whose columns are missing or
    incomplete, and columns of a day whose rows are gone. With `counted`, also days whose
    columns do not hold as many rows as the daily table (which reads every such row's index
    entry: seconds and hundreds of MB at a million creators, so only after a migration, when an
    older writer may have skipped the columns). Without it, one index probe per day at most,
    whatever the size of the data: the write path keeps the counts exact."""
    latest = latest_day(market, session=session)
    if latest is None:
        return []
    first = latest - dt.timedelta(days=CHECKED_DAYS - 1)
    stored = dict(
        session.execute(
            select(DayColumn.date, func.min(DayColumn.rows))
            .where(DayColumn.market == market, DayColumn.date >= first)
            .group_by(DayColumn.date)
            .having(func.count() == len(NAMES))
        ).all()
    )
    if counted:
        counts = dict(
            session.execute(
                select(DailyMetric.date, func.count())
                .where(DailyMetric.market == market, DailyMetric.date >= first)
                .group_by(DailyMetric.date)
            ).all()
        )
        days = counts.keys() | stored.keys()
        return sorted(day for day in days if stored.get(day) != counts.get(day))
    return sorted(_days_with_rows(market, first, latest, session=session) ^ set(stored))


def _days_with_rows(
    market: str, first: dt.date, last: dt.date, *, session: Session
) -> set[dt.date]:
    """The days of [first, last] that have daily rows of `market`, found by hopping from one to
    the next: each hop the first day after a day, which the (market, date) index answers at once
    on both databases, however many rows a day has. The hops are one recursive statement: a
    round trip per day cost a start more than the probes."""
    day = DailyMetric.date
    within = (DailyMetric.market == market, day <= last)
    hops = select(func.min(day).label("day")).where(*within, day >= first).cte(recursive=True)
    following = select(func.min(day)).where(*within, day > hops.c.day).scalar_subquery()
    hops = hops.union_all(select(following).where(hops.c.day.is_not(None)))
    found = session.scalars(select(hops.c.day).where(hops.c.day.is_not(None)))
    return {_day(found_day) for found_day in found}


def _day(value: dt.date | str) -> dt.date:
    """A date as the driver gives it (SQLite's is ISO text when the type is not known)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def missing_days(market: str, *, session: Session) -> list[dt.date]:
    """Kept days that have daily rows but no columns (e.g. the older history after an upgrade
    that keeps more days): the day columns of those days are read nowhere else."""
    latest = latest_day(market, session=session)
    if latest is None:
        return []
    first = first_kept(latest)
    stored = stored_days(market, first, latest, session=session)
    every = {first + dt.timedelta(days=n) for n in range((latest - first).days + 1)}
    return sorted(days_with_rows(market, every - stored, session=session))


def stored_days(market: str, first: dt.date, last: dt.date, *, session: Session) -> set[dt.date]:
    """The days from `first` to `last` whose columns are stored (their blobs are not read)."""
    query = select(DayColumn.date).where(
        DayColumn.market == market, DayColumn.name == ID, DayColumn.date.between(first, last)
    )
    return set(session.scalars(query))


def days_with_rows(market: str, days: Iterable[dt.date], *, session: Session) -> set[dt.date]:
    """Which of `days` hold daily rows of the market: an index probe per day with rows between
    the first and the last of them, never a read of a day's rows."""
    wanted = set(days)
    if not wanted:
        return set()
    return _days_with_rows(market, min(wanted), max(wanted), session=session) & wanted
