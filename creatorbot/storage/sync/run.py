"""Sync one kind from one source for one market and day: validated and written chunk by chunk
through the importers' write path, inside the caller's transaction (which never commits here),
so a failure anywhere leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.storage.behind import copies_behind
from creatorbot.storage.boards.hooks import after_import
from creatorbot.storage.dailyparts import DailyParts
from creatorbot.storage.importers import messages, references
from creatorbot.storage.importers.chunked import repeated_keys
from creatorbot.storage.importers.errors import MAX_ERRORS, ErrorLog, ImportFailed, RowError
from creatorbot.storage.importers.kinds import BY_NAME, Kind
from creatorbot.storage.importers.read import Table
from creatorbot.storage.importers.run import ImportResult
from creatorbot.storage.importers.seen import SeenKeys
from creatorbot.storage.importers.validate import validate
from creatorbot.storage.memory import arrays_on_heap, release_memory
from creatorbot.storage.roster import roster, shared
from creatorbot.storage.sync.reading import reading
from creatorbot.storage.sync.sources import Source
from creatorbot.storage.sync.stored import stored_rows
from creatorbot.storage.sync.stream import WarehouseError
from creatorbot.storage.writer import WRITERS

logger = logging.getLogger(__name__)

HEADER_ROW = 1


class SyncFailed(Exception):
    """The warehouse could not be read, or had no rows: nothing was written. `reason` is one
    plain line, what the freshness alert repeats."""

    def __init__(self, source: str, reason: str, message: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(message)


def sync_source(
    source: Source,
    kind: str,
    *,
    market: str,
    day: dt.date,
    session: Session,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Read `kind` from `source` for `market` and `day` and write it inside the caller's
    transaction. Raises `SyncFailed` (the warehouse) or `ImportFailed` (its rows), having
    written nothing that the caller's rollback does not take back."""
    label = f"{source.name} {kind}"
    load = _Load(BY_NAME[kind], source.name, market, label, session, progress)
    try:
        with shared(session=session), arrays_on_heap():
            params = {"day": day, "market": market}
            units = references.markets(session=session)
            with reading(source, kind, params, label=label, units=units, session=session) as tables:
                roster(market, session=session)  # read while the reader starts: asked first
                # The server writes a chunk's rows while the next one is read and checked.
                with copies_behind(session=session):
                    for table in tables:
                        if not load.take(table):
                            break
            result = load.finish(day)
    except WarehouseError as exc:
        message = messages.SYNC_NOT_READ.format(source=label, reason=exc)
        raise SyncFailed(source.name, str(exc), message) from exc
    logger.info(
        "synced %s",
        label,
        extra={"market": market, "day": day.isoformat(), "rows": result.rows},
    )
    return result


class _Load:
    """One sync's chunks as they arrive: validated, checked across chunks, written until a
    problem is found; after one, only validated, so every problem is reported at once."""

    def __init__(
        self,
        spec: Kind,
        source: str,
        market: str,
        label: str,
        session: Session,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.spec = spec
        self.source = source
        self.market = market
        self.label = label
        self.session = session
        self.progress = progress
        self.rows = 0
        self.before = 0  # rows stored, before the sync, under the keys' days it touched
        self.days: set[dt.date] = set()
        self.parts = DailyParts()  # daily metrics: day columns and campaign stats at the end
        self.errors: list[RowError] = []
        self.total_errors = 0
        self.keys = SeenKeys()  # the keys written

    def take(self, table: Table) -> bool:
        """Validate and (while nothing was wrong) write one chunk; False to stop reading."""
        try:
            typed = validate(self.spec, table, session=self.session)
        except ImportFailed as exc:
            self._failed(exc.errors, exc.total_errors)
            # A problem with the columns is the same in every chunk: one report is enough.
            return not any(e.row in (None, HEADER_ROW) for e in exc.errors)
        typed.index = table.frame.index
        log = ErrorLog()
        if "market" in typed:
            other = typed["market"] != self.market
            problem = messages.OTHER_MARKET.format(market=self.market)
            log.add_rows(other, "market", table.frame["market"], problem)
        # Keys already written by an earlier chunk (a chunk's own are checked by `validate`).
        repeated_keys(self.spec.key, typed, table, self.keys, log)
        if log:
            self._failed(log.errors, log.total)
        if self.total_errors:
            return True
        self._write(typed.reset_index(drop=True))
        return True

    def _write(self, typed: pd.DataFrame) -> None:
        days = _days(typed)
        new_days = days - self.days
        if new_days or not self.rows:  # before any row of those days is written
            self.before += stored_rows(self.spec.name, self.market, new_days, session=self.session)
        self.days |= days
        options: dict[str, object] = {}
        if self.spec.name == "daily_metrics":
            # Keys never repeat across chunks (`_repeats`): later chunks of a new day are
            # inserted too, and the derived work is done once, in `finish`.
            options["parts"] = self.parts
        WRITERS[self.spec.name](typed, session=self.session, progress=self.progress, **options)
        self.rows += len(typed)

    def _failed(self, errors: list[RowError], total: int) -> None:
        self.errors += errors[: MAX_ERRORS - len(self.errors)]
        self.total_errors += total

    def finish(self, day: dt.date) -> ImportResult:
        """After the last chunk: every problem at once, or the boards refreshed and the
        counts of what was written."""
        if self.total_errors:
            raise ImportFailed(self.label, self.errors, self.total_errors)
        if not self.rows:
            message = messages.SYNC_NO_ROWS.format(source=self.label, day=day)
            raise SyncFailed(self.source, "the query returned no rows", message)
        self.keys = SeenKeys()  # every chunk is in: the keys met are no longer asked about
        self.parts.flush(session=self.session)
        release_memory()  # what the writes freed, before the boards are refreshed
        after_import(self.spec.name, pd.DataFrame({"market": [self.market]}), session=self.session)
        after = stored_rows(self.spec.name, self.market, self.days, session=self.session)
        inserted = after - self.before
        return ImportResult(self.spec.name, self.rows, inserted, self.rows - inserted)


def _days(typed: pd.DataFrame) -> set[dt.date]:
    if "date" not in typed:
        return set()
    return {stamp.date() for stamp in pd.to_datetime(typed["date"]).unique()}
