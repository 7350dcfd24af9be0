"""Natural periods and words in any language, answered: the window the answer states, its
figures, its language (the asker's), and the same board as the `Nd as-of:` it stands for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.reply import Header, Reply, Table
from tests.commands.conftest import creator_row, metric_row, seed

LATEST = dt.date(2026, 11, 23)  # a Monday; the clock (NOW) is Tuesday 24 Nov 2026
FIRST = dt.date(2026, 10, 1)
BIG_DAY = dt.date(2026, 11, 18)  # in last week (16–22 Nov)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> None:
    """Two MY creators with a steady day each from 1 October to 23 November; `bea` has one
    big day in last week."""
    creators = [creator_row("ana", tier="gold"), creator_row("bea", tier="gold")]
    metrics = []
    day = FIRST
    while day <= LATEST:
        metrics.append(metric_row(day, "ana", 10_000))
        metrics.append(metric_row(day, "bea", 100_000 if day == BIG_DAY else 7_000))
        day += dt.timedelta(days=1)
    seed(sessions, creators, metrics)


def table_rows(answer: Reply) -> list[tuple[str, ...]]:
    table = next(block for block in answer.blocks if isinstance(block, Table))
    return [tuple(row) for row in table.rows]


def title(answer: Reply) -> str:
    return next(block for block in answer.blocks if isinstance(block, Header)).text


@pytest.mark.usefixtures("world")
def test_last_week_in_malay_words_answered_in_italian(
    reply: Callable[..., Reply], chat: Callable[..., str]
) -> None:
    answer = reply("papan jualan minggu lepas MY", "it")
    assert title(answer) == "Classifica GMV · MY · settimana scorsa"
    # 16–22 Nov: bea 6 × RM70.00 + RM1,000.00; ana 7 × RM100.00.
    assert [row[1:3] for row in table_rows(answer)] == [
        ("Bea (@bea)", "1.420,00\xa0RM"),  # the ringgit as Malaysia writes it
        ("Ana (@ana)", "700,00\xa0RM"),
    ]
    assert "16–22 nov 2026" in chat("papan jualan minggu lepas MY", "it")


@pytest.mark.usefixtures("world")
def test_italian_words_answered_in_malay(reply: Callable[..., Reply]) -> None:
    answer = reply("classifica ieri MY", "ms")
    assert title(answer) == "Kedudukan GMV · MY · semalam"
    assert [row[1:3] for row in table_rows(answer)] == [
        ("Ana (@ana)", "RM100.00"),
        ("Bea (@bea)", "RM70.00"),
    ]


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(
    ("natural", "standing_for"),
    [
        ("leaderboard MY last week", "leaderboard MY 7d as-of:2026-11-22"),
        ("classifica MY settimana scorsa", "leaderboard MY 7d as-of:2026-11-22"),
        ("leaderboard MY yesterday", "leaderboard MY 1d as-of:2026-11-23"),
        ("leaderboard MY this month", "leaderboard MY mtd"),
        ("papan bulan ini", "leaderboard MY mtd"),
        ("leaderboard MY last month", "leaderboard MY 31d as-of:2026-10-31"),
        ("leaderboard MY last 30 days", "leaderboard MY 30d"),
        ("classifica MY ultimi 30 giorni", "leaderboard MY 30d"),
        ("leaderboard MY 1-15 nov", "leaderboard MY 15d as-of:2026-11-15"),
        ("papan 1/11–15/11", "leaderboard MY 15d as-of:2026-11-15"),
        ("leaderboard MY wtd", "leaderboard MY 1d"),  # the latest day is a Monday
    ],
)
def test_a_named_period_is_the_board_of_its_days(
    reply: Callable[..., Reply], natural: str, standing_for: str
) -> None:
    locale = "ms" if natural.startswith("papan") else "en"
    asked, standard = reply(natural, locale), reply(standing_for, locale)
    assert asked.ok and standard.ok
    assert table_rows(asked) == table_rows(standard)
    assert asked.blocks[1:3] == standard.blocks[1:3]  # totals and table
    # The window line (the first context) names the same days.
    assert asked.blocks[3] == standard.blocks[3]


@pytest.mark.usefixtures("world")
def test_past_the_latest_day_says_which_day_that_is(chat: Callable[..., str]) -> None:
    assert "the latest day with data is 23 Nov 2026" in chat("leaderboard MY today")
    italian = chat("classifica oggi MY", "it")
    assert "l'ultimo giorno con dati è 23 nov 2026" in italian
    assert "hari terkini yang ada data ialah 23 Nov 2026" in chat("papan hari ini", "ms")
    assert "at most 366 days" in chat("leaderboard MY 1/1/2025-15/2/2026")
