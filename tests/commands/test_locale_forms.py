"""What a reader sees in English, Italian and Malay, written out by hand from the locale
conventions (CLDR): days, spans of days, market and language names, numbers, percentages and
money, and the language a platform's locale maps to."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import numpy as np
import pytest

from creatorbot.commands import i18n
from creatorbot.commands.i18n import Lang, language_of

NBSP = "\xa0"
THIN = "\u2009"  # CLDR puts thin spaces around the dash of a span across months


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("en", "en"),
        ("it", "it"),
        ("ms", "ms"),
        ("it-IT", "it"),
        ("it_CH", "it"),
        ("ms-MY", "ms"),
        ("MS_my", "ms"),
        ("IT", "it"),
        ("en-US", "en"),
        ("fr-FR", "en"),  # not a language the bot speaks: English
        ("zh", "en"),
    ],
)
def test_the_language_of_a_platform_locale(locale: str | None, language: str) -> None:
    assert language_of(locale) == language


DAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize(
    ("language", "market", "medium", "short", "long"),
    [
        ("en", None, "2 Dec 2026", "02/12/2026", "2 December 2026"),
        ("en", "MY", "2 Dec 2026", "02/12/2026", "2 December 2026"),
        ("it", "IT", "2 dic 2026", "02/12/26", "2 dicembre 2026"),
        ("ms", "MY", "2 Dis 2026", "2/12/26", "2 Disember 2026"),
    ],
)
def test_a_day(language: str, market: str | None, medium: str, short: str, long: str) -> None:
    lang = Lang(language, market)
    assert lang.date(DAY) == medium
    assert lang.date(DAY, "short") == short
    assert lang.date(DAY, "long") == long


@pytest.mark.parametrize(
    ("language", "start", "end", "expected"),
    [
        ("en", dt.date(2026, 11, 23), dt.date(2026, 11, 23), "23 Nov 2026"),
        ("en", dt.date(2026, 11, 17), dt.date(2026, 11, 23), "17–23 Nov 2026"),
        ("en", dt.date(2026, 11, 28), dt.date(2026, 12, 4), f"28 Nov{THIN}–{THIN}4 Dec 2026"),
        (
            "en",
            dt.date(2026, 12, 28),
            dt.date(2027, 1, 3),
            f"28 Dec 2026{THIN}–{THIN}3 Jan 2027",
        ),
        ("it", dt.date(2026, 12, 2), dt.date(2026, 12, 2), "2 dic 2026"),
        ("it", dt.date(2026, 11, 17), dt.date(2026, 11, 23), "17–23 nov 2026"),
        # Italian writes both days with two digits across months (CLDR: dd MMM – dd MMM y).
        ("it", dt.date(2026, 11, 28), dt.date(2026, 12, 4), f"28 nov{THIN}–{THIN}04 dic 2026"),
        ("ms", dt.date(2026, 12, 1), dt.date(2026, 12, 7), "1–7 Dis 2026"),
        ("ms", dt.date(2026, 11, 28), dt.date(2026, 12, 4), f"28 Nov{THIN}–{THIN}4 Dis, 2026"),
    ],
)
def test_a_span_of_days(language: str, start: dt.date, end: dt.date, expected: str) -> None:
    assert Lang(language).window(start, end) == expected


@pytest.mark.parametrize(
    ("language", "italy", "malaysia", "italian", "malay", "english"),
    [
        ("en", "Italy", "Malaysia", "Italian", "Malay", "English"),
        ("it", "Italia", "Malaysia", "italiano", "malese", "inglese"),
        ("ms", "Itali", "Malaysia", "Itali", "Melayu", "Inggeris"),
    ],
)
def test_market_and_language_names(
    language: str, italy: str, malaysia: str, italian: str, malay: str, english: str
) -> None:
    lang = Lang(language)
    assert [lang.market_name("IT"), lang.market_name("my")] == [italy, malaysia]
    assert [lang.language_name(code) for code in ("it", "ms", "en")] == [italian, malay, english]
    # What no locale names is shown as its code.
    assert lang.market_name("qq") == "QQ"
    assert lang.language_name("qqq") == "qqq"


def test_another_market_writes_numbers_as_that_market_does() -> None:
    lang = Lang("en", "GB")
    assert lang.for_market("GB") is lang
    indian = lang.for_market("IN")
    assert (indian.language, indian.market) == ("en", "IN")
    assert indian.number(1_234_567) == "12,34,567"  # lakh grouping
    back = indian.for_market(None)
    assert back.market is None
    assert back.number(1_234_567) == "1,234,567"


@pytest.mark.parametrize(
    ("language", "market", "value", "digits", "expected"),
    [
        ("it", "IT", 1_234_567, None, "1.234.567"),
        ("it", "IT", -1_000, None, "-1.000"),
        ("ms", "MY", -1_000, None, "-1,000"),
        ("en", None, 999, None, "999"),
        ("it", "IT", 1234.5, None, "1.234,5"),
        ("it", "IT", 1234.5, 2, "1.234,50"),
        ("en", "MY", 1234.5, 0, "1,234"),  # halves to even
        ("en", "MY", 1235.5, 0, "1,236"),
        ("ms", "MY", -1234.5, 1, "-1,234.5"),
        ("en", None, 0.125, 2, "0.12"),
        ("it", "IT", Decimal("12345.675"), 2, "12.345,68"),
        ("it", "IT", 7, 1, "7,0"),
    ],
)
def test_numbers(
    language: str, market: str | None, value: float, digits: int | None, expected: str
) -> None:
    assert Lang(language, market).number(value, digits) == expected


@pytest.mark.parametrize(
    ("language", "market", "value", "digits", "expected"),
    [
        ("it", "IT", 0.1234, 1, "12,3%"),
        ("en", None, 0.1234, 1, "12.3%"),
        ("ms", "MY", -0.5, 0, "-50%"),
        ("en", "MY", 1, 1, "100.0%"),
        ("it", "IT", 12.34565, 2, "1.234,56%"),  # 1234.565: half to even
        ("it", "IT", 12.34575, 2, "1.234,58%"),
        ("en", None, 0.00125, 2, "0.12%"),  # halves to even
        ("it", "IT", 0, 0, "0%"),
    ],
)
def test_percentages(
    language: str, market: str | None, value: float, digits: int, expected: str
) -> None:
    assert Lang(language, market).percent(value, digits) == expected


def test_a_percentage_has_one_decimal_unless_told() -> None:
    assert Lang("it", "IT").percent(0.5) == "50,0%"


@pytest.mark.parametrize(
    ("language", "market", "minor", "currency", "expected"),
    [
        ("en", "MY", 123_450, "MYR", "RM1,234.50"),
        ("en", "MY", -123_450, "MYR", "-RM1,234.50"),
        ("ms", "MY", 5, "MYR", "RM0.05"),
        ("ms", "MY", -99_999, "MYR", "-RM999.99"),
        ("it", "IT", 123_456, "EUR", f"1.234,56{NBSP}€"),
        ("it", "IT", -123_456, "EUR", f"-1.234,56{NBSP}€"),
        ("it", "IT", 0, "EUR", f"0,00{NBSP}€"),
        ("it", "IT", 100_000_000_000, "EUR", f"1.000.000.000,00{NBSP}€"),
        ("en", "IT", 123_456, "EUR", "€1,234.56"),
        ("en", None, 123_456, "EUR", "€1,234.56"),
        ("en", None, -1, "EUR", "-€0.01"),
        ("it", "MY", 123_456, "MYR", f"1.234,56{NBSP}RM"),  # RM, not MYR, in Italian
        ("en", "IT", 123_456, "USD", "$1,234.56"),  # the dollar's own symbol: $, not US$
    ],
)
def test_money(language: str, market: str | None, minor: int, currency: str, expected: str) -> None:
    assert Lang(language, market).money(minor, currency) == expected


@pytest.mark.parametrize(
    ("minor", "minor_units", "expected"),
    # The amount is scaled by the minor units; the euro is still shown with its two decimals.
    [(1_234, 0, "€1,234.00"), (1_234_567, 3, "€1,234.57"), (-5, 1, "-€0.50")],
)
def test_money_with_other_minor_units(minor: int, minor_units: int, expected: str) -> None:
    assert Lang("en", "IT").money(minor, "EUR", minor_units) == expected


def test_what_the_quick_path_leaves_to_babel_is_written_the_same_way() -> None:
    italian = Lang("it", "IT")
    assert italian.number(np.float64(1234.5), 2) == "1.234,50"
    assert italian.number(np.int64(-1234), 1) == "-1.234,0"  # type: ignore[arg-type]
    assert italian.number(float("inf"), 0) == "∞"
    assert italian.percent(np.float64(0.1234), 2) == "12,34%"
    assert italian.percent(float("-inf")) == "-∞%"


def test_indian_english_groups_in_lakhs_and_crores() -> None:
    lang = Lang("en", "IN")
    assert lang.number(123_456_789) == "12,34,56,789"
    assert lang.number(-1_234_567.5) == "-12,34,567.5"
    assert lang.money(123_456_789, "INR") == "₹12,34,567.89"
    assert lang.money(-123_456_789, "INR") == "-₹12,34,567.89"


@pytest.mark.parametrize(
    ("language", "market", "currency", "money", "count", "number", "percent"),
    [
        ("en", "MY", "MYR", "RM1,234.56", "-1,234,567", "-1,234.6", "12.5%"),
        ("ms", "MY", "MYR", "RM1,234.56", "-1,234,567", "-1,234.6", "12.5%"),
        ("it", "IT", "EUR", f"1.234,56{NBSP}€", "-1.234.567", "-1.234,6", "12,5%"),
        ("en", "IT", "EUR", "€1,234.56", "-1,234,567", "-1,234.6", "12.5%"),
    ],
)
def test_the_bots_languages_write_numbers_without_babel(
    language: str, market: str, currency: str, money: str, count: str, number: str, percent: str
) -> None:
    """Babel vouches for the quick path once (per language, market and currency); after that
    the tables of money, counts and percentages never call it."""
    lang = Lang(language, market)
    lang.money(0, currency)  # Babel checks the quick path here, once
    never = mock.Mock(side_effect=AssertionError("Babel called"))
    with (
        mock.patch.object(i18n, "format_currency", never),
        mock.patch.object(i18n, "format_decimal", never),
        mock.patch.object(i18n, "format_percent", never),
    ):
        assert lang.money(123_456, currency) == money
        assert lang.number(-1_234_567) == count
        assert lang.number(-1_234.56, 1) == number
        assert lang.percent(0.125) == percent


@pytest.mark.parametrize(
    ("language", "one", "seven"),
    [
        ("en", "last day", "last 7 days"),
        ("it", "ultimo giorno", "ultimi 7 giorni"),
        ("ms", "1 hari lepas", "7 hari lepas"),
    ],
)
def test_plurals(language: str, one: str, seven: str) -> None:
    lang = Lang(language)
    assert lang.n_("last day", "last {n} days", 1).format(n=1) == one
    assert lang.n_("last day", "last {n} days", 7).format(n=7) == seven
