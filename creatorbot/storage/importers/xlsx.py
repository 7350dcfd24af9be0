"""Read an XLSX workbook's first sheet as text, streaming, within the caps of `limits`: the
archive is inspected before it is opened, the sheet's rows counted before they are parsed."""

from __future__ import annotations

import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import pandas as pd
from defusedxml import DefusedXmlException

from creatorbot.storage.importers import limits, messages
from creatorbot.storage.importers.errors import ImportFailed

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
# A row element, with or without a namespace prefix (<row …> or <x:row …>), and the end of the
# rows: what follows them (merged cells, validations) is no row.
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_ROWS_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>")
_SHEET = re.compile(r"(?:.*/)?worksheets/[^/]+\.xml$", re.IGNORECASE)
_OVERLAP = 64  # bytes kept from one chunk to the next, so a tag cut in two is still found


def read_xlsx(path: Path, source: str, rows: int) -> Iterator[pd.DataFrame]:
    """The first sheet's cells as text (a date as "YYYY-MM-DD 00:00:00", a whole number without
    ".0"), `rows` rows at a time, each grid as wide as its widest row; or `ImportFailed` saying
    why not."""
    check_archive(path, source)
    try:
        # Opening a workbook reads each sheet through when it states no dimension: the rows
        # are counted first.
        with zipfile.ZipFile(path) as archive:
            for entry in archive.infolist():
                if _SHEET.match(entry.filename):
                    with archive.open(entry) as stream:
                        scan_rows(stream, source)
        from openpyxl import load_workbook  # imported when a workbook comes: a start is quicker

        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl fails on a malformed part in many ways
        raise _unreadable(exc, source) from exc
    try:
        sheet = workbook.worksheets[0]
        _check_dimension(sheet, source)
        held: list[list[str]] = []
        for row in _rows(sheet, source):
            held.append(row)
            if len(held) == rows:
                yield _grid(held)
                held = []
        while held and not held[-1]:
            held.pop()  # empty rows at the end of a sheet are no rows
        if held:
            yield _grid(held)
    except ImportFailed:
        raise
    except Exception as exc:
        raise _unreadable(exc, source) from exc
    finally:
        workbook.close()


def _grid(rows: list[list[str]]) -> pd.DataFrame:
    width = max(map(len, rows), default=0)
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=str)


def check_archive(path: Path, source: str) -> None:
    """Refuse a damaged archive, or one whose parts would unpack to far more than a workbook
    holds (sizes as the archive declares them: reading stops there)."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise limits.refused(source, None, messages.BROKEN_ZIP.format(reason=exc)) from exc
    if len(entries) > limits.MAX_ENTRIES:
        problem = messages.ZIP_ENTRIES.format(count=len(entries), limit=limits.MAX_ENTRIES)
        raise limits.refused(source, None, problem)
    for entry in entries:
        sheet = entry.filename.startswith("xl/worksheets/")
        cap = limits.MAX_SHEET_BYTES if sheet else limits.MAX_PART_BYTES
        if entry.file_size > cap:
            problem = messages.ZIP_TOO_LARGE.format(
                part=entry.filename, size=_size(entry.file_size), limit=_size(cap)
            )
            raise limits.refused(source, None, problem)
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > limits.RATIO_FROM_BYTES and ratio > limits.MAX_RATIO:
            problem = messages.ZIP_BOMB.format(
                part=entry.filename, size=_size(entry.file_size), ratio=ratio
            )
            raise limits.refused(source, None, problem)


def scan_rows(stream: IO[bytes], source: str) -> int:
    """Count the rows of a worksheet's XML without parsing it (decompression and a byte search:
    seconds for millions of rows); refuse more than MAX_ROWS, or a row larger than
    MAX_ROW_BYTES (a million cells in one row). Returns the rows counted."""
    rows, row_start, offset, tail = 0, 0, 0, b""
    while chunk := stream.read(CHUNK):
        data = tail + chunk
        base = offset - len(tail)  # where `data` starts in the sheet's XML
        for match in _ROW.finditer(data):
            if match.end() > len(tail):  # not counted with the previous chunk
                rows += 1
                row_start = base + match.start()
        limits.check_rows(rows, source)
        end = _ROWS_END.search(data)
        reached = base + (end.start() if end else len(data))
        if reached - row_start > limits.MAX_ROW_BYTES:
            problem = messages.ROW_TOO_LONG.format(
                limit=_size(limits.MAX_ROW_BYTES), columns=limits.MAX_COLUMNS
            )
            raise limits.refused(source, rows or None, problem)
        if end:
            break
        offset += len(chunk)
        tail = data[-_OVERLAP:]
    return rows


def _check_dimension(sheet: Any, source: str) -> None:
    """A sheet states the cells it spans (<dimension ref="A1:M1000001">): far beyond the caps,
    it is refused before a row is read."""
    from openpyxl.utils import get_column_letter

    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows - 1 > limits.MAX_ROWS or columns > limits.MAX_COLUMNS:
        problem = messages.FAR_CELL.format(
            cell=f"{get_column_letter(max(columns, 1))}{rows}",
            rows=rows,
            columns=columns,
            row_limit=limits.MAX_ROWS,
            column_limit=limits.MAX_COLUMNS,
        )
        raise limits.refused(source, None, problem)


def _rows(sheet: Any, source: str) -> Iterator[list[str]]:
    """The sheet's rows as text, trailing empty cells dropped. The stated dimension may be wrong
    (too small as often as too large): the rows are read as they are."""
    sheet.reset_dimensions()
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        limits.check_rows(number, source)
        row = [_text(value) for value in values]
        while row and row[-1] == "":
            row.pop()
        limits.check_columns(len(row), source, number)
        yield row


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a count Excel stored as 12.0
    return str(value)  # a date cell: "2026-01-05 00:00:00"


def _unreadable(exc: Exception, source: str) -> ImportFailed:
    """A clear reason for whatever openpyxl raised."""
    logger.info("unreadable workbook %s: %r", source, exc)
    cause: BaseException | None = exc
    while cause is not None:  # openpyxl wraps what the XML parser raised in a ValueError
        if isinstance(cause, DefusedXmlException):
            return limits.refused(source, None, messages.XML_ENTITIES)
        if isinstance(cause, ParseError):
            return limits.refused(source, None, messages.BAD_XML.format(reason=cause))
        if isinstance(cause, zipfile.BadZipFile | EOFError | zlib.error):
            return limits.refused(source, None, messages.BROKEN_ZIP.format(reason=cause))
        cause = cause.__cause__ or cause.__context__
    return limits.refused(source, None, messages.NOT_XLSX)


def _size(size: int) -> str:
    if size >= 1024**3:
        return messages.GIGABYTES.format(size=size / 1024**3)
    return messages.MEGABYTES.format(size=size / 1024**2)
