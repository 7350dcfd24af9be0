"""`creatorbot import [KIND] FILE [--day D] [--market M] [--dry-run]`: recognise and validate
the file, show the preview, then (unless a dry run) write it in one transaction with a progress
bar; written to the audit log like any command."""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from creatorbot.bot.app import App
from creatorbot.bot.cli_progress import progress_bar
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.trail import record
from creatorbot.storage.failures import database_unreachable, disk_full, first_line
from creatorbot.storage.importers import KINDS, ImportFailed, messages, prepare, write
from creatorbot.storage.importers.preview_text import preview_lines

PROGRESS_FROM = 2_000  # rows; smaller files finish before a bar would be worth drawing
DRY_RUN = "dry-run"  # the audit outcome of a preview only
NAME_THE_KIND = (
    "If it is one of those kinds with its own headers, name its kind: creatorbot import KIND {file}"
)


@dataclass(frozen=True)
class ImportArgs:
    """What the user asked for: `kind` None to recognise it from the header."""

    kind: str | None
    path: Path
    day: dt.date | None = None
    market: str | None = None
    dry_run: bool = False


def import_args(first: str, second: Path | None) -> ImportArgs | str:
    """`import FILE` or `import KIND FILE`: the first positional is the file when it names an
    existing file and no second is given. A problem to show instead, when it will not do."""
    if second is None:
        path = Path(first)
        if path.is_file():
            return ImportArgs(None, path)
        if first in KINDS:
            return f"creatorbot: name the file to import: creatorbot import {first} FILE"
        return f"creatorbot: no such file: {path}"
    if first not in KINDS:
        return f"creatorbot: unknown kind {first!r}; one of: {', '.join(KINDS)}"
    return ImportArgs(first, second)


def run_import(app: App, asked: ImportArgs) -> int:
    """Import one file; prints the preview and what was done, or every problem found.
    Returns the exit code."""
    if not asked.path.is_file():
        print(f"creatorbot: no such file: {asked.path}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    outcome, rows = "failed", None
    try:
        code, outcome, rows = _import(app, asked)
        return code
    finally:
        flags = " --dry-run" if asked.dry_run else ""
        flags += f" --day {asked.day}" if asked.day else ""
        flags += f" --market {asked.market}" if asked.market else ""
        record(
            app.sessions,
            CommandRequest(text="", platform="console"),
            command="import",
            arguments=f"{asked.kind or '-'} {asked.path.name}{flags}",
            allowed=True,
            outcome=outcome,
            rows=rows,
            latency_ms=round((time.perf_counter() - started) * 1000),
            at=app.services.clock(),
        )


def _import(app: App, asked: ImportArgs) -> tuple[int, str, int | None]:
    """The import itself: (exit code, audit outcome, rows imported)."""
    settings = app.settings
    column_map = settings.column_map.get(asked.kind or "*") or settings.column_map.get("*")
    market = asked.market or settings.default_market
    try:
        with app.sessions.begin() as session:
            prepared = prepare(
                asked.path,
                session=session,
                kind=asked.kind,
                day=asked.day,
                column_map=column_map,
                market=market,
            )
            print("\n".join(preview_lines(prepared.preview)), flush=True)
            if asked.dry_run:
                session.rollback()  # prepare writes nothing; nothing is left to chance either
                print("Dry run: nothing was imported.")
                return 0, DRY_RUN, prepared.preview.rows
            kind = prepared.preview.kind
            with progress_bar(f"importing {kind}") as bar:
                result = write(
                    prepared,
                    session=session,
                    progress=bar.advance,
                    on_total=lambda total: bar.start(total) if total >= PROGRESS_FROM else None,
                )
    except ImportFailed as exc:
        print(str(exc), file=sys.stderr)
        if any(error.problem == messages.UNKNOWN_KIND for error in exc.errors):
            print(NAME_THE_KIND.format(file=asked.path.name), file=sys.stderr)
        return 1, "refused", None
    except (DBAPIError, OSError) as exc:
        # The transaction was rolled back on the way out of `begin()`: nothing of it stays.
        source = asked.path.name
        if disk_full(exc):
            print(messages.DISK_FULL.format(source=source, disk=_disk(app)), file=sys.stderr)
        elif database_unreachable(exc):
            print(
                messages.UNREACHABLE.format(source=source, reason=first_line(exc)), file=sys.stderr
            )
        else:
            raise
        return 1, "failed", None
    print(
        f"Imported {result.rows} {result.kind} rows from {asked.path.name}: "
        f"{result.inserted} new, {result.updated} updated."
    )
    return 0, "answered", result.rows


def _disk(app: App) -> str:
    """Where space must be freed: the SQLite file's disk, or the database server's."""
    url = app.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return messages.SQLITE_DISK.format(path=Path(url.database).resolve())
    return messages.SERVER_DISK
