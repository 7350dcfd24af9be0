"""Read a CSV or XLSX file into a frame of stripped strings, indexed by spreadsheet row."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from creatorbot.storage.importers import limits, messages
from creatorbot.storage.importers.errors import ImportFailed, RowError
from creatorbot.storage.importers.xlsx import read_xlsx

DELIMITERS = (",", ";", "\t")
_EXTRA_FIELDS = re.compile(r"Expected \d+ fields in line (\d+)")


@dataclass(frozen=True)
class Table:
    """A file's rows: `frame` has one column per header name (first occurrence kept) and is
    indexed by the row number a spreadsheet shows; `header` lists the names as they came."""

    source: str
    frame: pd.DataFrame
    header: list[str]
    repeated: frozenset[str]


def read_table(path: Path, column_map: Mapping[str, str] | None = None) -> Table:
    """Read `path` (.csv or .xlsx), strip every value and header, apply `column_map`."""
    source = path.name
    suffix = path.suffix.lower()
    limits.check_size(path, source)
    if suffix == ".csv":
        grid, padded = _read_csv(path, source)
    elif suffix in (".xlsx", ".xlsm"):
        grid, padded = _read_xlsx(path, source)
    else:
        raise _failed(source, None, path.suffix or None, messages.UNKNOWN_EXTENSION)
    return _table(grid, source, column_map or {}, strip=padded)


def _read_csv(path: Path, source: str) -> tuple[pd.DataFrame, bool]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        problem = messages.NOT_UTF8.format(
            byte=f"0x{data[exc.start]:02X}", position=exc.start - line_start + 1
        )
        raise _failed(source, data.count(b"\n", 0, exc.start) + 1, None, problem) from exc
    if not text.strip():
        raise _failed(source, 1, None, messages.EMPTY_FILE)
    sep = _delimiter(text)
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
    return grid, _padded(text, sep)


def _padded(text: str, sep: str) -> bool:
    """Whether any value may have spaces or tabs around it. A few substring searches over the
    text are much cheaper than stripping every value of a large file."""
    spaces = [space for space in (" ", "\t") if space != sep and space in text]
    edges = (sep, '"', "\n", "\r")
    return text.rstrip("\r\n").endswith(tuple(spaces)) or any(
        space + edge in text or edge + space in text for space in spaces for edge in edges
    )


def _delimiter(text: str) -> str:
    # Excel in comma-decimal locales (Italy, among others) saves "CSV" with semicolons.
    header = text[: text.find("\n")] if "\n" in text else text
    return max(DELIMITERS, key=header.count)


def _read_xlsx(path: Path, source: str) -> tuple[pd.DataFrame, bool]:
    return read_xlsx(path, source), True


def _table(grid: pd.DataFrame, source: str, column_map: Mapping[str, str], *, strip: bool) -> Table:
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
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
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
