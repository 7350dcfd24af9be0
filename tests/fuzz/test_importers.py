"""Fuzz the CSV and XLSX importers: random tables of every kind, good rows beside bad cells,
broken headers, odd encodings and random bytes. An import is applied, or refused with problems
that name their row and column and changes nothing; no other exception ever escapes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.importers import KINDS, ImportFailed, ImportResult, import_file
from creatorbot.storage.importers.errors import MAX_ERRORS
from creatorbot.storage.importers.kinds import BY_NAME, Type
from tests.fuzz.support import fuzz
from tests.storage.test_importers import GOOD, TABLES, seed, write_xlsx

Rows = list[list[str]]

# Values no column of their type accepts (in a market with two decimals, MY and IT).
INVALID = {
    Type.COUNT: ("abc", "-1", "1.5", "NaN", "inf", "-inf", "1e3", "0x10", "9" * 25, "1 000"),
    Type.MONEY: ("abc", "-1", "1.234", "NaN", "inf", "1e3", "1,5", "9" * 25, "RM5", "€5"),
    Type.DATE: ("2026-02-30", "2026-13-01", "2026-00-10", "11/05/2026", "20261305", "abc"),
    Type.MARKET: ("XX", "my", "Malaysia", "M Y"),
    Type.CHOICE: ("bogus", "GMV ", "Mega_Sale"),
    Type.REWARD_TIERS: ("5000", "a:b", "5000:100;5000:200", "-1:5", "1:2:3"),
}
# Anything else a cell may hold: fine for some columns, wrong for others.
ODD = (
    "",
    " ",
    "0",
    "12.0",
    "٣",  # a digit all the same (Arabic-Indic three), read as 3
    "１２",
    " 12 ",
    "2026-01-05 00:00:00",
    "=1+1",
    '=HYPERLINK("http://evil")',
    "+1",
    "@SUM(A1)",
    '"quoted"',
    'say "hi"',
    "line\nbreak",
    "cr\rlf",
    "a,b",
    "a;b",
    "tab\there",
    "'; DROP TABLE creators;--",
    "%",
    "_",
    "\\",
    "\\N",
    "NULL",
    "None",
    "TRUE",
    "陈美玲",
    "👩‍💻",
    "\u202eevil",
    "\u200b",
    "\x00",
    "\x07",
    "x" * 300,
    "9" * 400,
)
ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252")
DELIMITERS = (",", ";", "\t")


@dataclass
class Table:
    """A drawn file: its header and rows, and the cells spoiled with a value their column
    refuses (row as a spreadsheet numbers it, column name)."""

    header: list[str]
    rows: Rows
    refused: set[tuple[int, str]] = field(default_factory=set)
    intact: bool = True  # the header and row shapes are the canonical ones


# The column of each kind's natural key that a row may change and still refer to what the
# database holds (the other key columns name stored creators and campaigns).
FREE_KEY = {
    "creators": "handle",
    "daily_metrics": "date",
    "campaigns": "slug",
    "tiers": "tier",
    "slot_metrics": "date",
}


def unique(kind: str, header: list[str], row: list[str], index: int) -> list[str]:
    """A good row whose natural key differs from the other rows' (rows past the good ones get
    a new key; enrollments have only their three)."""
    name = FREE_KEY.get(kind)
    if name is None or index < len(GOOD[kind][1]):
        return row
    column = header.index(name)
    if name == "date":
        row[column] = (dt.date.fromisoformat(row[column]) + dt.timedelta(days=index)).isoformat()
    else:
        row[column] = f"{row[column]}-{index}"
    return row


@st.composite
def tables(draw: st.DrawFn, kind: str) -> Table:
    """Up to eight rows drawn from the kind's good rows, some cells spoiled, and now and then
    a column missing, repeated, renamed or added, or a row with too few or too many values."""
    header, good = GOOD[kind]
    fields = {f.name: f for f in BY_NAME[kind].fields}
    header = list(header)
    most = 8 if kind in FREE_KEY else len(good)
    rows = [
        unique(kind, header, list(good[i % len(good)]), i)
        for i in range(draw(st.integers(1, most)))
    ]
    if len(rows) > 1 and draw(st.integers(0, 4)) == 0:  # the same natural key twice
        rows[draw(st.integers(1, len(rows) - 1))] = list(rows[0])
    table = Table(header, rows)
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3, 6]))):
        line = draw(st.integers(0, len(rows) - 1))
        column = draw(st.integers(0, len(header) - 1))
        name = header[column]
        spec = fields.get(name)
        bad = INVALID.get(spec.type, ()) if spec else ()
        refuse = draw(st.booleans())
        if bad and refuse:
            rows[line][column] = draw(st.sampled_from(bad))
            table.refused.add((line + 2, name))
        else:
            rows[line][column] = draw(st.one_of(st.sampled_from(ODD), st.text(max_size=12)))
            table.refused.discard((line + 2, name))
    if draw(st.integers(0, 4)) == 0:
        table.intact = False
        column = draw(st.integers(0, len(header) - 1))
        change = draw(st.sampled_from(["drop", "repeat", "rename", "extra", "short", "long"]))
        if change == "drop":
            del header[column]
            for row in rows:
                del row[column]
        elif change == "repeat":
            header.append(header[column])
            for row in rows:
                row.append(row[column])
        elif change == "rename":
            header[column] = draw(st.sampled_from([header[column].upper(), "", " ", "?"]))
        elif change == "extra":
            header.append(draw(st.sampled_from(["notes", "", "gmv2"])))
            for row in rows:
                row.append(draw(st.sampled_from(ODD)))
        else:
            line = draw(st.integers(0, len(rows) - 1))
            row = rows[line]
            if change == "short":  # the cells cut off read as empty, which may be fine
                cut = draw(st.integers(0, len(row) - 1))
                table.refused -= {(line + 2, name) for name in header[cut:]}
                del row[cut:]
            else:
                row.extend(["extra"] * draw(st.integers(1, 3)))
    return table


@st.composite
def csv_bytes(draw: st.DrawFn, table: Table) -> tuple[bytes, bool]:
    """The table as CSV in some encoding and delimiter, maybe with a stray invalid byte; and
    whether the importer reads back exactly the cells written (valid UTF-8, the delimiter
    found)."""
    out = io.StringIO()
    delimiter = draw(st.sampled_from(DELIMITERS))
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    csv.writer(out, delimiter=delimiter, lineterminator=terminator).writerows(
        [table.header, *table.rows]
    )
    encoding = draw(st.sampled_from(ENCODINGS))
    data = out.getvalue().encode(encoding, errors="replace")
    if draw(st.integers(0, 5)) == 0:
        at = draw(st.integers(0, len(data)))
        data = (
            data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe8", b"\x80\x80"])) + data[at:]
        )
    try:
        data.decode("utf-8")
        readable = True
    except UnicodeDecodeError:
        readable = False
    # A bare carriage return is a line end to the reader, but not quoted by the writer when
    # lines end in "\n" alone: such a file does split a row in two.
    bare_cr = terminator == "\n" and any("\r" in value for row in table.rows for value in row)
    return data, readable and not bare_cr and not table_has_delimiter_trouble(table, delimiter)


def table_has_delimiter_trouble(table: Table, delimiter: str) -> bool:
    """Whether the importer may guess another delimiter than the one written: it guesses from
    the header line, and a header's own commas or semicolons can outvote the real one."""
    line = delimiter.join(table.header)
    return any(
        line.count(other) >= line.count(delimiter) for other in DELIMITERS if other != delimiter
    )


def xlsx_ready(table: Table) -> Table:
    """The table as a workbook can hold it: without the characters openpyxl refuses, and with
    no number beyond a float's range (written as numbers, both would fail before the file
    exists; no spreadsheet a user saves has them)."""
    clean = [[_cell_ready(value) for value in row] for row in table.rows]
    header = [ILLEGAL_CHARACTERS_RE.sub("", name) for name in table.header]
    return Table(header, clean, table.refused, table.intact)


def _cell_ready(value: str) -> str:
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value[:300] if value.isascii() and value.isdigit() else value


@dataclass(frozen=True)
class Store:
    """A small SQLite database holding what the fuzzed kind's rows refer to."""

    sessions: sessionmaker[Session]
    folder: Path


@pytest.fixture
def store(sqlite_sessions: sessionmaker[Session], tmp_path: Path, kind: str) -> Store:
    seed(sqlite_sessions, tmp_path, kind)
    return Store(sqlite_sessions, tmp_path)


def dump(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as the session sees them (its own unflushed writes too)."""
    session.flush()
    return {table.name: sorted(map(tuple, session.execute(select(table)))) for table in TABLES}


def attempt(store: Store, kind: str, path: Path) -> ImportResult | ImportFailed:
    """Import `path` in one unit of work that is committed whatever happens, as if the caller
    went on after a refusal: anything half-written would then stay in the database."""
    with store.sessions.begin() as session:
        before = dump(session)
        try:
            return import_file(kind, path, session=session)
        except ImportFailed as failure:
            assert dump(session) == before, "a refused import wrote rows"
            return failure
        except SQLAlchemyError as exc:  # pragma: no cover - what the property rules out
            pytest.fail(f"a database error escaped the importer: {exc!r}")


def check_outcome(store: Store, kind: str, path: Path, table: Table, *, exact: bool) -> None:
    """Applied, or refused with problems naming where they are, and nothing changed."""
    with store.sessions() as session:
        before = dump(session)
    outcome = attempt(store, kind, path)
    with store.sessions() as session:
        after = dump(session)
    event(f"{kind} {path.suffix}: {'refused' if isinstance(outcome, ImportFailed) else 'applied'}")
    if isinstance(outcome, ImportResult):
        assert not table.refused, f"imported although {sorted(table.refused)} hold bad values"
        assert outcome.inserted + outcome.updated == outcome.rows > 0
        # The same file again changes nothing: an import is an upsert on the natural key.
        again = attempt(store, kind, path)
        assert isinstance(again, ImportResult)
        assert (again.rows, again.inserted) == (outcome.rows, 0)
        with store.sessions() as session:
            assert dump(session) == after, "importing the same file twice changed the database"
        return
    assert after == before, "a refused import changed the database"
    lines = max(len(table.rows) + 1, path.read_bytes().count(b"\n") + 1)
    check_problems(outcome, kind, lines=lines)
    if exact and table.intact and outcome.total_errors == len(outcome.errors):
        # Every cell spoiled with a value its column refuses is among the problems.
        named = {(error.row, error.column) for error in outcome.errors}
        missed = table.refused - named
        assert not missed, f"problems {sorted(named)} do not name {sorted(missed)}"


def check_problems(failure: ImportFailed, kind: str, *, lines: int) -> None:
    """The refusal's problems: each names a row of the file (or the whole file) and, when it
    names a column, one of the kind's; the message lists them."""
    names = {f.name for f in BY_NAME[kind].fields}
    assert failure.errors, "refused without a problem"
    assert len(failure.errors) <= MAX_ERRORS
    assert failure.total_errors >= len(failure.errors)
    for error in failure.errors:
        assert error.row is None or 1 <= error.row <= lines + 1, error
        assert error.column is None or set(error.column.split("+")) <= names, error
        assert error.problem.strip(), error
    message = str(failure)
    assert message.startswith(failure.source) and "nothing was imported" in message


@pytest.mark.parametrize("kind", KINDS)
@fuzz(30)
@given(data=st.data())
def test_any_csv_is_applied_or_refused_naming_row_and_column(
    store: Store, kind: str, data: st.DataObject
) -> None:
    table = data.draw(tables(kind), label="table")
    content, exact = data.draw(csv_bytes(table), label="csv")
    path = store.folder / f"{kind}.csv"
    path.write_bytes(content)
    check_outcome(store, kind, path, table, exact=exact)


@pytest.mark.parametrize("kind", KINDS)
@fuzz(20)
@given(data=st.data())
def test_any_workbook_is_applied_or_refused_naming_row_and_column(
    store: Store, kind: str, data: st.DataObject
) -> None:
    table = xlsx_ready(data.draw(tables(kind), label="table"))
    path = write_xlsx(store.folder / f"{kind}.xlsx", table.header, table.rows)
    # A formula cell is read as the value a spreadsheet last computed, which openpyxl never
    # stored: it reads as empty, and may be refused as such; that is the user's answer too.
    check_outcome(store, kind, path, table, exact=True)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@fuzz(40)
@given(
    kind=st.sampled_from(KINDS),
    content=st.one_of(
        st.binary(max_size=300),
        st.sampled_from(
            [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n\n", b"PK\x03\x04", b"\x00" * 64, b"\n\x00"]
            + [b"\r\n\x00\r\n", b",,,\n,,,", b'"', b'"\n"\n', b"\xff\xfe", b"a\x00b,c\nd,e"]
        ),
        st.text(max_size=200).map(lambda text: text.encode("utf-8")),
    ),
)
def test_any_bytes_are_read_or_refused(
    sqlite_sessions: sessionmaker[Session],
    tmp_path: Path,
    suffix: str,
    kind: str,
    content: bytes,
) -> None:
    path = tmp_path / f"{kind}{suffix}"
    path.write_bytes(content)
    store = Store(sqlite_sessions, tmp_path)
    outcome = attempt(store, kind, path)
    if isinstance(outcome, ImportFailed):
        check_problems(outcome, kind, lines=content.count(b"\n") + 1)
