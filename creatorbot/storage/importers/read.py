"""Read a CSV or XLSX file as frames of stripped strings indexed by spreadsheet row, a bounded
number of rows at a time: memory stays bounded whatever the file's size."""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from creatorbot.storage.importers import limits, messages, textscan
from creatorbot.storage.importers.errors import ImportFailed, RowError
from creatorbot.storage.importers.xlsx import read_xlsx

DELIMITERS = (",", ";", "\t")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
PREAMBLE_LINES = 10  # an export's header comes within its first lines
PREAMBLE_WIDTH = 2  # values on a line before the header, such as "Date range:", "2026-12-01"
CHUNK_ROWS = 100_000  # rows read at a time: some 100 MB of values at most
SPACES = (" ", "\t", "\r", "\u00a0")  # around a value: stripped
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
    # Columns that hold typed values already, checked as validation would (a native export's
    # amounts and counts read straight into integers): validation takes them as they are.
    parsed: frozenset[str] = frozenset()


def read_chunks(
    path: Path, column_map: Mapping[str, str] | None = None, *, rows: int | None = None
) -> Iterator[Table]:
    """Read `path` (.csv, .tsv, .txt or .xlsx) `rows` rows (default CHUNK_ROWS) at a time,
    each value and header stripped, `column_map` applied; every table has the file's header
    and its rows numbered as a spreadsheet shows them. Lines before the header (an export's
    title or date range) are kept apart. Raises `ImportFailed` for a file that cannot be read
    (before the first table for whatever its size, encoding, header and line count tell)."""
    source = path.name
    suffix = path.suffix.lower()
    rows = rows or CHUNK_ROWS
    limits.check_size(path, source)
    if suffix in CSV_SUFFIXES:
        grids, strip = _read_csv(path, source, rows), False
    elif suffix in (".xlsx", ".xlsm"):
        # A cell may hold any whitespace around its text (a line break typed at its end, say):
        # every value is stripped, as few files of that size are XLSX.
        grids, strip = read_xlsx(path, source, rows), True
    else:
        raise _failed(source, None, path.suffix or None, messages.UNKNOWN_EXTENSION)
    return _tables(grids, source, column_map or {}, strip=strip)


def _read_csv(path: Path, source: str, rows: int) -> Iterator[pd.DataFrame]:
    scanned = textscan.scan(path, source, PREAMBLE_LINES)
    if scanned.blank:
        raise _failed(source, 1, None, messages.EMPTY_FILE)
    lines = scanned.head
    sep = _delimiter(lines)
    # Lines before the header (fewer fields than it) would make pandas expect as few.
    skipped = _before_header(_field_counts(lines, sep))
    header = lines[skipped] if skipped < len(lines) else ""
    limits.check_columns(header.count(sep) + 1, source)
    limits.check_rows(scanned.lines - skipped, source)
    top = [[line.strip().strip(sep).strip('"')] for line in lines[:skipped]]
    return _csv_grids(path, source, sep, scanned.encoding, skipped, top, rows)


def _csv_grids(
    path: Path,
    source: str,
    sep: str,
    encoding: str,
    skipped: int,
    top: list[list[str]],
    rows: int,
) -> Iterator[pd.DataFrame]:
    try:
        with pd.read_csv(
            path,
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,  # keeps row numbers equal to what a spreadsheet shows
            encoding=encoding,
            skiprows=skipped,
            chunksize=rows,
        ) as reader:
            for grid in reader:
                if top:  # the preamble's lines come back as rows of their first cell
                    grid = pd.concat([pd.DataFrame(top, dtype=str), grid], ignore_index=True)
                    grid, top = grid.fillna(""), []
                yield grid
    except pd.errors.EmptyDataError as exc:  # e.g. nothing but NUL bytes on a line
        raise _failed(source, 1, None, messages.EMPTY_FILE) from exc
    except pd.errors.ParserError as exc:
        match = _EXTRA_FIELDS.search(str(exc))
        if match:
            raise _failed(source, int(match.group(1)), None, messages.TOO_MANY_VALUES) from exc
        raise _failed(source, None, None, messages.UNREADABLE_CSV.format(reason=exc)) from exc


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


def _delimiter(head: list[str]) -> str:
    """The separator that splits the first lines into the most lines of one same width.

    Excel in comma-decimal locales (Italy, among others) saves "CSV" with semicolons, and
    "Unicode text" with tabs; an export may open with a title or date-range line."""
    lines = [line for line in head if line.strip()]
    if len(lines) <= 1:
        header = lines[0] if lines else ""
        return max(DELIMITERS, key=header.count)

    def fit(sep: str) -> tuple[int, int]:
        counts = _field_counts(lines, sep)
        widest = max(counts, default=1)
        return (counts.count(widest) if widest > 1 else 0, widest)

    return max(DELIMITERS, key=fit)


def _tables(
    grids: Iterator[pd.DataFrame], source: str, column_map: Mapping[str, str], *, strip: bool
) -> Iterator[Table]:
    """The grids of a file (the first holding its first lines) as tables of its rows."""
    grid = next(grids, None)
    if grid is None or (grid.empty and len(grid.columns) == 0):
        raise _failed(source, 1, None, messages.EMPTY_FILE)
    grid = grid.fillna("")
    skipped, preamble = _preamble(grid)
    renames = {key.strip(): value.strip() for key, value in column_map.items()}
    header = [renames.get(name, name) for name in (str(n).strip() for n in grid.iloc[skipped])]
    if not any(header):
        raise _failed(source, 1, None, messages.EMPTY_FILE)
    positions: dict[str, int] = {}
    repeated: set[str] = set()
    for position, name in enumerate(header):
        if not name:
            continue  # an unnamed column is an extra column: ignored
        if name in positions:
            repeated.add(name)
        else:
            positions[name] = position
    table = Table(source, pd.DataFrame(), header, frozenset(repeated), preamble)
    first, found = skipped + 2, False
    for rows in itertools.chain([grid.iloc[skipped + 1 :]], (g.fillna("") for g in grids)):
        frame = _frame(rows, positions, first, strip=strip)
        if len(frame):
            found = True
            yield replace(table, frame=frame)
        first += len(rows)
    if not found:
        raise _failed(source, 2, None, messages.NO_ROWS)


def _frame(
    grid: pd.DataFrame, positions: Mapping[str, int], first: int, *, strip: bool
) -> pd.DataFrame:
    """The named columns of `grid`'s rows (numbered from `first`), stripped (all of them, or
    those with spaces around a value), blank rows out."""
    columns: dict[str, pd.Series] = {}
    for name, position in positions.items():
        values = grid.iloc[:, position] if position < len(grid.columns) else _empty(grid)
        columns[name] = values.str.strip() if strip or _padded(values) else values
    frame = pd.DataFrame(columns, copy=False)
    frame.index = pd.RangeIndex(first, len(grid) + first, name="row")
    blank = _blank(frame)
    return frame[~blank] if blank.any() else frame


def _empty(grid: pd.DataFrame) -> pd.Series:
    return pd.Series("", index=grid.index, dtype=str)


def _padded(values: pd.Series) -> bool:
    """Whether any value may have spaces around it. A few substring searches over the column's
    text are much cheaper than stripping every value of a large file."""
    text = "\n".join(values.tolist())
    spaces = [space for space in SPACES if space in text]
    return bool(spaces) and (
        text.startswith(tuple(spaces))
        or text.endswith(tuple(spaces))
        or any("\n" + space in text or space + "\n" in text for space in spaces)
    )


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
