"""A write of daily metrics in several parts (a warehouse sync's chunks): what the parts share,
and the work done once for all of them, not per part — the new rows' insert, in key order, then
the day columns and campaign stats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.storage import campaign_stats
from creatorbot.storage.changes import COLUMNS as CHANGE_COLUMNS
from creatorbot.storage.daycolumns import NAMES, update_day_columns
from creatorbot.storage.models import DailyMetric
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.upsert import bulk_cache, insert_frame, table_of

# Rows held before the derived work is done for them: a bound on memory whatever the size.
HELD_ROWS = 2_000_000


class DailyParts:
    """Parts whose keys never repeat across parts. Each part is written as it comes; its day
    columns and campaign-stat changes are held and brought up to date together by `flush` (the
    caller calls it after the last part; it also runs when `HELD_ROWS` are held).

    On SQLite (`defers`) the parts' new rows are held too, and `flush` inserts them at once, in
    key order: each part's own, sorted, would each walk the whole key index of the daily table
    (its creators are any of the market's), and a day of a million creators in twenty parts
    took twice as long as in one pass. (Held in a temporary table instead, their driver values
    made while the next part was read, it took as long: the reading leaves little time idle.)"""

    def __init__(self) -> None:
        # Each market's latest day before the first part touching it: keys past it are still
        # not stored in later parts, so they are inserted and nothing is read back for them.
        self.first: dict[str, dt.date | None] = {}
        # Each market's latest day when the stats last described it (before the held changes).
        self.stats_before: dict[str, dt.date | None] = {}
        self.rows: list[pd.DataFrame] = []
        self.changes: list[pd.DataFrame] = []
        self.new: list[pd.DataFrame] = []  # rows to insert: keys not stored (see `started`)
        self.held = 0

    def started(self, before: dict[str, dt.date | None]) -> dict[str, dt.date | None]:
        """Given the markets' latest days before this part, those before the first part."""
        for market, day in before.items():
            self.first.setdefault(market, day)
            self.stats_before.setdefault(market, day)
        return {market: self.first[market] for market in before}

    @staticmethod
    def defers(*, session: Session) -> bool:
        """Whether new rows wait for `flush` (SQLite). PostgreSQL's COPY of each part finishes
        on a thread behind the next part's reading (`storage.behind`); deferred and sorted, it
        took as long, with nothing left to overlap it."""
        return session.get_bind().dialect.name == "sqlite"

    def insert_later(self, new: pd.DataFrame, progress: Callable[[int], None] | None) -> int:
        """Keep rows whose keys are not stored (every column of the daily table) for `flush` to
        insert; `progress` is told of them now, as a part's checked rows are taken."""
        self.new.append(new)
        if progress:
            progress(len(new))
        return len(new)

    def hold(self, rows: pd.DataFrame, changes: pd.DataFrame, *, session: Session) -> None:
        """Keep a part's rows (creator_id, date, market, every rankable metric) and its changes
        until `flush`."""
        self.rows.append(rows[[*NAMES, "market", "date"]])
        self.changes.append(changes[CHANGE_COLUMNS])
        self.held += len(rows)
        if self.held >= HELD_ROWS:
            self.flush(session=session)

    def flush(self, *, session: Session) -> None:
        """Insert the new rows held, then bring the day columns and campaign stats up to date
        with every part held."""
        if not self.rows:
            return
        rows = pd.concat(self.rows, ignore_index=True)
        changes = pd.concat(self.changes, ignore_index=True)
        self.rows, self.changes, self.held = [], [], 0
        with bulk_cache(session=session):
            self._insert(session=session)
            update_day_columns(rows, session=session)
            campaign_stats.apply_daily_changes(changes, self.stats_before, session=session)
        self.stats_before = _latest(self.stats_before, session=session)

    def _insert(self, *, session: Session) -> None:
        if not self.new:
            return
        new = pd.concat(self.new, ignore_index=True)
        self.new = []
        new = new.sort_values(["creator_id", "date"], kind="mergesort")
        insert_frame(
            table_of(DailyMetric), new, [str(name) for name in new.columns], session=session
        )


def _latest(markets: Iterable[str], *, session: Session) -> dict[str, dt.date | None]:
    return {market: latest_day(market, session=session) for market in markets}
