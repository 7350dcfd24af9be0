"""The one read behind a market's boards: each creator's metrics summed per segment of days,
from the day columns the write path keeps (never a scan of the daily table)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from creatorbot.storage.boards.compute import segment_bounds
from creatorbot.storage.daycolumns import ID, read_column

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class _Day:
    """Where one stored day's rows go: their segment, and which rows belong to which creator."""

    day: dt.date
    segment: int
    known: np.ndarray  # rows of the day whose creator is one of the market's
    position: np.ndarray  # for those rows, the index of their creator in `creator_ids`


class Spans:
    """`spans(metric)`: for each of `creator_ids` (in their order), the metric summed over each
    segment of days every window ending on `end` needs; shape (segments, creators)."""

    def __init__(
        self, market: str, end: dt.date, creator_ids: np.ndarray, *, session: Session
    ) -> None:
        self._market = market
        self._session = session
        self._bounds = segment_bounds(end)
        self._creators = len(creator_ids)
        order = np.argsort(creator_ids, kind="stable")
        self._days = [
            self._locate(day, creator_ids[order], order)
            for day in _days(self._bounds[0], self._bounds[-1])
        ]

    def _locate(self, day: dt.date, ascending: np.ndarray, order: np.ndarray) -> _Day:
        ids = read_column(self._market, day, ID, session=self._session)
        place = np.searchsorted(ascending, ids)
        known = place < len(ascending)
        known[known] = ascending[place[known]] == ids[known]
        return _Day(day, bisect_right(self._bounds, day) - 1, known, order[place[known]])

    def __call__(self, metric: str) -> np.ndarray:
        spans = np.zeros((len(self._bounds) - 1, self._creators), dtype=np.int64)
        for day in self._days:
            if not len(day.position):
                continue
            values = read_column(self._market, day.day, metric, session=self._session, widen=False)
            # A day holds one row per creator, so no position repeats within it.
            spans[day.segment, day.position] += values[day.known]
        return spans


def _days(first: dt.date, after: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((after - first).days)]
