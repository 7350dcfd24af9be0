"""Read a CSV or XLSX file into a frame of stripped strings, indexed by spreadsheet row."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from creatorbot.storage.importers import limits, messages
from creatorbot.storage.importers.errors import ImportFailed, RowError
from creatorbot.storage.importers.xlsx import read_xlsx

DELIMITERS = (",", ";", "\t")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
PREAMBLE_LINES = 10  # an export's header comes within its first lines
PREAMBLE_WIDTH = 2  # values on a line before the header, such as "Date range:", "2026-12-01"
_EXTRA_FIELDS = re.compile(r"Expected \d+ fields in line (\d+)")


@dataclass(frozen=True)
class Table:
    """A file's rows: `frame` has one column per header name (first occurrence kept) and is
    indexed by the row number a spreadsheet shows; `header` lists the names as they came."""

    source: str
    frame: pd.DataFrame
    header: list[str]
    repeated: frozenset[str]
    preamble: tuple[str, ...] = ()  # lines before the header (an export's title, date range)


def read_table(path: Path, column_map: Mapping[str, str] | None = None) -> Table:
    """Read `path` (.csv, .tsv, .txt or .xlsx), strip every value and header, apply
    `column_map`. Lines before the header (an export's title or date range) are kept apart."""
    source = path.name
    suffix = path.suffix.lower()
    limits.check_size(path, source)
    if suffix in CSV_SUFFIXES:
        grid, padded = _read_csv(path, source)
    elif suffix in (".xlsx", ".xlsm"):
        grid, padded = _read_xlsx(path, source)
    else:
        raise _failed(source, None, path.suffix or None, messages.UNKNOWN_EXTENSION)
    skipped, preamble = _preamble(grid)
    if skipped:
        grid = grid.iloc[skipped:]
    table = _table(grid, source, column_map or {}, strip=padded, first=skipped + 2)
    return replace(table, preamble=preamble) if preamble else table


def _read_csv(path: Path, source: str) -> tuple[pd.DataFrame, bool]:
    data = path.read_bytes()
    text = _decode(data, source)
    if not text.strip():
        raise _failed(source, 1, None, messages.EMPTY_FILE)
    sep = _delimiter(text)
    # Lines before the header (fewer fields than it) would make pandas expect as few.
    lines = _head(text)
    counts = _field_counts(lines, sep)
    skipped = _before_header(counts)
    if skipped:
        text = text.split("\n", skipped)[skipped]
    limits.check_text(text, sep, source)
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,  # keeps row numbers equal to what a spreadsheet shows
        )
    except pd.errors.EmptyDataError as exc:  # e.g. nothing but NUL bytes on a line
        raise _failed(source, 1, None, messages.EMPTY_FILE) from exc
    except pd.errors.ParserError as exc:
        match = _EXTRA_FIELDS.search(str(exc))
        if match:
            raise _failed(source, int(match.group(1)), None, messages.TOO_MANY_VALUES) from exc
        raise _failed(source, None, None, messages.UNREADABLE_CSV.format(reason=exc)) from exc
    if skipped:  # the preamble's lines come back as rows of their first cell
        top = [[line.strip().strip(sep).strip('"')] for line in lines[:skipped]]
        grid = pd.concat([pd.DataFrame(top, dtype=str), grid], ignore_index=True).fillna("")
    return grid, _padded(text, sep)


def _decode(data: bytes, source: str) -> str:
    """UTF-8 with or without BOM, or UTF-16 with its BOM (what Excel saves as "Unicode text")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            raise _failed(source, None, None, messages.NOT_UTF16) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        problem = messages.NOT_UTF8.format(
            byte=f"0x{data[exc.start]:02X}", position=exc.start - line_start + 1
        )
        raise _failed(source, data.count(b"\n", 0, exc.start) + 1, None, problem) from exc


def _head(text: str) -> list[str]:
    """The first PREAMBLE_LINES lines (without copying the rest of a large file)."""
    end = -1
    for _ in range(PREAMBLE_LINES):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.split("\n")
    return text[:end].split("\n")


def _field_counts(lines: list[str], sep: str) -> list[int]:
    try:
        return [
            len(row) for row in csv.reader([line.rstrip("\r") for line in lines], delimiter=sep)
        ]
    except csv.Error:
        return []


def _before_header(widths: list[int]) -> int:
    """How many of the first lines (of these widths) are an export's title or date range: the
    lines of at most PREAMBLE_WIDTH values before the first of the widest line."""
    if not widths:
        return 0
    widest = widths.index(max(widths))
    if all(width <= PREAMBLE_WIDTH for width in widths[:widest]):
        return widest
    return 0


def _preamble(grid: pd.DataFrame) -> tuple[int, tuple[str, ...]]:
    """How many rows come before the header, and their text: rows before the first of the
    first few rows that has as many values as the widest of them."""
    top = grid.iloc[:PREAMBLE_LINES].fillna("").astype(str)
    if len(top) < 2:
        return 0, ()
    filled = (top.apply(lambda column: column.str.strip()) != "").sum(axis=1).tolist()
    skipped = _before_header(filled)
    lines = tuple(" ".join(v for v in top.iloc[n] if v.strip()).strip() for n in range(skipped))
    return skipped, lines


def _padded(text: str, sep: str) -> bool:
    """Whether any value may have spaces or tabs around it. A few substring searches over the
    text are much cheaper than stripping every value of a large file."""
    spaces = [space for space in (" ", "\t") if space != sep and space in text]
    edges = (sep, '"', "\n", "\r")
    return text.rstrip("\r\n").endswith(tuple(spaces)) or any(
        space + edge in text or edge + space in text for space in spaces for edge in edges
    )


def _delimiter(text: str) -> str:
    """The separator that splits the first lines into the most lines of one same width.

    Excel in comma-decimal locales (Italy, among others) saves "CSV" with semicolons, and
    "Unicode text" with tabs; an export may open with a title or date-range line."""
    lines = [line for line in _head(text) if line.strip()]
    if len(lines) <= 1:
        header = lines[0] if lines else text
        return max(DELIMITERS, key=header.count)

    def fit(sep: str) -> tuple[int, int]:
        counts = _field_counts(lines, sep)
        widest = max(counts, default=1)
        return (counts.count(widest) if widest > 1 else 0, widest)

    return max(DELIMITERS, key=fit)


def _read_xlsx(path: Path, source: str) -> tuple[pd.DataFrame, bool]:
    return read_xlsx(path, source), True


def _table(
    grid: pd.DataFrame, source: str, column_map: Mapping[str, str], *, strip: bool, first: int = 2
) -> Table:
    if grid.empty and len(grid.columns) == 0:
        raise _failed(source, 1, None, messages.EMPTY_FILE)
    grid = grid.fillna("")
    renames = {key.strip(): value.strip() for key, value in column_map.items()}
    header = [str(name).strip() for name in grid.iloc[0]]
    header = [renames.get(name, name) for name in header]
    if not any(header):
        raise _failed(source, 1, None, messages.EMPTY_FILE)

    columns: dict[str, pd.Series] = {}
    repeated: set[str] = set()
    for position, name in enumerate(header):
        if not name:
            continue  # an unnamed column is an extra column: ignored
        if name in columns:
            repeated.add(name)
            continue
        values = grid.iloc[1:, position]
        columns[name] = values.str.strip() if strip else values
    frame = pd.DataFrame(columns, copy=False)
    frame.index = pd.RangeIndex(first, len(frame) + first, name="row")
    blank = _blank(frame)
    if blank.any():
        frame = frame[~blank]
    if frame.empty:
        raise _failed(source, 2, None, messages.NO_ROWS)
    return Table(source, frame, header, frozenset(repeated))


def _blank(frame: pd.DataFrame) -> pd.Series:
    """Rows without any value (blank lines, or separators only). Only a row whose first value
    is empty can be one, so only those rows are compared in full."""
    if not len(frame.columns):
        return pd.Series(False, index=frame.index)  # nothing to drop: there are no values
    blank = frame.iloc[:, 0] == ""
    if blank.any():
        blank[blank] = (frame[blank] == "").all(axis=1)
    return blank


def _failed(source: str, row: int | None, value: str | None, problem: str) -> ImportFailed:
    return ImportFailed(source, [RowError(row, None, value, problem)])
