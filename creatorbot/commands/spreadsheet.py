"""Export files a spreadsheet opens without running what people typed: CSV and XLSX writers.

The rule (OWASP's CSV injection advice, widened to every place a spreadsheet may start a cell):
every text field is quoted, and a `'` is put before `= + - @` (or their full-width forms) that
start the text or follow a `,`, `;`, tab or line break, with only blanks or `"` in between.
Quoting alone is not enough: Excel in a `;` locale (Italy) splits a comma file on `;` and ignores
the quotes meant for `,`, so `"ok;=1+1"` would give it a cell `=1+1"`. With the `'`, every cell
any reader makes starts as text, and a person still reads the words as typed. Numbers (ints,
Decimals) are written bare, so a spreadsheet sums them; a negative one is a number, not a
formula. In XLSX every text cell is typed as text, and one that looks like a formula is marked
the way Excel marks a typed `'`, so editing it does not turn it into one."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

Cell = str | int | Decimal | dt.date | None  # one cell of an export; None is empty

# What makes a spreadsheet cell a formula (Excel and LibreOffice also take the full-width forms
# an Asian keyboard types).
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# Where a spreadsheet may start a new cell: the separators of every locale, and line breaks.
SEPARATORS = frozenset(",;\t\r\n")
DEFUSER = "'"
CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def defused(text: str) -> str:
    """`text` with a `'` before each formula character a spreadsheet could see starting a cell:
    at the start, or after a separator or line break and any blanks or double quotes."""
    if FORMULA_STARTS.isdisjoint(text):
        return text  # nothing to defuse: most cells, and a payout file has a hundred thousand
    out: list[str] = []
    cell_starts = True
    for char in text:
        if cell_starts and char in FORMULA_STARTS:
            out.append(DEFUSER)
        out.append(char)
        if char in SEPARATORS:
            cell_starts = True
        elif not (char.isspace() or char == '"'):
            cell_starts = False
    return "".join(out)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would read `text`, typed into one cell, as a formula."""
    return text.lstrip().startswith(tuple(FORMULA_STARTS))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A CSV file: UTF-8 with a BOM (so Excel reads accents right), CRLF line ends, a header
    row; text quoted and defused, numbers bare, days as quoted YYYY-MM-DD (still dates to a
    spreadsheet). A row should not start with a negative number: Excel splitting a line on
    the wrong separator would see the whole line as one cell starting with `-`."""
    lines = [",".join(_csv_field(name) for name in header)]
    lines += [",".join(_csv_field(cell) for cell in row) for row in rows]
    return "".join(line + "\r\n" for line in lines).encode("utf-8-sig")


def _csv_field(value: Cell) -> str:
    if isinstance(value, bool):
        raise TypeError("a yes/no is not a spreadsheet number; write it as text")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a number a spreadsheet can hold: {value}")
        return format(value, "f")  # never 1E+3: every spreadsheet reads plain digits
    text = value.isoformat() if isinstance(value, dt.date) else defused(value or "")
    return '"' + text.replace('"', '""') + '"'


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """One sheet named `title`: a header row (frozen), numbers as numbers, days as dates, every
    text cell stored as text — shown as typed, never a formula."""
    from openpyxl import Workbook  # imported when a workbook is made: a start is quicker

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = title
    for row in itertools.chain([header], rows):  # the header's cells are text like any other
        sheet.append([_xlsx_value(cell) for cell in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store "=…" as a formula
                cell.quotePrefix = looks_like_formula(cell.value)
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Cell) -> Cell:
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        # XML cannot hold most control characters; they carry nothing a reader needs.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
