"""An answer in Italian or Malay writes the words a user would type in that language: the
action in a hint, the filters in a leaderboard's small print, the command that opens a creator,
the command a help page is about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.commands.conftest import NOW, creator_row, metric_row, seed

END = NOW.date() - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("typed", "locale", "hint"),
    [
        ("alerts snooze", "en", "`alerts snooze ID`"),
        ("avvisi rimanda", "it", "`avvisi rimanda ID`"),
        ("alerts snooze", "it", "`avvisi rimanda ID`"),
        ("amaran tunda", "ms", "`amaran tunda ID`"),
        ("amaran akui", "ms", "`amaran akui ID`"),
        ("avvisi visto", "it", "`avvisi visto ID`"),
    ],
)
def test_the_alert_hint_names_the_action_in_the_askers_words(
    chat: Callable[..., str], typed: str, locale: str, hint: str
) -> None:
    assert hint in chat(typed, locale)


@pytest.fixture
def golds(sessions: sessionmaker[Session]) -> None:
    """Two gold creators and a silver one in MY, selling on the last day."""
    seed(
        sessions,
        [creator_row("aisyah.one"), creator_row("aisyah.two"), creator_row("bob", tier="silver")],
        [metric_row(END, "aisyah.one", 5000), metric_row(END, "aisyah.two", 4000)],
    )


@pytest.mark.parametrize(
    ("typed", "locale", "small_print"),
    [
        ("leaderboard gmv 7d MY tier:gold", "en", "Filters: tier:gold."),
        ("classifica gmv 7g MY fascia:gold", "it", "Filtri: fascia:gold."),
        ("papan gmv 7h MY tahap:gold", "ms", "Penapis: tahap:gold."),
        ("leaderboard gmv 7d MY tier:gold", "ms", "Penapis: tahap:gold."),
    ],
)
def test_a_leaderboards_filters_are_written_in_the_askers_words(
    chat: Callable[..., str], golds: None, typed: str, locale: str, small_print: str
) -> None:
    assert small_print in chat(typed, locale)


@pytest.mark.parametrize(
    ("locale", "opens"), [("en", "creator #"), ("it", "creator #"), ("ms", "kreator #")]
)
def test_the_creators_to_pick_from_open_with_the_askers_command(
    chat: Callable[..., str], golds: None, locale: str, opens: str
) -> None:
    said = chat("creator aisyah", locale)
    assert said.count(opens) == 2, said


@pytest.mark.parametrize(
    ("typed", "locale", "title"),
    [
        ("help leaderboard", "en", "Help · leaderboard"),
        ("aiuto classifica", "it", "Guida · classifica (leaderboard)"),
        ("bantuan papan", "ms", "Bantuan · papan (leaderboard)"),
        ("help slots", "ms", "Bantuan · slot (slots)"),
        ("help creator", "it", "Guida · creator"),
    ],
)
def test_a_help_page_is_titled_with_the_command_as_the_asker_writes_it(
    chat: Callable[..., str], typed: str, locale: str, title: str
) -> None:
    assert chat(typed, locale).splitlines()[0] == title
