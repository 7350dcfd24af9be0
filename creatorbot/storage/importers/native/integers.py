"""A native export's amounts and counts read straight into integers (minor units), column-wise
on the values' code points, when every value of a column is of the plain forms (`RM1,234.50`,
`1.234,56 €`, `12,345`, `--`) and within the bounds validation sets: then no value of the column
can be refused, and the integers are exactly those validation would parse from the canonical
text. Any other column is left to that text path, which names each bad value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from creatorbot.storage.importers.kinds import Field, Type
from creatorbot.storage.importers.native.values import MARKS, NONE, REPEATS_SAMPLE, WIDTH
from creatorbot.storage.importers.parse import COUNT_DIGITS, SUMMED_DIGITS

# Each code point's class, for a file writing 1,234.56 and for one writing 1.234,56.
PAD, DIGIT, GROUP, POINT, MARK, PERCENT, OTHER = range(7)
_TOP = 0xFFFF  # code points beyond are OTHER


def _classes(group: str, point: str) -> np.ndarray:
    table = np.full(_TOP + 1, OTHER, dtype=np.uint8)
    table[0] = PAD
    for mark in MARKS:
        table[ord(mark)] = MARK
    table[ord("%")] = PERCENT
    table[ord("0") : ord("9") + 1] = DIGIT
    table[ord(group)], table[ord(point)] = GROUP, POINT
    return table


_CLASSES = {False: _classes(",", "."), True: _classes(".", ",")}


def integers(field: Field, values: pd.Series, *, comma: bool, units: int) -> pd.Series | None:
    """`values` (a column of the export, `--` and empty meaning 0) as `field`'s integers; None
    when any value is not of a plain form or beyond the field's bounds."""
    money = field.type is Type.MONEY
    if not money and field.type is not Type.COUNT or field.positive:
        return None
    sample = values.iloc[:REPEATS_SAMPLE]
    if sample.nunique() * 4 < len(sample):  # counts repeat: each distinct value read once
        codes, uniques = pd.factorize(values)
        if len(uniques) * 4 < len(values):
            each = integers(field, pd.Series(uniques, dtype=object), comma=comma, units=units)
            if each is None:
                return None
            return _typed(field, each.to_numpy(dtype=np.int64).take(codes), values)
    places = units if money else 0
    array = values.where(~values.isin(NONE), "").to_numpy(dtype=str)
    width = array.dtype.itemsize // 4
    if width > WIDTH:
        return None
    if width == 0:
        return _typed(field, np.zeros(len(array), dtype=np.int64), values)
    points = array.view(np.uint32).reshape(len(array), width)
    if ((points != 0).sum(axis=1) != np.strings.str_len(array)).any():
        return None  # a NUL inside a value: the text path refuses it
    found = _plain(points, _CLASSES[comma][np.minimum(points, _TOP)])
    if found is None:
        return None
    number, decimals, whole = found
    if (decimals > places).any():
        return None
    digits = field.digits or SUMMED_DIGITS
    if money:
        if (whole > digits - places).any():
            return None
        return _typed(field, number * 10 ** (places - decimals), values)
    limit = min(10**digits - 1, field.max_value or 10**digits)
    if (whole > COUNT_DIGITS).any() or (number > limit).any():
        return None
    return _typed(field, number, values)


def _plain(
    points: np.ndarray, classes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Each value's digits as one integer, how many of them follow the decimal mark and how
    many precede it; None unless every value is marks, digits grouped by threes, an optional
    decimal part, marks (or nothing at all)."""
    width = classes.shape[1]
    digit = classes == DIGIT
    has = digit.any(axis=1)
    if not (has | (classes[:, 0] == PAD)).all():
        return None  # marks alone, which the text path takes for 0
    first = np.where(has, np.argmax(digit, axis=1), width)  # an empty value: all before
    last = np.where(has, width - 1 - np.argmax(digit[:, ::-1], axis=1), -1)
    position = np.arange(width)
    before = position < first[:, None]
    after = position > last[:, None]
    inside = ~(before | after)
    bad = (
        # Padding ends each value (a NUL within one was refused): it follows the rest.
        (before & (classes != MARK) & (classes != PAD))
        | (after & (classes != MARK) & (classes != PERCENT) & (classes != PAD))
        | (inside & ((classes == PAD) | (classes > POINT)))
    )
    if bad.any():
        return None
    groups, point = classes == GROUP, classes == POINT
    if (point.sum(axis=1) > 1).any():
        return None
    at = np.where(point.any(axis=1), np.argmax(point, axis=1), width)
    if (groups & (position > at[:, None])).any():
        return None
    # Each group mark: three digits after it, then no fourth.
    padded = np.pad(digit, ((0, 0), (0, 4)))
    three = padded[:, 1 : width + 1] & padded[:, 2 : width + 2] & padded[:, 3 : width + 3]
    if (groups & ~(three & ~padded[:, 4 : width + 4])).any():
        return None
    leading = np.where(groups.any(axis=1), np.argmax(groups, axis=1) - first, 0)
    if (leading > 3).any():
        return None
    number = np.zeros(len(points), dtype=np.int64)
    for place in range(width):
        taken = digit[:, place]
        if taken.any():
            number = np.where(
                taken, number * 10 + points[:, place].astype(np.int64) - ord("0"), number
            )
    decimals = np.where(at < width, last - at, 0)
    return number, decimals, digit.sum(axis=1) - decimals


def _typed(field: Field, numbers: np.ndarray, values: pd.Series) -> pd.Series:
    """As validation types the field's values (none is missing: none is 0 for a metric)."""
    typed = pd.Series(numbers, index=values.index)
    return typed.astype("Int64") if field.nullable else typed
