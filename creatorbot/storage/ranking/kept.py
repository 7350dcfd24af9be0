"""The GMV figures kept with a market's segments, when they still describe the day asked about
(the same latest day, none of its sixty days written since): unpacked once per computation,
and laid out in the fast ranking's position space once per creators' stamp."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.models import SegmentRun
from creatorbot.storage.ranking.cache import CACHE
from creatorbot.storage.ranking.people import People
from creatorbot.storage.segments.figures import days_digest, unpack_figures
from creatorbot.storage.segments.read import stored_figures

Kept = dict[str, np.ndarray]


def kept_figures(market: str, end: dt.date, *, session: Session) -> tuple[str, Kept] | None:
    """(the segments' stamp, their figures) if they describe `end` as stored now; else None."""
    run = session.execute(
        select(SegmentRun.end_day, SegmentRun.stamp, SegmentRun.days_stamp).where(
            SegmentRun.market == market
        )
    ).first()
    if run is None or run[0] != end or days_digest(market, end, session=session) != run[2]:
        return None
    key = ("segment figures", market)
    found = CACHE.get(key, run[1])
    if found is None:
        data = stored_figures(market, session=session)
        if data is None:
            return None
        found = unpack_figures(data)
        CACHE.put(key, run[1], found)
    return run[1], found


def kept_in_place(
    market: str, end: dt.date, names: tuple[str, ...], group: People, *, session: Session
) -> list[np.ndarray] | None:
    """Each of the kept figures `names` for every creator of `group`, by position (0 for a
    creator the figures do not hold); None when the kept figures do not describe `end`."""
    kept = kept_figures(market, end, session=session)
    if kept is None:
        return None
    stamp, figures = kept
    key = ("segment figures in place", market, names)
    both = (stamp, group.stamp)
    found = CACHE.get(key, both) if group.stamp is not None else None
    if found is not None:
        return list(found)
    ids = figures["creator_id"]
    at = np.searchsorted(ids, group.ids)
    known = at < len(ids)
    known[known] = ids[at[known]] == group.ids[known]
    placed = []
    for name in names:
        values = np.zeros(len(group.ids), dtype=np.int64)
        values[known] = figures[name][at[known]]
        placed.append(values)
    if group.stamp is not None:
        CACHE.put(key, both, tuple(placed))
    return placed
