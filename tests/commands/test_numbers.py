"""Numbers are written exactly as Babel writes them for the user's language and market — counts,
fixed decimals and percentages — whether or not they take the quicker path Babel vouched for."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pytest
from babel.numbers import format_currency, format_decimal, format_percent

from creatorbot.commands.i18n import LANGUAGES, Lang, _symbols, babel_locale, number_style

MARKETS = (None, "MY", "IT", "SG", "US", "FR", "DE", "CH", "IN")
rng = random.Random(16)
INTEGERS = [
    *range(-1_100, 1_100, 7),
    *(10**n + d for n in range(19) for d in (-1, 0, 1)),
    *(-(10**n) for n in range(19)),
    *(rng.randrange(-(10**12), 10**12) for _ in range(500)),
    2**63 - 1,
    -(2**63),
]
FRACTIONS = [
    *(n / 1000 for n in range(-2_000, 2_000, 5)),  # every half of a tenth of a percent
    *(n / 200 for n in range(-400, 400)),  # halves of the decimals shown
    *(rng.uniform(-1, 1) for _ in range(300)),
    *(rng.uniform(-1e7, 1e7) for _ in range(200)),
    0.0,
    -0.0,
    1e-9,
    -1e-9,
    0.125,
    2.675,
    Decimal("0.0005"),
    Decimal("-12345.6785"),
    7,
    -12,
]


@pytest.mark.parametrize("market", MARKETS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_numbers_as_babel_writes_them(language: str, market: str | None) -> None:
    lang = Lang(language, market)
    locale = babel_locale(language, market)
    assert [lang.number(v) for v in INTEGERS] == [
        format_decimal(v, locale=locale) for v in INTEGERS
    ]
    # The locale's own grouping (Indian English groups by lakh), with the decimals asked for.
    whole = locale.decimal_formats[None].pattern.split(";")[0].split(".")[0]
    for digits in (0, 1, 2):
        pattern = whole + "." + "0" * digits if digits else whole
        assert [lang.number(v, digits=digits) for v in FRACTIONS] == [
            format_decimal(v, format=pattern, locale=locale) for v in FRACTIONS
        ]
        assert [lang.percent(v, digits=digits) for v in FRACTIONS] == [
            format_percent(v, format=pattern + "%", locale=locale) for v in FRACTIONS
        ]


def test_the_quick_path_serves_the_bot_s_languages() -> None:
    assert all(number_style(language, "MY") is not None for language in LANGUAGES)
    assert number_style("en", "IN") is None  # lakh grouping: Babel writes them all
    assert Lang("it", "IT").number(-1_234_567) == "-1.234.567"
    assert Lang("it", "IT").percent(0.1234) == "12,3%"
    assert Lang("en", "MY").number(1_234_567) == "1,234,567"


def test_indian_english_groups_by_lakh_with_decimals_too() -> None:
    lang = Lang("en", "IN")
    assert lang.number(1_234_567) == "12,34,567"
    assert lang.number(1_234_567.891, digits=2) == "12,34,567.89"
    assert lang.number(-1_234_567, digits=0) == "-12,34,567"
    assert lang.percent(12_345.6781, digits=1) == "12,34,567.8%"


def test_what_is_neither_goes_to_babel() -> None:
    lang = Lang("it", "IT")
    assert lang.number(np.int64(-1234)) == "-1.234"
    assert lang.percent(np.float64(0.5)) == "50,0%"
    assert lang.percent(float("inf")) == format_percent(
        float("inf"), format="#,##0.0%", locale=babel_locale("it", "IT")
    )


@pytest.mark.parametrize(
    ("language", "market", "currency", "expected"),
    [
        ("en", "MY", "MYR", "RM1,234.50"),
        ("ms", "MY", "MYR", "RM1,234.50"),
        ("it", "MY", "MYR", "1.234,50\xa0RM"),  # Malaysia's ringgit is RM in every language
        ("it", "IT", "EUR", "1.234,50\xa0€"),
        ("en", "IT", "EUR", "€1,234.50"),
        ("ms", "IT", "EUR", "€1,234.50"),
        ("it", "MY", "EUR", "1.234,50\xa0€"),  # another market's currency: its own symbol
    ],
)
def test_money_carries_the_markets_customary_symbol(
    language: str, market: str, currency: str, expected: str
) -> None:
    assert Lang(language, market).money(123_450, currency) == expected


CURRENCIES = (("MYR", 2), ("EUR", 2), ("USD", 2), ("JPY", 0), ("JPY", 2), ("KWD", 3), ("SGD", 2))
MINOR = [
    *INTEGERS[:-2],  # within int64, as amounts in minor units are kept
    *(rng.randrange(-(10**9), 10**9) for _ in range(300)),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("market", MARKETS)
def test_money_is_written_as_babel_writes_it(language: str, market: str | None) -> None:
    lang = Lang(language, market)
    for currency, minor_units in CURRENCIES:
        for minor in MINOR:
            amount = Decimal(minor).scaleb(-minor_units)
            babel = format_currency(amount, currency, locale=babel_locale(language, market))
            written = lang.money(minor, currency, minor_units)
            # The currency's own symbol may stand for Babel's (RM for MYR): the rest is Babel's.
            shown, customary = _symbols(currency, babel_locale(language, market))
            assert written == babel.replace(shown, customary, 1), (currency, minor)
