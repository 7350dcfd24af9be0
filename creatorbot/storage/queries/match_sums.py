"""The matchmaking input read quickly: a category's creators summed from the day columns.

The same figures as `matching.match_candidates` (which stays the reference), without its scan
of the daily table: the category's creator ids come from an index, the sums from the packed day
columns the write path keeps, the bookings from the enrolment key, and names are read only for
the few creators an answer shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.daycolumns import ID, first_kept, unpack
from creatorbot.storage.fetch import fetch_all
from creatorbot.storage.models import Campaign, Creator, DayColumn, Enrollment

SUMS = ["creator_id", "gmv_30d", "orders_30d", "views_30d", "gmv_prev", "running"]
DETAILS = ["creator_id", "handle", "display_name", "tier", "followers"]
IN_LIST = 5_000  # ids per IN list when reading names (well under any driver's parameter cap)


def category_spelling(market: str, category: str, *, session: Session) -> str | None:
    """The market's own spelling of `category` (matched as `lower()` matches it; the first in
    the database's order when creators spell it several ways), or None when no creator has it."""
    query = select(func.min(Creator.category)).where(
        Creator.market == market, func.lower(Creator.category) == category.lower()
    )
    return session.scalar(query)


def match_sums(
    market: str,
    category: str,
    start: dt.date,
    end: dt.date,
    prev_start: dt.date,
    prev_end: dt.date,
    day: dt.date,
    *,
    session: Session,
) -> pd.DataFrame | None:
    """What `match_candidates` returns for the creators with GMV in [start, end], without
    names: SUMS, one row per creator, ids ascending. None when the day columns cannot answer
    (they do not reach `prev_start`, or `end` has none): the caller asks the daily table.

    `end` must be the market's latest day with data (the day columns are kept up to it)."""
    if prev_end + dt.timedelta(days=1) != start or prev_start < first_kept(end):
        return None
    ids = _columns(market, ID, prev_start, end, session=session)
    if end not in ids:
        return None
    size = max(int(day_ids[-1]) for day_ids in ids.values() if len(day_ids)) + 1
    # Widened once here rather than on each of the metrics that index by them.
    ids = {day: day_ids.astype(np.intp) for day, day_ids in ids.items()}
    now = _summed(market, ids, start, end, ("gmv", "orders", "video_views"), size, session)
    before = _summed(market, ids, prev_start, prev_end, ("gmv",), size, session)
    members = _category_ids(market, category, session=session)
    members = members[members < size]
    gmv = now["gmv"][members]
    sold = members[gmv > 0]
    frame = pd.DataFrame(
        {
            "creator_id": sold,
            "gmv_30d": now["gmv"][sold],
            "orders_30d": now["orders"][sold],
            "views_30d": now["video_views"][sold],
            "gmv_prev": before["gmv"][sold],
            "running": _running(market, day, sold, session=session),
        },
        columns=SUMS,
    )
    return frame.astype("int64")


def _summed(
    market: str,
    ids: dict[dt.date, np.ndarray],
    first: dt.date,
    last: dt.date,
    names: Iterable[str],
    size: int,
    session: Session,
) -> dict[str, np.ndarray]:
    """Each metric summed over [first, last] per creator id (an array indexed by id)."""
    sums = {}
    for name in names:
        total = np.zeros(size, dtype=np.int64)
        for day, values in _columns(market, name, first, last, session=session).items():
            # A day holds one row per creator, so no id repeats within it.
            total[ids[day]] += values
        sums[name] = total
    return sums


def _columns(
    market: str, name: str, first: dt.date, last: dt.date, *, session: Session
) -> dict[dt.date, np.ndarray]:
    """One stored day column (see `daycolumns.read_columns`) of each day from `first` to
    `last`, as stored (not widened), read as the driver's plain values."""
    query = select(DayColumn.date, DayColumn.data).where(
        DayColumn.market == market, DayColumn.name == name, DayColumn.date.between(first, last)
    )
    rows = fetch_all(query, session=session, binary=True)
    return {_day(day): unpack(bytes(data), widen=False) for day, data in rows}


def _day(value: object) -> dt.date:
    """A date as the driver gives it (SQLite: ISO text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _category_ids(market: str, category: str, *, session: Session) -> np.ndarray:
    """The ids of the market's creators in `category` (case-insensitive), ascending."""
    query = select(Creator.id).where(
        Creator.market == market, func.lower(Creator.category) == category.lower()
    )
    rows = fetch_all(query, session=session)
    return np.sort(np.array([row[0] for row in rows], dtype=np.int64))


def _running(market: str, day: dt.date, creator_ids: np.ndarray, *, session: Session) -> np.ndarray:
    """How many of the market's campaigns running on `day` each creator is enrolled in."""
    query = (
        select(Enrollment.creator_id)
        .join(Campaign, Campaign.id == Enrollment.campaign_id)
        .where(Campaign.market == market, Campaign.starts_on <= day, Campaign.ends_on >= day)
    )
    booked = np.array([row[0] for row in fetch_all(query, session=session)], dtype=np.int64)
    found, counts = np.unique(booked, return_counts=True)
    place = np.searchsorted(found, creator_ids)
    hit = place < len(found)
    hit[hit] = found[place[hit]] == creator_ids[hit]
    running = np.zeros(len(creator_ids), dtype=np.int64)
    running[hit] = counts[place[hit]]
    return running


def creator_details(creator_ids: Iterable[int], *, session: Session) -> pd.DataFrame:
    """DETAILS of the given creators (contact details never read)."""
    wanted = sorted({int(n) for n in creator_ids})
    rows: list[tuple[object, ...]] = []
    for first in range(0, len(wanted), IN_LIST):
        chunk = wanted[first : first + IN_LIST]
        query = select(
            Creator.id, Creator.handle, Creator.display_name, Creator.tier, Creator.followers
        ).where(Creator.id.in_(chunk))
        rows.extend(tuple(row) for row in session.execute(query))
    frame = pd.DataFrame(rows, columns=DETAILS)
    return frame.astype({"creator_id": "int64", "followers": "int64"})
