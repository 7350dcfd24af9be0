"""Counts are written exactly as Babel writes them for the user's language and market, whether
or not they take the quicker path Babel vouched for."""

from __future__ import annotations

import random

import numpy as np
import pytest
from babel.numbers import format_decimal

from creatorbot.commands.i18n import LANGUAGES, Lang, babel_locale, integer_style

MARKETS = (None, "MY", "IT", "SG", "US", "FR", "DE", "CH", "IN")
rng = random.Random(16)
VALUES = [
    *range(-1_100, 1_100, 7),
    *(10**n + d for n in range(19) for d in (-1, 0, 1)),
    *(-(10**n) for n in range(19)),
    *(rng.randrange(-(10**12), 10**12) for _ in range(500)),
    2**63 - 1,
    -(2**63),
]


@pytest.mark.parametrize("market", MARKETS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_counts_as_babel_writes_them(language: str, market: str | None) -> None:
    lang = Lang(language, market)
    locale = babel_locale(language, market)
    assert [lang.number(v) for v in VALUES] == [format_decimal(v, locale=locale) for v in VALUES]


def test_the_quick_path_serves_the_bot_s_languages() -> None:
    assert all(integer_style(language, "MY") is not None for language in LANGUAGES)
    assert Lang("it", "IT").number(-1_234_567) == "-1.234.567"
    assert Lang("en", "MY").number(1_234_567) == "1,234,567"


def test_what_is_not_an_int_goes_to_babel() -> None:
    lang = Lang("it", "IT")
    assert lang.number(1234.5) == "1.234,5"
    assert lang.number(np.int64(-1234)) == "-1.234"
