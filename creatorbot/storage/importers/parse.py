"""Turn one column of text into typed values, column-wise, logging every value that won't do.

Each parser returns a series on the same row index. Values of rows that failed are placeholders:
the import stops before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import ErrorLog
from creatorbot.storage.importers.kinds import Field, Type
from creatorbot.storage.money import to_minor

# Amounts pass through float64 on their way to minor units. Below 10**15 minor units, rounding
# a value that has at most `minor_units` decimals lands exactly on the right integer.
MINOR_DIGITS = 15
COUNT_DIGITS = 18  # int64 holds every 18-digit number
MIDNIGHT = " 00:00:00"  # how an XLSX date cell reads once taken as text


def parse_column(
    field: Field,
    values: pd.Series,
    log: ErrorLog,
    *,
    markets: Mapping[str, int],
    minor_units: pd.Series,
) -> pd.Series:
    """Parse `values` as `field` says; `minor_units` gives each row's market's minor units."""
    empty = values == ""
    if not field.nullable:
        log.add_rows(empty, field.name, None, messages.REQUIRED)
    match field.type:
        case Type.TEXT:
            return _text(field, values, empty, log)
        case Type.MARKET:
            return _market(field, values, empty, log, markets)
        case Type.CHOICE:
            return _choice(field, values, empty, log)
        case Type.DATE:
            return _dates(field, values, empty, log)
        case Type.COUNT:
            return _counts(field, values, empty, log)
        case Type.MONEY:
            return _amounts(field, values, empty, log, minor_units)
        case Type.REWARD_TIERS:
            return _reward_tiers(field, values, log, minor_units)


def _text(field: Field, values: pd.Series, empty: pd.Series, log: ErrorLog) -> pd.Series:
    if field.max_length is not None:
        too_long = values.str.len() > field.max_length
        problem = messages.TOO_LONG.format(limit=field.max_length)
        log.add_rows(too_long, field.name, values, problem)
    return _or_none(field, values, empty)


def _market(
    field: Field, values: pd.Series, empty: pd.Series, log: ErrorLog, markets: Mapping[str, int]
) -> pd.Series:
    unknown = ~empty & ~values.isin(list(markets))
    problem = messages.UNKNOWN_MARKET.format(known=", ".join(sorted(markets)))
    log.add_rows(unknown, field.name, values, problem)
    return values


def _choice(field: Field, values: pd.Series, empty: pd.Series, log: ErrorLog) -> pd.Series:
    unknown = ~empty & ~values.isin(list(field.choices))
    problem = messages.NOT_A_CHOICE.format(choices=", ".join(field.choices))
    log.add_rows(unknown, field.name, values, problem)
    if field.default is not None:
        return values.where(~empty, field.default)
    return _or_none(field, values, empty)


def _or_none(field: Field, values: pd.Series, empty: pd.Series) -> pd.Series:
    if field.nullable and empty.any():
        return values.astype(object).where(~empty, None)
    return values


def _dates(field: Field, values: pd.Series, empty: pd.Series, log: ErrorLog) -> pd.Series:
    if (values.str.len() == len("YYYY-MM-DD") + len(MIDNIGHT)).any():
        values = values.str.removesuffix(MIDNIGHT)
    shaped = values.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    # format= makes to_datetime strict about the calendar: 2026-02-30 becomes NaT.
    dates = pd.to_datetime(values.where(shaped), format="%Y-%m-%d", errors="coerce")
    log.add_rows(~empty & dates.isna(), field.name, values, messages.NOT_A_DATE)
    return dates


def _counts(field: Field, values: pd.Series, empty: pd.Series, log: ErrorLog) -> pd.Series:
    # Spreadsheet exports may write a whole number as "12.0".
    shaped = values.str.fullmatch(r"\d+(?:\.0*)?")
    log.add_rows(~empty & ~shaped, field.name, values, messages.NOT_A_COUNT)
    digits = values.where(shaped, "0")
    if digits.str.contains(".", regex=False).any():
        digits = digits.str.replace(r"\.0*$", "", regex=True)
    huge = digits.str.len() > COUNT_DIGITS
    numbers = digits.where(~huge, "0").astype("int64")
    limit = field.max_value if field.max_value is not None else 10**COUNT_DIGITS - 1
    problem = messages.COUNT_TOO_LARGE.format(limit=limit)
    log.add_rows(huge | (numbers > limit), field.name, values, problem)
    if field.nullable:
        return numbers.astype("Int64").mask(empty)
    return numbers


def _amounts(
    field: Field, values: pd.Series, empty: pd.Series, log: ErrorLog, minor_units: pd.Series
) -> pd.Series:
    whole_digits = values.str.find(".")
    whole_digits = whole_digits.where(whole_digits >= 0, values.str.len())
    ok = pd.Series(False, index=values.index)
    for units in (int(u) for u in minor_units.unique()):
        rows = minor_units == units
        subset = values if rows.all() else values[rows]
        shaped = subset.str.fullmatch(amount_pattern(units))
        problem = messages.NOT_AN_AMOUNT.format(decimals=units)
        log.add_rows(~empty[rows] & ~shaped, field.name, subset, problem)
        huge = shaped & (whole_digits[rows] > MINOR_DIGITS - units)
        problem = messages.AMOUNT_TOO_LARGE.format(limit=10 ** (MINOR_DIGITS - units))
        log.add_rows(huge, field.name, subset, problem)
        ok[subset.index] = shaped & ~huge
    amounts = pd.to_numeric(values.where(ok, "0")).to_numpy(dtype="float64")
    scale = np.power(10.0, minor_units.to_numpy(dtype="float64"))
    minor = pd.Series(np.rint(amounts * scale).astype("int64"), index=values.index)
    if field.nullable:
        return minor.astype("Int64").mask(empty)
    return minor


def amount_pattern(minor_units: int) -> str:
    """A non-negative amount with at most `minor_units` decimals (trailing zeros aside)."""
    if minor_units == 0:
        return r"\d+(?:\.0*)?"
    return rf"\d+(?:\.\d{{1,{minor_units}}}0*)?"


def _reward_tiers(
    field: Field, values: pd.Series, log: ErrorLog, minor_units: pd.Series
) -> pd.Series:
    # Campaign files are small, so this one goes row by row.
    parsed: list[list[tuple[int, int]] | None] = []
    for row, text, units in zip(values.index, values, minor_units, strict=True):
        tiers, problem = reward_tiers(str(text), int(units))
        if problem is not None:
            log.add(int(row), field.name, str(text), problem)
        parsed.append(tiers or None)
    return pd.Series(parsed, index=values.index, dtype=object)


def reward_tiers(text: str, minor_units: int) -> tuple[list[tuple[int, int]], str | None]:
    """Parse "5000:100;20000:500" into [(threshold, reward), ...] in minor units, or say why
    it can't be."""
    tiers: dict[int, int] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        pieces = [piece.strip() for piece in part.split(":")]
        shaped = all(
            re.fullmatch(amount_pattern(minor_units), p)
            and len(p.split(".")[0]) <= MINOR_DIGITS - minor_units
            for p in pieces
        )
        if len(pieces) != 2 or not shaped:
            return [], messages.BAD_REWARD_TIERS.format(decimals=minor_units)
        threshold, reward = (to_minor(piece, minor_units) for piece in pieces)
        if threshold in tiers:
            return [], messages.REPEATED_THRESHOLD.format(threshold=pieces[0])
        tiers[threshold] = reward
    return sorted(tiers.items()), None
