"""The one read behind a market's boards: each creator's metrics summed per segment of days,
from the day columns the write path keeps (never a scan of the daily table)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from creatorbot.storage.boards.compute import segment_bounds
from creatorbot.storage.daycolumns import ID, iter_columns

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class _Day:
    """Where one stored day's rows go: their segment, and which rows belong to which creator."""

    day: dt.date
    segment: int
    known: np.ndarray | slice  # rows of the day whose creator is one of the market's (or all)
    # For those rows, their creator's place among the ids in ascending order (or all, in order).
    position: np.ndarray | slice
    rows: int  # how many rows of the day are the market's creators'


class Places:
    """`places(ids)`: which of `ids` are among `ascending` (unique ids, ascending), and the
    place of each of those there. Ids a market hands out are mostly dense: then a table from id
    to place answers at once, some six times quicker than a binary search per id."""

    DENSE = 4  # ids spanning at most this many times their count are looked up in a table

    def __init__(self, ascending: np.ndarray) -> None:
        self._ascending = ascending
        self._low = int(ascending[0]) if len(ascending) else 0
        self._table: np.ndarray | None = None
        span = int(ascending[-1]) - self._low + 1 if len(ascending) else 0
        if 0 < span <= self.DENSE * len(ascending):
            self._table = np.full(span, -1, dtype=np.int64)
            self._table[ascending - self._low] = np.arange(len(ascending))

    def __call__(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self._table is None:
            place = np.searchsorted(self._ascending, ids)
            known = place < len(self._ascending)
            known[known] = self._ascending[place[known]] == ids[known]
            return known, place[known]
        offset = ids.astype(np.int64) - self._low
        inside = (offset >= 0) & (offset < len(self._table))
        place = np.full(len(ids), -1, dtype=np.int64)
        place[inside] = self._table[offset[inside]]
        known = place >= 0
        return known, place[known]


class Spans:
    """`spans(metric)`: for each of `creator_ids` (ascending, as day columns hold them: the
    adds walk memory in order), the metric summed over each segment of days every window ending
    on `end` needs; shape (segments, creators)."""

    def __init__(
        self, market: str, end: dt.date, creator_ids: np.ndarray, *, session: Session
    ) -> None:
        if not bool((creator_ids[1:] > creator_ids[:-1]).all()):
            raise ValueError("creator ids must be unique and ascending")
        self._market = market
        self._session = session
        self._bounds = segment_bounds(end)
        self._creators = len(creator_ids)
        self._places = Places(creator_ids)
        self._days: dict[dt.date, _Day] = {}
        last: _Day | None = None
        before = np.zeros(0, dtype=np.int64)
        for day, ids in self._columns(ID):  # one day's ids at a time, as stored (narrow)
            if last is not None and np.array_equal(ids, before):  # most days: same creators
                segment = bisect_right(self._bounds, day) - 1
                last = _Day(day, segment, last.known, last.position, last.rows)
            else:
                last = self._locate(day, ids, creator_ids)
            self._days[day] = last
            before = ids

    def _columns(self, name: str) -> Iterator[tuple[dt.date, np.ndarray]]:
        first, last = self._bounds[0], self._bounds[-1] - ONE_DAY
        return iter_columns(self._market, name, first, last, session=self._session)

    def _locate(self, day: dt.date, ids: np.ndarray, everyone: np.ndarray) -> _Day:
        segment = bisect_right(self._bounds, day) - 1
        if np.array_equal(ids, everyone):  # a day of every creator: added as it is
            return _Day(day, segment, slice(None), slice(None), len(ids))
        known, position = self._places(ids)
        # Most days hold only the market's creators: then no row needs picking out.
        return _Day(day, segment, slice(None) if known.all() else known, position, len(position))

    def rows_on(self, day: dt.date) -> int:
        """How many rows of the market's creators `day` has in the day columns."""
        found = self._days.get(day)
        return 0 if found is None else found.rows

    def __call__(self, metric: str) -> np.ndarray:
        spans = np.zeros((len(self._bounds) - 1, self._creators), dtype=np.int64)
        for day, values in self._columns(metric):  # one day's column in memory at a time
            where = self._days.get(day)
            if where is None or not where.rows:
                continue
            # A day holds one row per creator, so no position repeats within it; adding into
            # the segment's row is quicker than indexing the whole array.
            row = spans[where.segment]
            row[where.position] += values[where.known]
        return spans
