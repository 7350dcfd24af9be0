"""Import a file in two steps: `prepare` (read, recognise, validate, preview; writes nothing) and
`write` (the one write path every source shares: CLI, chat drop, inbox, warehouse sync)."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.storage.boards.hooks import after_import
from creatorbot.storage.changes import lock_markets
from creatorbot.storage.dailyparts import DailyParts
from creatorbot.storage.importers import messages
from creatorbot.storage.importers.chunked import validate_chunks
from creatorbot.storage.importers.errors import ImportFailed, RowError
from creatorbot.storage.importers.kinds import BY_NAME, KINDS, Kind
from creatorbot.storage.importers.lock import WAIT_SECONDS, ImportBusy, lock_imports
from creatorbot.storage.importers.native import aliases as native
from creatorbot.storage.importers.native.prepare import prepare_native
from creatorbot.storage.importers.read import Table, read_chunks
from creatorbot.storage.memory import release_memory
from creatorbot.storage.roster import recheck, shared
from creatorbot.storage.writer import WRITERS

logger = logging.getLogger(__name__)

CANONICAL = "canonical"
BUSY = messages.BUSY.format(minutes=round(WAIT_SECONDS / 60))
DAILY_METRICS = "daily_metrics"
# Daily metrics written at a time: the driver's rows of a part take some 100 MB.
WRITE_ROWS = 200_000


@dataclass(frozen=True)
class ImportResult:
    """What an import did: `rows` in the file, of which `inserted` were new and `updated`
    replaced rows with the same natural key."""

    kind: str
    rows: int
    inserted: int
    updated: int


@dataclass(frozen=True)
class Preview:
    """What an import would do, shown before anything is written."""

    source: str
    kind: str  # the canonical kind written (daily_metrics, creators, …)
    format: str  # CANONICAL, or the native export recognised (e.g. "creator_performance")
    language: str | None  # the language of the headers recognised, when a native export
    matched: tuple[str, ...]  # the file's columns that are read, as the file names them
    unmatched: tuple[str, ...]  # the file's columns that are ignored
    rows: int  # rows to write (after aggregation, e.g. orders to creator-days)
    days: tuple[dt.date, ...]  # the days the rows are for (empty for kinds without a day)
    new: int
    updated: int
    unknown_creators: int  # handles not yet stored in their market
    creates_creators: bool  # whether those are created (else the file was refused)
    market: str | None = None  # a native export's market (canonical files name theirs)
    market_source: str | None = None  # how it was known: given, or inferred from the currency
    day_source: str | None = None  # where a native export's day was read from
    left_out_orders: int = 0  # orders an orders export lists that count toward no figure

    @property
    def columns(self) -> int:
        return len(self.matched) + len(self.unmatched)


@dataclass
class Prepared:
    """A validated file, ready for `write`: nothing of it is stored yet. It is written once:
    `write` lets go of its rows as soon as they are stored (see `release`)."""

    preview: Preview
    spec: Kind
    typed: pd.DataFrame
    creators: pd.DataFrame | None = None  # typed creators to create before the rows

    def release(self) -> None:
        """Let go of the rows (a million rows' frame is some 200 MB) once they are written, so
        the steps after the write do not run beside them; the preview stays."""
        self.typed = self.typed.head(0).copy()
        self.creators = None


def prepare(
    path: Path,
    *,
    session: Session,
    kind: str | None = None,
    day: dt.date | None = None,
    column_map: Mapping[str, str] | None = None,
    market: str | None = None,
) -> Prepared:
    """Read and validate the file at `path` as `kind` (None: recognised from its headers),
    a canonical file or a native TikTok Shop export (daily metrics).

    `day` is the day of a daily export that carries none itself, `market` the market of a
    native export (else inferred from its currency). Raises `ImportFailed`, having written
    nothing, when the file or any row is wrong."""
    if kind is not None and kind not in BY_NAME:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    path = Path(path)
    tables = read_chunks(path, column_map)
    table = next(tables)  # the header and the first rows tell the kind
    chunks = itertools.chain([table], tables)
    spec = BY_NAME[kind] if kind is not None else _canonical(table)
    if spec is None or (spec.name == DAILY_METRICS and not _fits(spec, table)):
        found = native.recognise(table.header)
        if found is not None:
            return _prepare_native(found, chunks, market=market, day=day, session=session)
    if spec is None:
        raise ImportFailed(table.source, [RowError(1, None, None, _no_kind(table))])
    with shared(session=session):
        typed = validate_chunks(spec, chunks, session=session)
        existing = spec.existing(typed, session)
    release_memory()  # the file's text
    read = {f.name for f in spec.fields} & set(table.header)
    preview = Preview(
        source=table.source,
        kind=spec.name,
        format=CANONICAL,
        language=None,
        matched=tuple(name for name in table.header if name and name in read),
        unmatched=tuple(name for name in table.header if name and name not in read),
        rows=len(typed),
        days=_days(typed),
        new=len(typed) - existing,
        updated=existing,
        unknown_creators=0,
        creates_creators=False,
    )
    return Prepared(preview, spec, typed)


def write(
    prepared: Prepared,
    *,
    session: Session,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write a prepared file inside the caller's transaction (never commits).

    `on_total(rows)` is called once before writing and `progress(n)` as each batch of n rows is
    written."""
    typed, preview = prepared.typed, prepared.preview
    # The preview's counts may be stale by now (another import, or the same file twice): they
    # are counted again under the lock the write holds to its end.
    try:
        lock_imports(session=session)
    except ImportBusy as exc:
        raise ImportFailed(preview.source, [RowError(None, None, None, BUSY)]) from exc
    with shared(session=session):
        recheck(session=session)  # what `import_file`'s prepare read, if it still holds
        existing = prepared.spec.existing(typed, session)
        if on_total:
            on_total(len(typed))
        if prepared.creators is not None and len(prepared.creators):
            WRITERS["creators"](prepared.creators, session=session)
            after_import("creators", prepared.creators, session=session)
        if prepared.spec.name == DAILY_METRICS and len(typed) > WRITE_ROWS:
            _write_in_parts(typed, session=session, progress=progress)
        else:
            WRITERS[prepared.spec.name](typed, session=session, progress=progress)
        rows = len(typed)
        touched = typed[["market"]].drop_duplicates() if "market" in typed else typed.head(0)
        prepared.release()
        del typed
        release_memory()  # what the write freed (SQLite's page cache, the rows), before the boards
        after_import(prepared.spec.name, touched, session=session)
    release_memory()
    result = ImportResult(preview.kind, preview.rows, rows - existing, existing)
    logger.info(
        "imported %s",
        preview.source,
        extra={"kind": preview.kind, "rows": result.rows, "inserted": result.inserted},
    )
    return result


def _write_in_parts(
    typed: pd.DataFrame, *, session: Session, progress: Callable[[int], None] | None
) -> None:
    """Daily metrics WRITE_ROWS at a time, as a sync writes its chunks: the rows the database
    driver takes are built for one part at a time, and the day columns and campaign stats are
    brought up to date once, for all of them.

    Every market of the file is locked before the first part, in the order every writer takes
    them: a part locking only its own markets would hold one while waiting for another."""
    lock_markets(typed["market"].unique().tolist(), session=session)
    parts = DailyParts()
    for start in range(0, len(typed), WRITE_ROWS):
        part = typed.iloc[start : start + WRITE_ROWS]
        WRITERS[DAILY_METRICS](part, session=session, progress=progress, parts=parts)
    parts.flush(session=session)


def import_file(
    kind: str | None,
    path: Path,
    *,
    session: Session,
    day: dt.date | None = None,
    column_map: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    market: str | None = None,
) -> ImportResult:
    """`prepare` then `write` the file at `path` inside the caller's transaction (never commits).

    Raises `ImportFailed`, having written nothing, when any row is wrong."""
    # One block for both steps: the creators validation read serve the write too.
    with shared(session=session):
        prepared = prepare(
            path, session=session, kind=kind, day=day, column_map=column_map, market=market
        )
        return write(prepared, session=session, progress=progress, on_total=on_total)


def _canonical(table: Table) -> Kind | None:
    """The canonical kind whose required columns the file's header holds, the most specific
    (most columns) first; None when none does."""
    fitting = [spec for spec in BY_NAME.values() if _fits(spec, table)]
    return max(fitting, key=lambda spec: len(spec.fields)) if fitting else None


def _no_kind(table: Table) -> str:
    """What a header matching no kind is told: the canonical kind holding the largest share of
    its required columns there, and the columns it lacks, when that is at least half of them
    (two at least); else that it matches none."""
    nearest: tuple[float, str, list[str]] | None = None
    for spec in BY_NAME.values():
        required = sum(not f.optional for f in spec.fields)
        missing = _missing(spec, table)
        held = required - len(missing)
        if held >= 2 and 2 * held >= required:
            share = held / required
            if nearest is None or share > nearest[0]:
                nearest = (share, spec.name, missing)
    if nearest is None:
        return messages.UNKNOWN_KIND
    _, kind, missing = nearest
    return messages.NEAREST_KIND.format(kind=kind, missing=", ".join(missing))


def _fits(spec: Kind, table: Table) -> bool:
    return not _missing(spec, table)


def _missing(spec: Kind, table: Table) -> list[str]:
    """The required columns of `spec` the file's header lacks, in the kind's order."""
    return [f.name for f in spec.fields if not f.optional and f.name not in table.frame.columns]


def _prepare_native(
    found: native.Recognised,
    tables: Iterator[Table],
    *,
    market: str | None,
    day: dt.date | None,
    session: Session,
) -> Prepared:
    with shared(session=session):
        done = prepare_native(found, tables, market=market, day=day, session=session)
        existing = done.spec.existing(done.typed, session)
    release_memory()  # the file's text
    typed = done.typed
    preview = Preview(
        source=done.source,
        kind=done.spec.name,
        format=found.format.name,
        language=found.language,
        matched=tuple(found.fields),
        unmatched=found.unmatched,
        rows=len(typed),
        days=_days(typed),
        new=len(typed) - existing,
        updated=existing,
        unknown_creators=done.unknown,
        creates_creators=found.format.creates_creators,
        market=done.settled.market,
        market_source=done.settled.market_source,
        day_source=done.settled.day_source,
        left_out_orders=done.left_out,
    )
    return Prepared(preview, done.spec, typed, done.creators)


def _days(typed: pd.DataFrame) -> tuple[dt.date, ...]:
    if "date" not in typed or typed.empty:
        return ()
    return tuple(sorted({stamp.date() for stamp in typed["date"].dropna().unique().tolist()}))
