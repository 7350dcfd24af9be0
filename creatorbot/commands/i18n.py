"""Words and numbers in the user's language: gettext catalogs and Babel formats in one `Lang`.

Catalogs are the `.po` files under `locales/`; they are compiled in memory on first use, so
there is no build step and the `.po` file is the single source of truth.
"""

from __future__ import annotations

import datetime as dt
import gettext
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

LOCALES_DIR = Path(__file__).with_name("locales")
DOMAIN = "creatorbot"
LANGUAGES = ("en", "it", "ms")
DEFAULT_LANGUAGE = "en"
# The locale each language is written in when the market has no variant of its own that fits:
# English as written in Europe and Asia (23 Nov 2026), not the US default (Nov 23, 2026).
BASE_LOCALES = {"en": "en_GB", "it": "it_IT", "ms": "ms_MY"}


def N_(message: str) -> str:
    """Mark `message` for the catalogs without translating it yet (translated where shown)."""
    return message


def language_of(locale: str | None) -> str:
    """The supported language closest to a platform locale such as `it-IT`, `ms_MY` or `en`."""
    if not locale:
        return DEFAULT_LANGUAGE
    code = locale.replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog for `language` (English is the source language: identity)."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        messages = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def babel_locale(language: str, market: str | None) -> Locale:
    """Babel's locale for a language spoken in a market.

    Digits are written as the user's language writes them; the market's own variant of the
    language is taken only when it writes digits the same way, for its currency symbol
    (`en` in MY → en_MY: RM1,234.56; `en` in IT → en_GB: €1,234.56, not 1.234,56 €).
    """
    base = Locale.parse(BASE_LOCALES.get(language, language))
    if not market:
        return base
    try:
        local = Locale.parse(f"{language}_{market.upper()}")
    except (UnknownLocaleError, ValueError):
        return base
    same_digits = all(
        local.number_symbols["latn"].get(key) == base.number_symbols["latn"].get(key)
        for key in ("decimal", "group")
    )
    return local if same_digits else base


# Integers Babel checks for a locale before they are written without it (`integer_style`).
PROBES = (0, 7, -7, 999, -999, 1000, -1000, 12_345, 999_999, 1_000_000, -1_234_567, 10**15)


@cache
def integer_style(language: str, market: str | None) -> tuple[str, str] | None:
    """(group separator, minus sign) when the locale writes an integer as Python's `{:,}` does
    with these two symbols in place (Babel's answer on `PROBES`), else None: then every integer
    goes through Babel. Writing counts this way is a tenth of Babel's time, on every table."""
    locale = babel_locale(language, market)
    symbols = locale.number_symbols["latn"]
    style = (symbols["group"], symbols["minusSign"])
    if all(_integer(value, style) == format_decimal(value, locale=locale) for value in PROBES):
        return style
    return None


def _integer(value: int, style: tuple[str, str]) -> str:
    group, minus = style
    grouped = f"{abs(value):,}".replace(",", group)
    return minus + grouped if value < 0 else grouped


class Lang:
    """Translation and formatting for one language, in the context of one market."""

    def __init__(self, language: str = DEFAULT_LANGUAGE, market: str | None = None) -> None:
        self.language = language_of(language)
        self.market = market
        self._catalog = catalog(self.language)
        self._locale = babel_locale(self.language, market)
        self._integers = integer_style(self.language, market)

    def for_market(self, market: str | None) -> Lang:
        """The same language, formatting numbers as they are written in `market`."""
        return self if market == self.market else Lang(self.language, market)

    def _(self, message: str) -> str:
        """Translate `message`."""
        return self._catalog.gettext(message)

    def n_(self, singular: str, plural: str, count: int) -> str:
        """Translate with the plural form `count` calls for."""
        return self._catalog.ngettext(singular, plural, count)

    def market_name(self, code: str) -> str:
        """A market's name in the user's language (IT → Italia in Italian)."""
        return str(self._locale.territories.get(code.upper(), code.upper()))

    def language_name(self, code: str) -> str:
        """A language's name in the user's language (it → Italian, italiano, Itali)."""
        return str(self._locale.languages.get(code, code))

    def money(self, minor: int, currency: str, minor_units: int = 2) -> str:
        """An exact amount given in minor units, e.g. RM1,234.56 or 1.234,56 €."""
        amount = Decimal(minor).scaleb(-minor_units)
        return format_currency(amount, currency, locale=self._locale)

    def number(self, value: int | float | Decimal, digits: int | None = None) -> str:
        """A count or quantity with the locale's grouping; `digits` fixes the decimals shown."""
        if digits is None:
            if type(value) is int and self._integers is not None:
                return _integer(value, self._integers)
            return format_decimal(value, locale=self._locale)
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=self._locale)

    def percent(self, value: float, digits: int = 1) -> str:
        """A ratio as a percentage (0.123 → 12.3%)."""
        pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
        return format_percent(value, format=pattern, locale=self._locale)

    def date(self, day: dt.date, form: str = "medium") -> str:
        """A calendar day."""
        return format_date(day, format=form, locale=self._locale)

    def window(self, start: dt.date, end: dt.date) -> str:
        """A span of days, e.g. 17–23 Nov 2026."""
        if start == end:
            return self.date(end)
        return format_interval(start, end, "yMMMd", locale=self._locale)
