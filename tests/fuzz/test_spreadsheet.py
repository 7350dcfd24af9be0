"""Fuzz the export rule (commands/spreadsheet.py): any text, any numbers, read by any reader
under `,`, `;` or tab, or split on `;` or `,` ignoring quotes as Excel does with a file in
another locale's separator — no cell starts with a formula; the words are kept; numbers bare."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from creatorbot.commands.spreadsheet import DEFUSER, csv_bytes, defused
from tests.commands.test_exports_in_spreadsheets import (
    FORMULA,
    cells_as_spreadsheets_see_them,
    runnable,
)
from tests.fuzz.support import fuzz

# Text rich in what matters here: formula characters, separators, quotes, blanks, line breaks.
TRICKY = st.sampled_from(
    list("=+-@＝＋－＠,;\t\r\n \u3000\"'") + ["SUM(1)", "1", "ok", "cmd|' /C calc'!A0", "é"]
)
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=4)), max_size=12).map("".join)
NUMBER = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.decimals(-(10**9), 10**9, allow_nan=False, allow_infinity=False, places=4),
    st.decimals(-(10**6), 10**6, allow_nan=False, allow_infinity=False),
)
# A row starts with text or a count (our exports start with a day or a rank): a line starting
# with a minus would be read as a formula by Excel splitting on the wrong separator.
FIRST = st.one_of(TEXT, st.integers(min_value=0), st.none())
ROW = st.tuples(FIRST, st.lists(st.one_of(TEXT, NUMBER, st.none()), max_size=5)).map(
    lambda first_rest: [first_rest[0], *first_rest[1]]
)


def quotes_before_formulas(text: str) -> int:
    return len(re.findall(rf"{DEFUSER}(?=[{re.escape(''.join(FORMULA))}])", text))


@fuzz(400)
@given(text=TEXT)
def test_defusing_only_adds_a_quote_before_a_formula_character(text: str) -> None:
    out = defused(text)
    assert out.replace(DEFUSER, "") == text.replace(DEFUSER, "")  # the words as typed
    added = len(out) - len(text)
    assert quotes_before_formulas(out) - quotes_before_formulas(text) == added
    assert defused(out) == out  # defusing twice changes nothing
    if not any(c in FORMULA for c in text):
        assert out == text


@fuzz(400)
@given(rows=st.lists(ROW, min_size=1, max_size=4))
def test_no_reader_finds_a_formula_in_a_csv(rows: list[list[str | int | Decimal | None]]) -> None:
    header = [f"c{i}" for i in range(max(len(row) for row in rows))]
    text = csv_bytes(header, rows).decode("utf-8-sig")
    found = [(how, cell) for how, cell in cells_as_spreadsheets_see_them(text) if runnable(cell)]
    assert not found, (found, text)
    # Read back with `,`: text comes back (with the quotes added), numbers come back as numbers.
    back = list(csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONNUMERIC))[1:]
    assert len(back) == len(rows)
    for wrote, read in zip(rows, back, strict=True):
        for cell, got in zip(wrote, read, strict=True):
            if isinstance(cell, str):
                assert got == defused(cell)
            elif cell is None:
                assert got == ""
            else:
                assert got == float(cell)
