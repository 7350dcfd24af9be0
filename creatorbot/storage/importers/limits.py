"""How large a file may be: bytes, rows and columns, checked before the file is loaded.

The largest legitimate file is one day of figures for every creator of a market: a little over
a million rows, a few dozen columns, some 100 MB of CSV. The caps leave twice that room and
refuse what is far beyond it (a sheet claiming a cell at XFD1048576, a million-column line,
millions of rows) in seconds, before any frame is built, so memory stays bounded for any input.
"""

from __future__ import annotations

import os
from pathlib import Path

from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import ImportFailed, RowError

MAX_FILE_BYTES = 200 * 1024 * 1024  # as stored: the CSV, or the XLSX archive
MAX_ROWS = 2_000_000  # data rows, the header aside
MAX_COLUMNS = 200  # native exports carry a few dozen
# XLSX: what the archive may unpack to. A worksheet is streamed, so it may be large; every
# other part (shared strings, styles, the workbook) is read whole and must be small.
MAX_SHEET_BYTES = 2 * 1024 * 1024 * 1024
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 1_000  # an XLSX holds a dozen parts; a few hundred with many sheets
# XML compresses some 10-20 times, a very repetitive sheet 100 times; a zip bomb thousands.
MAX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024  # tiny parts compress as they like
# One worksheet row as XML: every column a long text (Excel allows 32,767 characters a cell).
MAX_ROW_BYTES = 8 * 1024 * 1024


def check_size(path: Path, source: str) -> None:
    """The file may not be larger than MAX_FILE_BYTES."""
    size = os.stat(path).st_size
    if size > MAX_FILE_BYTES:
        problem = messages.FILE_TOO_LARGE.format(size=_mb(size), limit=_mb(MAX_FILE_BYTES))
        raise refused(source, None, problem)


def check_columns(columns: int, source: str, row: int | None = 1) -> None:
    """At most MAX_COLUMNS columns."""
    if columns > MAX_COLUMNS:
        problem = messages.TOO_MANY_COLUMNS.format(count=columns, limit=MAX_COLUMNS)
        raise refused(source, row, problem)


def check_rows(rows: int, source: str) -> None:
    """At most MAX_ROWS data rows (`rows` counts the header)."""
    if rows - 1 > MAX_ROWS:
        raise refused(source, None, messages.TOO_MANY_ROWS.format(limit=MAX_ROWS))


def refused(source: str, row: int | None, problem: str) -> ImportFailed:
    """The whole file refused for `problem`."""
    return ImportFailed(source, [RowError(row, None, None, problem)])


def _mb(size: int) -> str:
    return messages.MEGABYTES.format(size=size / 1024 / 1024)
