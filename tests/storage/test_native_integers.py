"""A native export's plain amounts and counts read straight into integers: exactly the minor
units written, and any value the text path would refuse or read otherwise left to it."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from creatorbot.storage.importers.errors import ErrorLog
from creatorbot.storage.importers.kinds import Field, Type
from creatorbot.storage.importers.native.integers import integers
from creatorbot.storage.importers.native.values import number
from creatorbot.storage.importers.parse import parse_column

MONEY, COUNT = Field("gmv", Type.MONEY), Field("orders", Type.COUNT)


def read(
    field: Field, values: list[str], *, comma: bool = False, units: int = 2
) -> list[int] | None:
    found = integers(field, pd.Series(values, dtype=object), comma=comma, units=units)
    return None if found is None else found.tolist()


def test_amounts_as_exports_write_them_are_exact_minor_units() -> None:
    values = ["RM1,234.50", "RM0.01", "--", "", "RM 12", "99,999,999.99", "MYR 7.5", "0"]
    assert read(MONEY, values) == [123450, 1, 0, 0, 1200, 9999999999, 750, 0]


def test_an_italian_excel_file_writes_1_234_comma_56() -> None:
    values = ["€ 1.234,56", "1.234.567,8 €", "0,05", "12", "--"]
    assert read(MONEY, values, comma=True) == [123456, 123456780, 5, 1200, 0]


def test_a_currency_without_decimals() -> None:
    assert read(MONEY, ["Rp1,234,567", "Rp5"], units=0) == [1234567, 5]
    assert read(MONEY, ["Rp1,234.5"], units=0) is None  # a decimal the currency has not


def test_counts_grouped_or_not_and_repeated() -> None:
    assert read(COUNT, ["12,345", "7", "--", "1,000,000"]) == [12345, 7, 0, 1000000]
    repeated = ["3", "--", "1", "3", "2"] * 1000
    assert read(COUNT, repeated) == [3, 0, 1, 3, 2] * 1000


@pytest.mark.parametrize(
    "value",
    [
        "1,23",  # a comma that groups no three digits
        "1,2345",
        "1,234,56",
        "1.234",  # three decimals: more than the currency has
        "-5",
        "1.2.3",
        ".5",
        "5.",
        "1 234",
        "RM",  # marks alone
        "12345678901",  # beyond what a creator-day sums to
        "1,234.5,6",
        "٣",  # a digit beyond ASCII
        "5\x00RM",
        "1" * 50,
    ],
)
def test_anything_else_is_left_to_the_text_path(value: str) -> None:
    assert read(MONEY, ["RM1.00", value]) is None
    assert read(COUNT, ["1", value]) is None


def test_never_a_figure_the_text_path_would_not_give() -> None:
    """Random values of plain and odd forms: where the integers are read, they are those the
    canonical text path parses, without a problem."""
    pick = random.Random(15)
    pieces = ["RM", "€ ", "", "1", "12", "123", ",", ".", "0", "5", "%", " ", "--"]
    read_straight = 0
    for comma in (False, True):
        for field in (MONEY, COUNT):
            for _ in range(500):
                values = ["".join(pick.choices(pieces, k=pick.randint(1, 5)))]
                found = read(field, values, comma=comma)
                if found is None:
                    continue
                read_straight += 1
                text = number(pd.Series(values, dtype=object), comma=comma)
                log = ErrorLog()
                parsed = parse_column(
                    field,
                    text.where(text != "", "0"),
                    log,
                    markets={},
                    minor_units=pd.Series(2, index=text.index),
                )
                assert not log.errors, (values, log.errors)
                assert parsed.tolist() == found, values
    assert read_straight > 200  # the forms met are mostly plain ones
