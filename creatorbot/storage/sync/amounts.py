"""A warehouse's amounts read straight into minor units when every value of a column is plain
decimal text (what PostgreSQL sends for NUMERIC, what a TEXT column holds: `1234.50`) within
the bounds validation sets: then no value of the column can be refused, and the integers are
exactly those validation would parse, digit by digit (no binary float sees an amount). Any
other column is left to validation, which names each bad value."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from creatorbot.storage.importers.kinds import Field, Kind, Type
from creatorbot.storage.importers.parse import SUMMED_DIGITS
from creatorbot.storage.importers.read import Table

INT64_DIGITS = 18  # digits any int64 holds
_ZERO, _NINE, _POINT = ord("0"), ord("9"), ord(".")


def with_amounts(spec: Kind, table: Table, markets: Mapping[str, int]) -> Table:
    """`table` with the amount columns marked parsed (minor units of each row's market,
    `markets` giving each market's minor units) where every value is one validation would
    accept as it stands."""
    frame = table.frame
    fields = [
        field
        for field in spec.fields
        if field.type is Type.MONEY
        and not field.positive
        and field.name in frame
        and field.name not in table.parsed
        and frame[field.name].dtype == object
    ]
    units = _units(frame, markets) if fields else None
    if units is None:
        return table
    frame = frame.copy(deep=False)
    parsed = set(table.parsed)
    for field in fields:
        minor = minor_units(field, frame[field.name], units)
        if minor is not None:
            frame[field.name] = minor
            parsed.add(field.name)
    return dataclasses.replace(table, frame=frame, parsed=frozenset(parsed))


def _units(frame: pd.DataFrame, markets: Mapping[str, int]) -> np.ndarray | None:
    """Each row's market's minor units; None when a row's market is missing or unknown (then
    validation says so)."""
    if "market" not in frame:
        return None
    codes, names = pd.factorize(frame["market"])
    if (codes < 0).any() or any(name not in markets for name in names):
        return None
    return np.array([markets[name] for name in names], dtype=np.int64)[codes]


def minor_units(field: Field, values: pd.Series, units: np.ndarray) -> pd.Series | None:
    """`values` (text) as minor units (`units` decimals on each row), or None unless every
    value is digits with at most one point, as many decimals as the row's currency has (more
    only as trailing zeros) and no more whole digits than `field` allows."""
    array = values.to_numpy(dtype=str)
    width = array.dtype.itemsize // 4
    if not len(array) or width == 0 or width > INT64_DIGITS + 1:
        return None
    points = array.view(np.uint32).reshape(len(array), width)
    digit = (points >= _ZERO) & (points <= _NINE)
    point = points == _POINT
    length = np.strings.str_len(array)
    filled = points != 0
    if not (digit | point | ~filled).all() or (filled.sum(axis=1) != length).any():
        return None  # another character, or a NUL within a value
    if (length == 0).any() or (point.sum(axis=1) > 1).any():
        return None  # an empty value (required, or NULL), or two points
    marked = point.any(axis=1)
    whole = np.where(marked, point.argmax(axis=1), length)  # digits before the point
    decimals = np.where(marked, length - whole - 1, 0)
    digits = field.digits or SUMMED_DIGITS
    too_long = (whole > digits - units) | (whole + decimals > INT64_DIGITS)
    if (whole == 0).any() or too_long.any():
        return None
    number = np.zeros(len(array), dtype=np.int64)
    for place in range(width):
        taken = digit[:, place]
        number = np.where(taken, number * 10 + points[:, place].astype(np.int64) - _ZERO, number)
    extra = np.maximum(decimals - units, 0)  # decimals beyond the currency's: zeros, or refused
    scale = 10**extra
    if (number % scale != 0).any():
        return None
    minor = number // scale * 10 ** np.maximum(units - decimals, 0)
    typed = pd.Series(minor, index=values.index)
    return typed.astype("Int64") if field.nullable else typed
