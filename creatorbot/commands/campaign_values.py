"""The values a campaign's set-up form takes, read from what a person typed: amounts written the
market's way (`1.234,56` in Italy), reward tiers, prize bands, days; each refusal in the user's
language."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from creatorbot.analytics.windows import FIRST_DAY, LAST_DAY
from creatorbot.commands.i18n import Lang, babel_locale
from creatorbot.storage.models import Market
from creatorbot.storage.money import to_minor

# The same bounds as the campaigns import (storage/importers/parse.py).
MAX_DIGITS = 15
MAX_REWARD_DIGITS = 12
MAX_SLUG = 64
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_AMOUNT = re.compile(r"^[0-9][0-9.,' ]*$")
_BAND = re.compile(r"^(\d{1,6})(?:\s*-\s*(\d{1,6}))?$")


class Invalid(ValueError):
    """A value that won't do; its message is for the user, in their language."""


def suggested_slug(name: str, market: str, year: int) -> str:
    """A slug from a campaign's name: `my-payday-dec-2026` from "Payday Dec" in MY."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = _NOT_SLUG.sub("-", folded).strip("-")
    market = market.lower()
    if not words.startswith(f"{market}-"):
        words = f"{market}-{words}" if words else market
    if str(year) not in words:
        words = f"{words}-{year}"
    return words[:MAX_SLUG].strip("-")


def is_slug(text: str) -> bool:
    """Lower-case letters, digits and single hyphens, at most MAX_SLUG characters."""
    return 0 < len(text) <= MAX_SLUG and _NOT_SLUG.sub("-", text) == text and "--" not in text


def decimal_mark(market: Market) -> str:
    """How the market's own language writes a decimal point (`,` in Italy, `.` in Malaysia)."""
    language = (market.locales or "en").split(",")[0].strip() or "en"
    return str(babel_locale(language, market.code).number_symbols["latn"]["decimal"])


def amount(text: str, market: Market, lang: Lang, units: int | None = None) -> int:
    """An amount in minor units (`units` decimals; the market's currency by default). Both
    separators: the last one is the decimal mark (`1.234,56`, `1,234.56`); one separator
    before exactly three digits (`1.234`, `1,234`) is read as the market writes it."""
    units = market.minor_units if units is None else units
    bare = re.sub(rf"(?i){re.escape(market.currency)}|RM|Rp|[€$£\s']", "", text.strip())
    cleaned = bare.replace(" ", "")
    if not cleaned or not _AMOUNT.match(cleaned):
        raise Invalid(lang._("“{value}” is not an amount.").format(value=text.strip()))
    marks = [ch for ch in cleaned if ch in ".,"]
    if not marks:
        plain = cleaned
    else:
        last = cleaned.rfind(marks[-1])
        whole, decimals = cleaned[:last], cleaned[last + 1 :]
        lone = len(set(marks)) == 1
        ambiguous = len(decimals) == 3 and marks[-1] != decimal_mark(market)
        grouping = lone and (len(marks) > 1 or ambiguous)
        if grouping:
            plain = cleaned.replace(marks[-1], "")
        else:
            plain = whole.replace(".", "").replace(",", "") + "." + decimals
    try:
        value = Decimal(plain)
        minor = to_minor(value, units)
    except (InvalidOperation, ValueError):
        if units == 0:
            raise Invalid(
                lang._("“{value}” must be a whole number.").format(value=text.strip())
            ) from None
        raise Invalid(
            lang._("“{value}” has more than {n} decimals.").format(value=text.strip(), n=units)
        ) from None
    if len(str(minor)) > MAX_DIGITS:
        raise Invalid(lang._("“{value}” is too large.").format(value=text.strip()))
    return minor


def count(text: str, lang: Lang) -> int:
    """A whole number of at least 1 (`1.000` and `1,000` are a thousand)."""
    digits = text.strip().replace(".", "").replace(",", "").replace(" ", "")
    if not digits.isdigit() or int(digits) < 1 or len(digits) > MAX_DIGITS:
        raise Invalid(
            lang._("“{value}” is not a whole number above zero.").format(value=text.strip())
        )
    return int(digits)


def day(text: str, lang: Lang) -> dt.date:
    """A day written YYYY-MM-DD."""
    try:
        found = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            lang._("“{value}” is not a date. Write it as YYYY-MM-DD, e.g. 2026-11-11.").format(
                value=text.strip()
            )
        ) from None
    if not FIRST_DAY <= found <= LAST_DAY:
        raise Invalid(
            lang._("“{value}” is out of range: give a day between {first} and {last}.").format(
                value=text.strip(), first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()
            )
        )
    return found


def _pairs(text: str) -> list[tuple[str, str]]:
    """`a:b; c:d` (or one pair a line) as [(a, b), (c, d)]; a piece without `:` as (piece, "")."""
    pieces = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
    return [(left.strip(), right.strip()) for left, _, right in (p.partition(":") for p in pieces)]


def tiers(text: str, market: Market, threshold_units: int, lang: Lang) -> list[tuple[int, int]]:
    """Reward tiers `5000:100; 20000:500` (reach the threshold, earn the reward), in the order
    written: each threshold and each reward above the one before."""
    found: list[tuple[int, int]] = []
    for left, right in _pairs(text):
        if not right:
            raise Invalid(lang._("Write each tier as threshold:reward, e.g. 5000:100; 20000:500."))
        threshold = amount(left, market, lang, threshold_units)
        reward = amount(right, market, lang)
        if threshold == 0 or reward == 0:
            raise Invalid(lang._("A tier's threshold and reward must be above zero."))
        if found and (threshold <= found[-1][0] or reward <= found[-1][1]):
            raise Invalid(
                lang._("Tiers must increase: “{tier}” is not above the tier before it.").format(
                    tier=f"{left}:{right}"
                )
            )
        found.append((threshold, reward))
    return found


def bands(text: str, market: Market, lang: Lang) -> list[tuple[int, int, int]]:
    """Prize bands `1-3:500; 4-10:200` (finish from rank to rank, earn the reward): no rank in
    two bands."""
    found: list[tuple[int, int, int]] = []
    for left, right in _pairs(text):
        shape = _BAND.match(left)
        if not right or shape is None:
            raise Invalid(lang._("Write each band as ranks:reward, e.g. 1-3:500; 4-10:200."))
        low = int(shape.group(1))
        high = int(shape.group(2) or low)
        if low < 1 or high < low:
            raise Invalid(lang._("“{band}” is not a range of ranks from 1 up.").format(band=left))
        reward = amount(right, market, lang)
        if reward == 0:
            raise Invalid(lang._("A band's reward must be above zero."))
        clash = next((b for b in found if low <= b[1] and b[0] <= high), None)
        if clash is not None:
            raise Invalid(
                lang._("Bands overlap: ranks {a} and {b}.").format(
                    a=left, b=f"{clash[0]}-{clash[1]}"
                )
            )
        found.append((low, high, reward))
    return sorted(found)


def tiers_text(pairs: list[tuple[int, int]], market: Market, threshold_units: int) -> str:
    """Tiers as the form shows them (plain amounts, a point for decimals)."""
    return "; ".join(
        f"{plain(t, threshold_units)}:{plain(r, market.minor_units)}" for t, r in pairs
    )


def bands_text(found: list[tuple[int, int, int]], market: Market) -> str:
    """Bands as the form shows them."""
    return "; ".join(
        f"{low}-{high}:{plain(reward, market.minor_units)}"
        if high != low
        else f"{low}:{plain(reward, market.minor_units)}"
        for low, high, reward in found
    )


def plain(minor: int | None, units: int) -> str:
    """An amount as plain text, without grouping (`1234.5`, `300`); empty for None."""
    if minor is None:
        return ""
    value = Decimal(minor).scaleb(-units)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
