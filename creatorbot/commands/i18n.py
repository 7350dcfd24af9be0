"""Words and numbers in the user's language: gettext catalogs and Babel formats in one `Lang`.

Catalogs are the `.po` files under `locales/`; they are compiled in memory on first use, so
there is no build step and the `.po` file is the single source of truth.
"""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_currency_symbol,
    get_territory_currencies,
)

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
def _symbols(currency: str, locale: Locale) -> tuple[str, str]:
    """The currency's symbol in `locale`, and in the country that issues it (the same when
    Babel knows no such country)."""
    shown = get_currency_symbol(currency, locale=locale)
    territory = currency[:2]  # ISO 4217: a national currency's code starts with its country's
    try:
        home = Locale.parse(f"und_{territory}")
    except (UnknownLocaleError, ValueError):
        return shown, shown
    if currency not in get_territory_currencies(territory):
        return shown, shown
    return shown, get_currency_symbol(currency, locale=home)


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


# Numbers Babel writes for a locale before they are written without it (`number_style`):
# integers, and fractions with one or two decimals as numbers and percentages (halves included,
# which Babel rounds to even).
PROBES = (0, 7, -7, 999, -999, 1000, -1000, 12_345, 999_999, 1_000_000, -1_234_567, 10**15)
FRACTIONS = (0.0, -0.0, 0.05, 0.15, 0.25, -0.25, 0.00049, -0.0004, 0.1234, 12.345, -1234.5678)


@dataclass(frozen=True)
class NumberStyle:
    """The symbols a locale writes numbers with, where Python's `{:,}` grouping is its own."""

    group: str
    decimal: str
    minus: str
    percent: str


@cache
def number_style(language: str, market: str | None) -> NumberStyle | None:
    """The locale's symbols when, with them, integers and fixed decimals (as numbers and as
    percentages) come out exactly as Babel writes them (checked on `PROBES` and `FRACTIONS`),
    else None: then every number goes through Babel. Writing them this way takes a tenth of
    Babel's time, on every table."""
    locale = babel_locale(language, market)
    symbols = locale.number_symbols["latn"]
    style = NumberStyle(
        symbols["group"], symbols["decimal"], symbols["minusSign"], symbols["percentSign"]
    )
    same = all(_integer(v, style) == format_decimal(v, locale=locale) for v in PROBES) and all(
        _fixed(v, digits, scale, style) == babel
        for v in FRACTIONS
        for digits in (0, 1, 2)
        for scale, babel in (
            (0, format_decimal(v, format=_pattern(digits, str(locale)), locale=locale)),
            (2, format_percent(v, format=_pattern(digits, str(locale)) + "%", locale=locale)),
        )
    )
    return style if same else None


@cache
def _pattern(digits: int, locale: str) -> str:
    """Babel's pattern for `digits` fixed decimals, grouped as `locale` groups whole numbers
    (`#,##0` in most; `#,##,##0`, by lakh, in Indian English)."""
    standard = Locale.parse(locale).decimal_formats[None].pattern
    whole = standard.split(";")[0].split(".")[0]
    return whole + "." + "0" * digits if digits else whole


def _integer(value: int, style: NumberStyle) -> str:
    grouped = f"{abs(value):,}".replace(",", style.group)
    return style.minus + grouped if value < 0 else grouped


def _fixed(value: float | Decimal, digits: int, scale: int, style: NumberStyle) -> str | None:
    """`value` × 10^scale with `digits` decimals (rounded half to even) as Babel's `#,##0.0…`
    patterns write it, a percent sign after it when scale is 2; None when it is not finite."""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    if not exact.is_finite():
        return None
    exact = exact.scaleb(scale)
    rounded = abs(exact).normalize().quantize(Decimal(10) ** -digits)
    whole, _, fraction = f"{rounded:f}".partition(".")
    text = f"{int(whole):,}".replace(",", style.group)
    if digits:
        text += style.decimal + fraction
    if scale == 2:
        text += style.percent
    return style.minus + text if exact.is_signed() else text


# Amounts in minor units Babel writes for a currency before they are written without it.
MONEY_PROBES = (0, 1, -1, 5, 99, 100, -100, 12_345, -99_999, 123_456_789, -123_456_789, 10**15)


@dataclass(frozen=True)
class MoneyStyle:
    """How a locale writes a currency around the number: what goes before and after it, for
    amounts from zero up and for those below."""

    before: str
    after: str
    before_negative: str
    after_negative: str


@cache
def money_style(
    language: str, market: str | None, currency: str, minor_units: int
) -> MoneyStyle | None:
    """The text around the number when, with it, every amount of `MONEY_PROBES` comes out
    exactly as Babel writes it (the number written as `number_style` writes it), else None:
    then every amount goes through Babel. Babel parses the currency's pattern on every call,
    a tenth of a millisecond per amount, on every table of money."""
    style = number_style(language, market)
    if style is None:
        return None
    locale = babel_locale(language, market)
    parts = []
    for sign in (1, -1):
        probe = Decimal(sign * 123_456_789).scaleb(-minor_units)
        written = format_currency(probe, currency, locale=locale)
        number = _fixed(abs(probe), minor_units, 0, style)
        if number is None or written.count(number) != 1:
            return None
        before, _, after = written.partition(number)
        parts += [before, after]
    found = MoneyStyle(*parts)
    for minor in MONEY_PROBES:
        amount = Decimal(minor).scaleb(-minor_units)
        if _money(amount, minor_units, found, style) != format_currency(
            amount, currency, locale=locale
        ):
            return None
    return found


def _money(amount: Decimal, minor_units: int, money: MoneyStyle, style: NumberStyle) -> str:
    number = _fixed(abs(amount), minor_units, 0, style) or ""
    if amount < 0:
        return money.before_negative + number + money.after_negative
    return money.before + number + money.after


class Lang:
    """Translation and formatting for one language, in the context of one market."""

    def __init__(self, language: str = DEFAULT_LANGUAGE, market: str | None = None) -> None:
        self.language = language_of(language)
        self.market = market
        self._catalog = catalog(self.language)
        self._locale = babel_locale(self.language, market)
        self._style = number_style(self.language, market)

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
        """An exact amount given in minor units, e.g. RM1,234.56 or 1.234,56 €: the reader's
        way of writing it, the currency's symbol in its own country (RM, not MYR, in Italian)."""
        amount = Decimal(minor).scaleb(-minor_units)
        fast = money_style(self.language, self.market, currency, minor_units)
        if fast is not None and self._style is not None:
            text = _money(amount, minor_units, fast, self._style)
        else:
            text = format_currency(amount, currency, locale=self._locale)
        shown, customary = _symbols(currency, self._locale)
        return text if shown == customary else text.replace(shown, customary, 1)

    def number(self, value: int | float | Decimal, digits: int | None = None) -> str:
        """A count or quantity with the locale's grouping; `digits` fixes the decimals shown."""
        style = self._style
        if digits is None:
            if type(value) is int and style is not None:
                return _integer(value, style)
            return format_decimal(value, locale=self._locale)
        if style is not None and type(value) in (int, float, Decimal):
            fast = _fixed(value, digits, 0, style)
            if fast is not None:
                return fast
        return format_decimal(
            value, format=_pattern(digits, str(self._locale)), locale=self._locale
        )

    def percent(self, value: float, digits: int = 1) -> str:
        """A ratio as a percentage (0.123 → 12.3%)."""
        style = self._style
        if style is not None and type(value) in (int, float, Decimal):
            fast = _fixed(value, digits, 2, style)
            if fast is not None:
                return fast
        pattern = _pattern(digits, str(self._locale)) + "%"
        return format_percent(value, format=pattern, locale=self._locale)

    def date(self, day: dt.date, form: str = "medium") -> str:
        """A calendar day."""
        return format_date(day, format=form, locale=self._locale)

    def window(self, start: dt.date, end: dt.date) -> str:
        """A span of days, e.g. 17–23 Nov 2026."""
        if start == end:
            return self.date(end)
        return format_interval(start, end, "yMMMd", locale=self._locale)
