"""Turn one column of text into typed values, column-wise, logging every value that won't do.

Each parser returns a series on the same row index. Values of rows that failed are placeholders:
the import stops before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from creatorbot.analytics.windows import FIRST_DAY, LAST_DAY
from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import ErrorLog
from creatorbot.storage.importers.kinds import Field, Type
from creatorbot.storage.markup import SUSPECT, plain
from creatorbot.storage.money import to_minor

# No amount or count has more than 15 digits: inside int64 and exact in the float64 analytics
# may turn it into. That is the bound of targets and thresholds, which are compared with sums.
MINOR_DIGITS = 15
COUNT_DIGITS = 15
# Values that are summed — a creator-day's GMV (minor units), orders, views, followers — stay
# below 10**10. The largest sum a command or the database makes is one market's figures over
# the longest window: a million creators × 366 days is 3.7e8 rows, and 2.5 million creators ×
# 366 days at the bound is still 9.2e18 = int64's limit. So no SUM overflows: SQLite raises on
# it, pandas wraps silently. 10**10 minor units is 100 million RM or € a creator-day (10
# billion in a currency without decimals); 10 billion views.
SUMMED_DIGITS = 10
# A reward is summed over a campaign's enrollees (a million at most): below 10**12 minor units.
REWARD_DIGITS = 12
# C0 and C1 control characters (NUL, line breaks, ESC, …): no name or code carries one, and a
# terminal or a chat message may act on them.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
FIXED_WIDTH = 40
MIDNIGHT = " 00:00:00"  # how an XLSX date cell reads once taken as text


def parse_column(
    field: Field,
    values: pd.Series,
    log: ErrorLog,
    *,
    markets: Mapping[str, int],
    minor_units: pd.Series,
    threshold_units: pd.Series | None = None,
) -> pd.Series:
    """Parse `values` as `field` says; `minor_units` gives each row's market's minor units and
    `threshold_units` the decimals of each row's reward thresholds (see `reward_tiers`)."""
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
            thresholds = minor_units if threshold_units is None else threshold_units
            return _reward_tiers(field, values, log, minor_units, thresholds)
        case Type.REWARD_BANDS:
            return _reward_bands(field, values, log, minor_units)


def _text(field: Field, values: pd.Series, empty: pd.Series, log: ErrorLog) -> pd.Series:
    if _anywhere(CONTROL, values):
        control = values.str.contains(CONTROL, regex=True)
        log.add_rows(control, field.name, values, messages.CONTROL_CHARACTER)
        # Refused, and blanked: the checks that follow look values up, and PostgreSQL takes
        # no NUL even in a query.
        values, empty = values.mask(control, ""), empty | control
    if field.shown and _anywhere(SUSPECT, values):
        values, empty = _plain(field, values, empty, log)
    if field.max_length is not None:
        too_long = values.str.len() > field.max_length
        problem = messages.TOO_LONG.format(limit=field.max_length)
        log.add_rows(too_long, field.name, values, problem)
    return _or_none(field, values, empty)


def _anywhere(pattern: re.Pattern[str], values: pd.Series) -> bool:
    """Whether any value holds `pattern` (one search over the joined values: a million names
    are checked in milliseconds)."""
    return pattern.search("".join(values.to_numpy(dtype=object))) is not None


def _plain(
    field: Field, values: pd.Series, empty: pd.Series, log: ErrorLog
) -> tuple[pd.Series, pd.Series]:
    """Names without chat mentions or markup; a required name that was nothing else is refused."""
    suspect = values.str.contains(SUSPECT, regex=True)
    cleaned = values[suspect].map(plain)
    if not field.nullable:
        only_markup = pd.Series(False, index=values.index)
        only_markup[cleaned.index] = (cleaned == "") & (values[suspect] != "")
        log.add_rows(only_markup, field.name, values, messages.ONLY_MARKUP)
    values = values.mask(suspect, cleaned)
    return values, values == ""


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
    lengths = values.str.len()
    midnight = lengths == len("YYYY-MM-DD") + len(MIDNIGHT)
    if midnight.any():
        midnight &= values.str.endswith(MIDNIGHT)
        values = values.where(~midnight, values.str.slice(0, len("YYYY-MM-DD")))
        lengths = lengths.where(~midnight, len("YYYY-MM-DD"))
    # With format= to_datetime is strict about the calendar (2026-02-30 becomes NaT); only
    # YYYY-MM-DD is ten characters long and fits the format.
    shaped = values.where(lengths == len("YYYY-MM-DD"))
    dates = pd.to_datetime(shaped, format="%Y-%m-%d", errors="coerce")
    log.add_rows(~empty & dates.isna(), field.name, values, messages.NOT_A_DATE)
    first, last = pd.Timestamp(FIRST_DAY), pd.Timestamp(LAST_DAY)
    if field.recent:  # the latest day is the market's tomorrow: `dates.not_after_tomorrow`
        outside = dates.notna() & (dates < first)
        problem = messages.DATE_TOO_EARLY.format(first=FIRST_DAY)
    else:
        outside = dates.notna() & ((dates < first) | (dates > last))
        problem = messages.DATE_OUT_OF_RANGE.format(first=FIRST_DAY, last=LAST_DAY)
    log.add_rows(outside, field.name, values, problem)
    return dates.mask(outside)


def _counts(field: Field, values: pd.Series, empty: pd.Series, log: ErrorLog) -> pd.Series:
    whole, _, decimals = np.strings.partition(_fixed(values), ".")
    # Spreadsheet exports may write a whole number as "12.0".
    shaped = np.strings.isdecimal(whole) & (np.strings.rstrip(decimals, "0") == "")
    log.add_rows(~empty & ~_on(values, shaped), field.name, values, messages.NOT_A_COUNT)
    huge = shaped & (np.strings.str_len(whole) > COUNT_DIGITS)
    numbers = _integers(np.where(shaped & ~huge, whole, "0"))
    digits = field.digits or SUMMED_DIGITS
    limit = min(10**digits - 1, field.max_value or 10**digits)
    too_large = _on(values, huge | (numbers > limit))
    log.add_rows(too_large, field.name, values, messages.COUNT_TOO_LARGE.format(limit=limit))
    _refuse_zero(field, values, empty, _on(values, shaped & (numbers == 0)), log)
    return _maybe_null(field, _on(values, numbers), empty)


def _refuse_zero(
    field: Field, values: pd.Series, empty: pd.Series, zero: pd.Series, log: ErrorLog
) -> None:
    if field.positive:
        log.add_rows(zero & ~empty, field.name, values, messages.NOT_POSITIVE)


def _amounts(
    field: Field, values: pd.Series, empty: pd.Series, log: ErrorLog, minor_units: pd.Series
) -> pd.Series:
    # Split at the point and do integer arithmetic: no binary float ever sees the amount.
    whole, _, decimals = np.strings.partition(_fixed(values), ".")
    decimals = np.strings.rstrip(decimals, "0")
    places = np.strings.str_len(decimals)
    units = minor_units.to_numpy(dtype=np.int64)
    shaped = (
        np.strings.isdecimal(whole)
        & ((places == 0) | np.strings.isdecimal(decimals))
        & (places <= units)
    )
    digits = field.digits or SUMMED_DIGITS
    huge = shaped & (np.strings.str_len(whole) > digits - units)
    for unit in np.unique(units):
        rows = _on(values, units == unit)
        problem = messages.NOT_AN_AMOUNT.format(decimals=unit)
        log.add_rows(rows & ~empty & ~_on(values, shaped), field.name, values, problem)
        problem = messages.AMOUNT_TOO_LARGE.format(limit=10 ** (digits - int(unit)))
        log.add_rows(rows & _on(values, huge), field.name, values, problem)
    ok = shaped & ~huge
    whole_part = _integers(np.where(ok, whole, "0"))
    decimal_part = _integers(np.where(ok & (places > 0), decimals, "0"))
    places = np.where(ok, places, 0)
    minor = whole_part * 10**units + decimal_part * 10 ** (units - places)
    _refuse_zero(field, values, empty, _on(values, ok & (minor == 0)), log)
    return _maybe_null(field, _on(values, minor), empty)


def _fixed(values: pd.Series) -> np.ndarray:
    """The column as a fixed-width numpy string array, whose string functions run in C.
    No number or date is longer than `FIXED_WIDTH`; longer values become "?" (a failure) so
    that one stray paragraph does not make the array huge."""
    # Python's own len over the values is about twice as quick as `.str.len()`.
    if max(map(len, values.to_numpy(dtype=object)), default=0) > FIXED_WIDTH:
        values = values.where(values.str.len() <= FIXED_WIDTH, "?")
    return values.to_numpy(dtype=str)


def _integers(digits: np.ndarray) -> np.ndarray:
    """A fixed-width array of decimal digit strings (none longer than int64 holds) as int64,
    computed from the code points: several times quicker than numpy's cast, which still takes
    any digits beyond ASCII ("٣" is 3 to both)."""
    codes = digits.view(np.uint32).reshape(len(digits), digits.dtype.itemsize // 4)
    if not ((codes == 0) | ((codes >= ord("0")) & (codes <= ord("9")))).all():
        return digits.astype(np.int64)
    numbers = np.zeros(len(digits), dtype=np.int64)
    for place in codes.T:  # most significant first; a string's end pads with code point 0
        numbers = np.where(place > 0, numbers * 10 + place.astype(np.int64) - ord("0"), numbers)
    return numbers


def _on(values: pd.Series, array: np.ndarray) -> pd.Series:
    return pd.Series(array, index=values.index)


def _maybe_null(field: Field, numbers: pd.Series, empty: pd.Series) -> pd.Series:
    if field.nullable:
        return numbers.astype("Int64").mask(empty)
    return numbers


def amount_pattern(minor_units: int) -> str:
    """A non-negative amount with at most `minor_units` decimals (trailing zeros aside)."""
    if minor_units == 0:
        return r"\d+(?:\.0*)?"
    return rf"\d+(?:\.\d{{1,{minor_units}}}0*)?"


def _reward_tiers(
    field: Field,
    values: pd.Series,
    log: ErrorLog,
    minor_units: pd.Series,
    threshold_units: pd.Series,
) -> pd.Series:
    # Campaign files are small, so this one goes row by row.
    parsed: list[list[tuple[int, int]] | None] = []
    rows = zip(values.index, values, minor_units, threshold_units, strict=True)
    for row, text, units, reach_units in rows:
        tiers, problem = reward_tiers(str(text), int(units), int(reach_units))
        if problem is not None:
            log.add(int(row), field.name, str(text), problem)
        parsed.append(tiers or None)
    return pd.Series(parsed, index=values.index, dtype=object)


def reward_tiers(
    text: str, minor_units: int, threshold_units: int | None = None
) -> tuple[list[tuple[int, int]], str | None]:
    """Parse "5000:100;20000:500" into [(threshold, reward), ...], or say why it can't be.

    Rewards are money, in minor units. Thresholds are in the campaign metric's stored unit:
    minor units for a money metric, a plain count (`threshold_units=0`) for orders or views."""
    reach_units = minor_units if threshold_units is None else threshold_units
    tiers: dict[int, int] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        pieces = [piece.strip() for piece in part.split(":")]
        shaped = len(pieces) == 2 and all(
            re.fullmatch(amount_pattern(units), p) and len(p.split(".")[0]) <= digits - units
            for p, units, digits in zip(
                pieces, (reach_units, minor_units), (MINOR_DIGITS, REWARD_DIGITS), strict=True
            )
        )
        if not shaped:
            return [], messages.BAD_REWARD_TIERS.format(decimals=minor_units)
        threshold, reward = to_minor(pieces[0], reach_units), to_minor(pieces[1], minor_units)
        if threshold == 0:
            return [], messages.ZERO_THRESHOLD.format(tier=part)
        if threshold in tiers:
            return [], messages.REPEATED_THRESHOLD.format(threshold=pieces[0])
        tiers[threshold] = reward
    return sorted(tiers.items()), None


def _reward_bands(
    field: Field, values: pd.Series, log: ErrorLog, minor_units: pd.Series
) -> pd.Series:
    parsed: list[list[tuple[int, int, int]] | None] = []
    for row, text, units in zip(values.index, values, minor_units, strict=True):
        bands, problem = reward_bands(str(text), int(units))
        if problem is not None:
            log.add(int(row), field.name, str(text), problem)
        parsed.append(bands or None)
    return pd.Series(parsed, index=values.index, dtype=object)


_BAND = re.compile(r"^(\d{1,6})(?:-(\d{1,6}))?$")


def reward_bands(text: str, minor_units: int) -> tuple[list[tuple[int, int, int]], str | None]:
    """Parse "1-3:500;4-10:200" into [(rank_from, rank_to, reward), ...] (rewards in minor
    units, a single rank as `5:100`), or say why it can't be: no rank in two prizes."""
    bands: list[tuple[int, int, int]] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        ranks, _, reward = (piece.strip() for piece in part.partition(":"))
        shape = _BAND.match(ranks.replace(" ", ""))
        money = re.fullmatch(amount_pattern(minor_units), reward) is not None
        if shape is None or not money or len(reward.split(".")[0]) > REWARD_DIGITS - minor_units:
            return [], messages.BAD_REWARD_BANDS.format(decimals=minor_units)
        low, high = int(shape.group(1)), int(shape.group(2) or shape.group(1))
        minor = to_minor(reward, minor_units)
        if low < 1 or high < low or minor == 0:
            return [], messages.BAD_REWARD_BANDS.format(decimals=minor_units)
        if any(low <= b_high and b_low <= high for b_low, b_high, _ in bands):
            return [], messages.OVERLAPPING_BANDS.format(band=ranks)
        bands.append((low, high, minor))
    return sorted(bands), None
