"""`creatorbot import KIND FILE`: validate, then write in one transaction, with a progress bar;
written to the audit log like any command."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from creatorbot.bot.app import App
from creatorbot.bot.cli_progress import progress_bar
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.trail import record
from creatorbot.storage.failures import database_unreachable, disk_full, first_line
from creatorbot.storage.importers import KINDS, ImportFailed, import_file, messages

PROGRESS_FROM = 2_000  # rows; smaller files finish before a bar would be worth drawing


def run_import(app: App, kind: str, path: Path) -> int:
    """Import one file; prints what was done or every problem found. Returns the exit code."""
    if kind not in KINDS:
        print(f"creatorbot: unknown kind {kind!r}; one of: {', '.join(KINDS)}", file=sys.stderr)
        return 2
    if not path.is_file():
        print(f"creatorbot: no such file: {path}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    outcome, rows = "failed", None
    try:
        code, outcome, rows = _import(app, kind, path)
        return code
    finally:
        record(
            app.sessions,
            CommandRequest(text="", platform="console"),
            command="import",
            arguments=f"{kind} {path.name}",
            allowed=True,
            outcome=outcome,
            rows=rows,
            latency_ms=round((time.perf_counter() - started) * 1000),
            at=app.services.clock(),
        )


def _import(app: App, kind: str, path: Path) -> tuple[int, str, int | None]:
    """The import itself: (exit code, audit outcome, rows imported)."""
    column_map = app.settings.column_map.get(kind) or app.settings.column_map.get("*")
    try:
        with progress_bar(f"importing {kind}") as bar, app.sessions.begin() as session:
            result = import_file(
                kind,
                path,
                session=session,
                column_map=column_map,
                progress=bar.advance,
                on_total=lambda total: bar.start(total) if total >= PROGRESS_FROM else None,
            )
    except ImportFailed as exc:
        print(str(exc), file=sys.stderr)
        return 1, "refused", None
    except (DBAPIError, OSError) as exc:
        # The transaction was rolled back on the way out of `begin()`: nothing of it stays.
        if disk_full(exc):
            print(messages.DISK_FULL.format(source=path.name, disk=_disk(app)), file=sys.stderr)
        elif database_unreachable(exc):
            print(
                messages.UNREACHABLE.format(source=path.name, reason=first_line(exc)),
                file=sys.stderr,
            )
        else:
            raise
        return 1, "failed", None
    print(
        f"Imported {result.rows} {kind} rows from {path.name}: "
        f"{result.inserted} new, {result.updated} updated."
    )
    return 0, "answered", result.rows


def _disk(app: App) -> str:
    """Where space must be freed: the SQLite file's disk, or the database server's."""
    url = app.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return messages.SQLITE_DISK.format(path=Path(url.database).resolve())
    return messages.SERVER_DISK
