"""The values native exports carry, rewritten as the canonical text the importers parse:
`--` for none, `RM1,234.50`, `€ 1.234,56`, `5.93%`, `DD/MM/YYYY HH:MM:SS`, `1h 23m`.

Numbers stay text all the way (no binary float sees an amount): only separators, currency
marks and spaces are removed, column-wise in numpy's C string functions.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

NONE = ("--", "-", "—", "–", "N/A", "n/a", "NA", "null", "None")
WIDTH = 40  # no number is longer; a longer value becomes "?" and is reported as such
SPACES = ("\u00a0", "\u202f", "\u2009", " ", "'")  # thousands groupings some locales use
# Currency marks before or after an amount: codes (MYR, EUR, IDR…), RM, Rp, symbols.
MARKS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz€$£¥₫฿₱₹₩ \u00a0\u202f"
SYMBOLS = {
    "RM": "MYR",
    "€": "EUR",
    "RP": "IDR",
    "฿": "THB",
    "₫": "VND",
    "₱": "PHP",
    "S$": "SGD",
    "£": "GBP",
    "$": "USD",
}
_PLAIN = re.compile(r"[^0-9.\n]")
_UNPLAIN = re.compile(r"[^0-9.,\n-]")
SAMPLE = 20_000
REPEATS_SAMPLE = 2_000  # values looked at to tell a column of few distinct values (counts)
# A comma that may be a decimal mark: not followed by exactly three digits, or after a point.
_COMMA_POINT = re.compile(r",(?!\d{3}(?!\d))|\.\d*,")
_DECIMAL_COMMA = re.compile(r"\d,\d{1,2}(?![\d,.])|\.\d{3},")
_MARK = re.compile(r"^\s*([^\d\s.,-][^\d]*?)?\s*-?[\d.,\s\u00a0\u202f]*?\s*([^\d\s.,%][^\d]*)?\s*$")


def blank(values: pd.Series) -> pd.Series:
    """`--` and its kin (what exports write for "none") as empty text."""
    return values.where(~values.isin(NONE), "")


def decimal_comma(columns: list[pd.Series]) -> bool:
    """Whether the file writes amounts as 1.234,56 (Italian, Indonesian, Vietnamese Excel):
    judged from any value with a decimal comma or a dot before a comma among the first SAMPLE
    of each column. Only "1,234" and "1.234" depend on it: every other form reads one way."""
    return any(
        _DECIMAL_COMMA.search("\n".join(column.iloc[:SAMPLE].tolist())) for column in columns
    )


def number(values: pd.Series, *, comma: bool) -> pd.Series:
    """Numbers as canonical text (1234.56): currency marks, percent signs, spaces and the
    thousands separator removed; the decimal mark made a point. `comma` says what "1,234"
    and "1.234" mean in this file (a decimal comma, or a thousands comma)."""
    sample = values.iloc[:REPEATS_SAMPLE]
    if sample.nunique() * 4 < len(sample):  # counts repeat: rewrite each distinct value once
        codes, uniques = pd.factorize(values)
        if len(uniques) * 4 < len(values):
            shown = number(pd.Series(uniques, dtype=object), comma=comma).to_numpy(dtype=object)
            return pd.Series(shown.take(codes), index=values.index)
    values = blank(values)
    text = "\n".join(values.tolist())
    if not comma and not _PLAIN.search(text):
        return values  # already canonical: the common case of a large plain export
    array = values.to_numpy(dtype=object)
    if max(map(len, array), default=0) > WIDTH:
        values = values.where(values.str.len() <= WIDTH, "?")
    a = values.to_numpy(dtype=str)
    if _UNPLAIN.search(text):  # currency marks, percent signs, spaces
        a = np.strings.strip(a)
        a = np.strings.rstrip(np.strings.lstrip(a, MARKS), MARKS + "%")
        for space in SPACES:
            if space in text:
                a = np.strings.replace(a, space, "")
    if not comma and not _COMMA_POINT.search(text):  # every comma groups thousands
        if "," in text:
            a = np.strings.replace(a, ",", "")
        return pd.Series(a.astype(object), index=values.index)
    commas, dots = np.strings.count(a, ","), np.strings.count(a, ".")
    length = np.strings.str_len(a)
    after_comma = length - np.strings.rfind(a, ",") - 1
    after_dot = length - np.strings.rfind(a, ".") - 1
    comma_point = (commas > 0) & (
        ((dots > 0) & (after_comma < after_dot))
        | ((dots == 0) & (commas == 1) & ((after_comma != 3) | comma))
    )
    dot_groups = (dots > 1) | ((dots == 1) & (commas == 0) & (after_dot == 3) & comma)
    undotted = np.strings.replace(a, ".", "")
    out = np.where(
        comma_point,
        np.strings.replace(undotted, ",", "."),
        np.where(dot_groups, undotted, np.strings.replace(a, ",", "")),
    )
    return pd.Series(out.astype(object), index=values.index)


def currencies(values: pd.Series, sample: int = 2_000) -> set[str]:
    """The currencies an amount column writes (RM → MYR, € → EUR, codes as written), from its
    first `sample` values."""
    found: set[str] = set()
    for value in blank(values.iloc[:sample]):
        match = _MARK.match(value)
        if match is None:
            continue
        for mark in match.groups():
            if mark and mark.strip("-% "):
                mark = mark.strip().upper()
                found.add(SYMBOLS.get(mark, mark))
    return found


_DATE_FORMS = (
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), (1, 2, 3)),
    (re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"), (3, 2, 1)),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), (1, 2, 3)),
)


def dates_in(text: str) -> list[str]:
    """Every date written in `text` (YYYY-MM-DD, YYYY/MM/DD, DD/MM/YYYY, DD.MM.YYYY, YYYYMMDD),
    as YYYY-MM-DD, in order."""
    found: list[tuple[int, str]] = []
    taken: list[range] = []
    for pattern, (y, m, d) in _DATE_FORMS:
        for match in pattern.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            taken.append(range(match.start(), match.end()))
            found.append((match.start(), f"{match[y]}-{int(match[m]):02d}-{int(match[d]):02d}"))
    return [day for _, day in sorted(found)]


def days(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each value's day as YYYY-MM-DD (a time after it dropped), and which values name a range
    of days ("2026-12-01 ~ 2026-12-07"). A value that is no date is left as written."""
    codes, uniques = pd.factorize(blank(values))
    shown, ranges = [], []
    for value in uniques:
        found = dates_in(value)
        shown.append(found[0] if found else value)
        ranges.append(len(set(found)) > 1)
    shown_array = np.array([*shown, ""], dtype=object)
    range_array = np.array([*ranges, False])
    return (
        pd.Series(shown_array[codes], index=values.index),
        pd.Series(range_array[codes], index=values.index),
    )


_CLOCK = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2}))?$")
_UNITS = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-zà-ỹ]+)", re.IGNORECASE)


def seconds(values: pd.Series) -> pd.Series:
    """Durations as whole seconds: "01:23:05", "1h 23m 5s", "83 min", "1 jam 23 minit", or a
    bare number of minutes; -1 where the value is none of those (empty counts as 0)."""
    codes, uniques = pd.factorize(blank(values))
    parsed = np.array([*(_duration(value) for value in uniques), 0], dtype=np.int64)
    return pd.Series(parsed[codes], index=values.index)


def _duration(value: str) -> int:
    text = value.strip()
    if not text:
        return 0
    if text.isdigit():
        return int(text) * 60
    clock = _CLOCK.match(text)
    if clock:
        hours, minutes, secs = clock.groups()
        if secs is None:  # H:MM
            return int(hours) * 3600 + int(minutes) * 60
        return int(hours) * 3600 + int(minutes) * 60 + int(secs)
    total, rest = 0.0, text
    for amount, unit in _UNITS.findall(text):
        factor = _unit(unit.casefold())
        if factor is None:
            return -1
        total += float(amount.replace(",", ".")) * factor
        rest = rest.replace(amount, "", 1).replace(unit, "", 1)
    if rest.strip() or not total and "0" not in text:
        return -1
    return round(total)


def _unit(unit: str) -> int | None:
    """Seconds in one `unit` as the UIs write it (h, hr, jam, ore, giờ; m, min, minit, menit,
    phút, minuti; s, sec, saat, detik, giây, secondi)."""
    if unit in ("h", "hr", "hrs", "hour", "hours", "jam", "ora", "ore", "giờ", "ชั่วโมง"):
        return 3600
    if unit.startswith(("m", "phút", "นาที")):
        return 60
    if unit.startswith(("s", "detik", "giây", "วินาที")):
        return 1
    return None
