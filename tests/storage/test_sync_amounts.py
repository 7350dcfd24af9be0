"""A warehouse's plain decimal text read straight into minor units: exactly what validation
parses from the same text, and any column holding a value validation would refuse (or read
otherwise) left to it."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from creatorbot.storage.importers.errors import ErrorLog
from creatorbot.storage.importers.kinds import Field, Type
from creatorbot.storage.importers.parse import parse_column
from creatorbot.storage.sync.amounts import minor_units

GMV = Field("gmv", Type.MONEY)


def read(values: list[str], units: int = 2) -> list[int] | None:
    column = pd.Series(values, dtype=object)
    found = minor_units(GMV, column, np.full(len(values), units, dtype=np.int64))
    return None if found is None else found.tolist()


def validated(values: list[str], units: int = 2) -> tuple[list[int], int]:
    """What validation makes of the values, and how many it refuses."""
    column = pd.Series(values, dtype=object)
    log = ErrorLog()
    typed = parse_column(
        GMV, column, log, markets={}, minor_units=pd.Series(units, index=column.index)
    )
    return typed.tolist(), log.total


def test_amounts_as_numeric_and_text_columns_hold_them() -> None:
    values = ["1234.50", "0.01", "0", "12", "99999999.99", "7.5", "5.", "0.300000", "000.10"]
    assert read(values) == [123450, 1, 0, 1200, 9999999999, 750, 500, 30, 10]
    assert read(["1234", "5.000"], units=0) == [1234, 5]
    assert read(["1.5"], units=0) is None  # a decimal the currency has not


@pytest.mark.parametrize(
    "value",
    [
        "",  # required
        "-12.50",  # a refund: below zero
        "+1",
        "1.005",  # a third decimal
        "100000000.00",  # beyond what a creator-day holds
        "1e3",
        ".5",
        "1.2.3",
        " 1",
        "1,234.50",
        "NaN",
        "Infinity",
        "١٢",  # digits beyond ASCII: validation's own business
        "1\x002",
        "0.30000000000000004",
    ],
)
def test_a_column_with_any_value_validation_refuses_or_reads_otherwise_is_left(
    value: str,
) -> None:
    assert read(["1.00", value, "2.00"]) is None


def test_whatever_is_read_is_what_validation_reads() -> None:
    rng = random.Random(15)

    def digits(most: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(0, most)))

    def amount() -> str:
        text = digits(11) + ("." + digits(5) if rng.random() < 0.7 else "")
        if rng.random() < 0.2:  # something validation may refuse
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(".-e+ ,x0") + text[at:]
        return text

    read_some = 0
    for _ in range(500):
        units = rng.choice([0, 2, 3])
        values = [amount() for _ in range(rng.randint(1, 4))]
        read_values = read(values, units)
        typed, refused = validated(values, units)
        if read_values is not None:
            read_some += 1
            assert refused == 0, values
            assert read_values == typed, values
    assert read_some > 50  # the comparison was made often enough to mean something
