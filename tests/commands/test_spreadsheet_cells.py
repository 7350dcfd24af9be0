"""The export files cell by cell (commands/spreadsheet.py): what a CSV holds byte for byte, and
what an XLSX holds as a spreadsheet reads it back — text typed as text, formulas never run,
days as dates, numbers as numbers, a frozen header."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from creatorbot.commands.spreadsheet import csv_bytes, looks_like_formula, xlsx_bytes

BOM = b"\xef\xbb\xbf"


def test_a_csv_writes_days_as_quoted_iso_dates() -> None:
    data = csv_bytes(["day", "n"], [[dt.date(2026, 11, 23), 5], [dt.date(2027, 1, 3), -2]])
    assert data == BOM + b'"day","n"\r\n"2026-11-23",5\r\n"2027-01-03",-2\r\n'


def test_a_csv_quotes_text_and_doubles_its_quotes() -> None:
    data = csv_bytes(["name"], [['say "hi"'], [None], ["=1"], ["a,b"]])
    assert data == BOM + b'"name"\r\n"say ""hi"""\r\n""\r\n"\'=1"\r\n"a,b"\r\n'


def test_a_csv_writes_decimals_in_plain_digits() -> None:
    data = csv_bytes(["a"], [[Decimal("1E+3")], [Decimal("-0.50")]])
    assert data == BOM + b'"a"\r\n1000\r\n-0.50\r\n'


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+1", True),
        ("+1", True),
        ("-2", True),
        ("@SUM(A1)", True),
        ("  =1", True),  # Excel skips the blanks before it
        ("\t-1", True),
        ("\uff1d1", True),  # full-width =
        ("1-2", False),
        ("ok =1", False),
        ("", False),
        ("2026-11-23", False),
    ],
)
def test_what_looks_like_a_formula(text: str, formula: bool) -> None:
    assert looks_like_formula(text) is formula


def read_back(data: bytes) -> Worksheet:
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Payouts"]
    return book["Payouts"]


def test_an_xlsx_keeps_text_as_text_and_numbers_and_days_as_they_are() -> None:
    data = xlsx_bytes(
        "Payouts",
        ["Day", "Creator", "Amount", "Note"],
        [
            [dt.date(2026, 11, 23), '=HYPERLINK("x")', 1500, "ok"],
            [dt.date(2026, 11, 24), " -2", Decimal("12.5"), "a\x01b\x1fc"],
            [None, "@me", -7, "+"],
        ],
    )
    sheet = read_back(data)
    assert sheet.freeze_panes == "A2"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [
        ["Day", "Creator", "Amount", "Note"],
        [dt.datetime(2026, 11, 23), '=HYPERLINK("x")', 1500, "ok"],
        [dt.datetime(2026, 11, 24), " -2", 12.5, "abc"],  # control characters dropped
        [None, "@me", -7, "+"],
    ]
    body = list(sheet.iter_rows(min_row=2))
    # Every text cell is stored as text (a formula would read back as type "f").
    assert [[cell.data_type for cell in row] for row in body] == [
        ["d", "s", "n", "s"],
        ["d", "s", "n", "s"],
        ["n", "s", "n", "s"],
    ]
    # Text a spreadsheet would take for a formula is marked as typed with a `'`.
    assert [[cell.quotePrefix for cell in row] for row in body] == [
        [False, True, False, False],
        [False, True, False, False],
        [False, True, False, True],
    ]
    assert [row[0].number_format for row in body[:2]] == ["yyyy-mm-dd", "yyyy-mm-dd"]


def test_an_xlsx_header_is_text_too() -> None:
    # Headers are the bot's own words today, but a column named after what someone typed (a
    # form's question) must not become a formula either.
    data = xlsx_bytes("Payouts", ["=SUM(1,2)", "Creator\x02", "-1"], [["a", "b", "c"]])
    (header,) = read_back(data).iter_rows(max_row=1)
    assert [cell.value for cell in header] == ["=SUM(1,2)", "Creator", "-1"]
    assert [cell.data_type for cell in header] == ["s", "s", "s"]
    assert [cell.quotePrefix for cell in header] == [True, False, True]
