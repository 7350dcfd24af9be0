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
    order = np.argsort(ids, kind="stable")
    ascending = ids[order]
    places: dict[dt.date, tuple[np.ndarray | None, np.ndarray]] = {}
    before = np.zeros(0, dtype=np.int64)
    where: tuple[np.ndarray | None, np.ndarray] = (None, before)
    for day, day_ids in iter_columns(market, ID, first, end, session=session):
        if not places or not np.array_equal(day_ids, before):  # most days: the same creators
            where = _place(day_ids, ascending, order)
        places[day], before = where, day_ids
    left = days_left(end)
    for day, gmv in iter_columns(market, "gmv", first, end, session=session):
        place = places.get(day)
        if place is None:
            continue
        rows, positions = place
        values = (gmv if rows is None else gmv[rows]).astype(np.int64)
        add_day(figures, (end - day).days, positions, values, left)
    return figures


def _place(
    day_ids: np.ndarray, ascending: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray | None, np.ndarray]:
    """Which rows of a day belong to the creators (None: all) and their positions in `ids`."""
    at = np.searchsorted(ascending, day_ids)
    known = at < len(ascending)
    known[known] = ascending[at[known]] == day_ids[known]
    positions = order[at[known]]
    return (None if known.all() else known), positions
