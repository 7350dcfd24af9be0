"""The GMV figures kept with a market's segments, when they still describe the day asked about
(the same latest day, none of its sixty days written since): unpacked once per computation,
and laid out in the fast ranking's position space once per creators' stamp."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy.orm import Session

from creatorbot.storage.ranking.cache import CACHE
from creatorbot.storage.ranking.people import People
from creatorbot.storage.ranking.state import Run, market_state
from creatorbot.storage.segments.figures import days_digest, unpack_figures
from creatorbot.storage.segments.read import stored_figures

Kept = dict[str, np.ndarray]


def kept_figures(
    market: str, end: dt.date, *, session: Session, run: Run | None | bool = True
) -> tuple[str, Kept] | None:
    """(the segments' stamp, their figures) if they describe `end` as stored now; else None
    (`run`: the market's stored run when the caller has read it, True to read it here)."""
    if isinstance(run, bool):
        run = market_state(market, session=session).run
    if run is None or run.end_day != end:
        return None
    current = run.current
    if current is None:  # the days' stamps not read with the run: read them now
        current = days_digest(market, end, session=session) == run.days_stamp
    if not current:
        return None
    key = ("segment figures", market)
    found = CACHE.get(key, run.stamp)
    if found is None:
        data = stored_figures(market, session=session)
        if data is None:
            return None
        found = unpack_figures(data)
        CACHE.put(key, run.stamp, found)
    return run.stamp, found


def kept_in_place(
    market: str,
    end: dt.date,
    names: tuple[str, ...],
    group: People,
    *,
    session: Session,
    run: Run | None | bool = True,
) -> list[np.ndarray] | None:
    """Each of the kept figures `names` for every creator of `group`, by position (0 for a
    creator the figures do not hold); None when the kept figures do not describe `end`
    (`run` as `kept_figures` takes it)."""
    kept = kept_figures(market, end, session=session, run=run)
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
