"""The one read behind a market's segments: its creators' daily GMV of the last sixty days,
from the day columns (one day's column in memory at a time), folded into `Figures`."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy.orm import Session

from creatorbot.analytics.segments import HISTORY, Figures, add_day, days_left, empty_figures
from creatorbot.storage.daycolumns import ID, iter_columns


def gather(market: str, end: dt.date, ids: np.ndarray, *, session: Session) -> Figures:
    """Figures of the creators `ids` (any order) from the days up to `end`."""
    figures = empty_figures(ids)
    first = end - dt.timedelta(days=HISTORY - 1)
    # Each creator's position by id: a day's rows are placed by one gather, not a search.
    size = int(ids.max()) + 1 if len(ids) else 0
    position_of = np.full(size + 1, -1, dtype=np.int64)  # the last slot: ids beyond the market's
    position_of[ids] = np.arange(len(ids), dtype=np.int64)
    places: dict[dt.date, tuple[np.ndarray | None, np.ndarray]] = {}
    before = np.zeros(0, dtype=np.int64)
    where: tuple[np.ndarray | None, np.ndarray] = (None, before)
    for day, day_ids in iter_columns(market, ID, first, end, session=session):
        if not places or not np.array_equal(day_ids, before):  # most days: the same creators
            where = _place(day_ids, position_of)
        places[day], before = where, day_ids
    left = days_left(end)
    dense = np.zeros(len(ids), dtype=np.int64)  # one day's GMV of every creator, reused
    for day, gmv in iter_columns(market, "gmv", first, end, session=session):
        place = places.get(day)
        if place is None:
            continue
        rows, positions = place
        dense.fill(0)
        dense[positions] = gmv if rows is None else gmv[rows]  # no position twice in a day
        add_day(figures, (end - day).days, dense, left)
    return figures


def _place(day_ids: np.ndarray, position_of: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """Which rows of a day belong to the creators (None: all) and their positions in `ids`."""
    # Stored narrow (a few creators' ids fit in int8): widened before any arithmetic.
    found = position_of[np.minimum(day_ids.astype(np.int64), len(position_of) - 1)]
    known = found >= 0
    if known.all():
        return None, found
    return known, found[known]
