"""The matchmaking input read quickly: a category's candidates from the kept match pools.

The same figures as `matching.match_candidates` (which stays the reference), without its scan
of the daily table: the sums come from the match pools (else from the day columns), the
bookings from the enrolment key, and names are read only for the few creators an answer shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.daycolumns import ID
from creatorbot.storage.fetch import fetch_all
from creatorbot.storage.matchpools import (
    FIGURES,
    pool_categories,
    read_pool,
    window_sums,
    windows,
)
from creatorbot.storage.models import Campaign, Creator, Enrollment
from creatorbot.storage.queries.markets import categories

SUMS = ["creator_id", "gmv_30d", "orders_30d", "views_30d", "gmv_prev", "running"]
DETAILS = ["creator_id", "handle", "display_name", "tier", "followers"]
IN_LIST = 5_000  # ids per IN list when reading names (well under any driver's parameter cap)


def known_categories(market: str, end: dt.date, *, session: Session) -> list[str]:
    """The categories the market's creators are in, in the database's order: from the match
    pools when they describe `end`, else from the creators."""
    pooled = pool_categories(market, end, session=session)
    return pooled if pooled is not None else categories(market, session=session)


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
    names: SUMS, one row per creator, ids ascending. None when neither the match pools nor the
    day columns can answer: the caller asks the daily table.

    `end` must be the market's latest day with data (what pools and day columns are kept for)."""
    if ((start, end), (prev_start, prev_end)) != windows(end):
        return None
    if pool_categories(market, end, session=session) is not None:
        frame = read_pool(market, category, end, session=session)
    else:
        sums = window_sums(market, end, session=session)
        if sums is None:
            return None
        members = _category_ids(market, category, session=session)
        members = members[members < len(sums["gmv_30d"])]
        sold = members[sums["gmv_30d"][members] > 0]
        frame = pd.DataFrame({ID: sold, **{name: sums[name][sold] for name in FIGURES}})
    frame["running"] = _running(market, day, frame[ID].to_numpy(np.int64), session=session)
    return frame[SUMS].astype("int64")


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
