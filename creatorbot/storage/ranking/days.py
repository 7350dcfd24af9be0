"""A metric summed over a span of days per creator, from the day columns: each day's arrays
read once and cached under its stamp, then added into the market's position space; the sums of
whole blocks of days are cached too, so a long window adds a few dozen arrays, not a year's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from creatorbot.analytics.windows import Window
from creatorbot.storage.daycolumns import ID, days_with_rows, read_named, stored_days
from creatorbot.storage.ranking.cache import CACHE
from creatorbot.storage.ranking.people import People
from creatorbot.storage.stamps import day_stamps

ONE_DAY = dt.timedelta(days=1)
# Days per block, blocks aligned on the calendar: a 366-day window adds at most 22 block sums and
# 30 loose days; a block is summed once per process, and again after a write to one of its days.
BLOCK = 16


@dataclass(frozen=True)
class Placement:
    """Where one day's rows go among the market's creators: `rows` picks the rows whose creator
    is one of them (None: every row) and `positions` their places (None: row i is creator i)."""

    rows: np.ndarray | None
    positions: np.ndarray | None


class Days:
    """The stored days of one market from `span.start` to `span.end`, ready to be summed; its
    `complete` is False when some day there has daily rows but no columns (then the caller
    ranks from the rows instead)."""

    def __init__(self, market: str, span: Window, group: People, *, session: Session) -> None:
        self._market = market
        self._group = group
        self._session = session
        stored = stored_days(market, span.start, span.end, session=session)
        every = {span.start + ONE_DAY * n for n in range(span.days)}
        self.complete = not days_with_rows(market, every - stored, session=session)
        self.days = sorted(stored)
        self._stamps = day_stamps(market, span.start, span.end, session=session)
        # Placed as days are summed: a block's kept sum needs none of its days.
        self._places: dict[dt.date, Placement] = {}

    def _stamp(self, day: dt.date, name: str) -> tuple[str, ...] | None:
        stamp = self._stamps.get(day)
        if stamp is None:
            return None
        if name == ID:  # a placement depends on the creators as well
            return None if self._group.stamp is None else (stamp, self._group.stamp)
        return (stamp,)

    def read(self, metric: str) -> None:
        """Bring `metric`'s column of every stored day of the span into the cache (what `total`
        reads), without adding anything up."""
        if self.complete:
            self._place(self.days)
            self._arrays(metric, self.days)

    def _place(self, days: list[dt.date]) -> None:
        """Have the placement of each of `days` at hand."""
        missing = [day for day in days if day not in self._places]
        if missing:
            self._places.update(self._arrays(ID, missing, self._placement))

    def _arrays(
        self, name: str, days: list[dt.date], convert: Callable[[np.ndarray], Any] | None = None
    ) -> dict[dt.date, Any]:
        """`name`'s array of each of `days` (converted by `convert`), cached per day and stamp."""
        found: dict[dt.date, Any] = {}
        missing = []
        for day in days:
            stamp = self._stamp(day, name)
            value = None if stamp is None else CACHE.get(self._key(day, name), stamp)
            if value is None:
                missing.append(day)
            else:
                found[day] = value
        read = read_named(self._market, name, missing, session=self._session)
        for day, array in read.items():
            value = array if convert is None else convert(array)
            stamp = self._stamp(day, name)
            if stamp is not None:
                CACHE.put(self._key(day, name), stamp, value)
            found[day] = value
        return found

    def _key(self, day: dt.date, name: str) -> tuple[str, str, dt.date, str]:
        return ("column", self._market, day, name)

    def _placement(self, ids: np.ndarray) -> Placement:
        everyone = self._group.ids
        if len(ids) == len(everyone) and np.array_equal(ids, everyone):
            return Placement(None, None)  # the common case: every creator, in id order
        place = np.searchsorted(everyone, ids)
        known = place < len(everyone)
        known[known] = everyone[place[known]] == ids[known]
        positions = place[known].astype(np.int32)
        return Placement(None if known.all() else known, positions)

    def total(self, metric: str, window: Window, members: np.ndarray | None = None) -> np.ndarray:
        """Each creator's `metric` summed over the stored days of `window` (inside the span):
        of every creator, or of `members` only (positions, in their order)."""
        mine = [day for day in self.days if window.start <= day <= window.end]
        size = len(self._group.ids) if members is None else len(members)
        totals = np.zeros(size, dtype=np.int64)
        if not mine:
            return totals
        blocks, loose = self._blocks(window, mine)
        sums: dict[int, Any] = {
            block: CACHE.get(key + (metric,), stamp) for block, (key, stamp, _) in blocks.items()
        }
        unsummed = [block for block, found in sums.items() if found is None]
        needed = loose + [day for block in unsummed for day in blocks[block][2]]
        self._place(needed)
        columns = self._arrays(metric, needed)
        for block in unsummed:
            key, stamp, days = blocks[block]
            summed = np.zeros(len(self._group.ids), dtype=np.int64)
            self._add(summed, days, columns, None)
            CACHE.put(key + (metric,), stamp, summed)
            sums[block] = summed
        for summed in sums.values():
            np.add(totals, summed if members is None else summed[members], out=totals)
        self._add(totals, loose, columns, members)
        return totals

    def _blocks(
        self, window: Window, mine: list[dt.date]
    ) -> tuple[dict[int, tuple[tuple[Hashable, ...], Hashable, list[dt.date]]], list[dt.date]]:
        """The whole blocks inside `window` whose days all carry stamps (by block: the key of its
        sum less the metric, its stamp, its stored days), and the days of `mine` outside them."""
        by_block: dict[int, list[dt.date]] = {}
        for day in mine:
            by_block.setdefault(day.toordinal() // BLOCK, []).append(day)
        first, last = window.start.toordinal(), window.end.toordinal()
        blocks: dict[int, tuple[tuple[Hashable, ...], Hashable, list[dt.date]]] = {}
        loose: list[dt.date] = []
        for block, days in by_block.items():
            # A placement's stamp: the day's columns and the creators, both of which the sum
            # depends on; and which days of the block are stored.
            stamps = [self._stamp(day, ID) for day in days]
            whole = first <= block * BLOCK and block * BLOCK + BLOCK - 1 <= last
            if not whole or None in stamps:
                loose.extend(days)
            else:
                key = ("block", self._market, block, BLOCK)
                blocks[block] = (key, (tuple(days), tuple(stamps)), days)
        return blocks, loose

    def _add(
        self,
        totals: np.ndarray,
        days: list[dt.date],
        columns: dict[dt.date, Any],
        members: np.ndarray | None,
    ) -> None:
        """Add each of `days`' values (from `columns`) into `totals`."""
        for day in days:
            place: Placement = self._places[day]
            values: np.ndarray = columns[day]
            if place.positions is None:  # row i is creator i
                np.add(totals, values if members is None else values[members], out=totals)
            elif members is None:
                # A day holds one row per creator: no position repeats, a plain add is exact.
                totals[place.positions] += values if place.rows is None else values[place.rows]
            else:
                totals += self._spread(place, values)[members]

    def _spread(self, place: Placement, values: np.ndarray) -> np.ndarray:
        """A day's values at the positions of their creators (0 for creators without a row)."""
        spread = np.zeros(len(self._group.ids), dtype=values.dtype)
        assert place.positions is not None
        spread[place.positions] = values if place.rows is None else values[place.rows]
        return spread
