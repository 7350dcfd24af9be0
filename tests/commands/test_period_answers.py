"""Natural periods and words in any language, answered: the window the answer states, its
figures, its language (the asker's), and the same board as the `Nd as-of:` it stands for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.reply import Buttons, Context, Header, Reply, Table
from creatorbot.storage import writer
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
    # The same creators and figures (a calendar month moves against the month before, so the
    # movement column is compared in its own test below).
    assert [row[:3] for row in table_rows(asked)] == [row[:3] for row in table_rows(standard)]
    assert asked.blocks[1] == standard.blocks[1]  # totals
    # The window line (the first context) names the same days.
    assert asked.blocks[3].text.split(",")[0] == standard.blocks[3].text.split(",")[0]


@pytest.mark.usefixtures("world")
def test_past_the_latest_day_says_which_day_that_is(chat: Callable[..., str]) -> None:
    assert "the latest day with data is 23 Nov 2026" in chat("leaderboard MY today")
    italian = chat("classifica oggi MY", "it")
    assert "l'ultimo giorno con dati è il 23 nov 2026" in italian
    assert "hari terkini yang ada data ialah 23 Nov 2026" in chat("papan hari ini", "ms")
    assert "at most 366 days" in chat("leaderboard MY 1/1/2025-15/2/2026")


# --- a calendar period is compared with the calendar period before it ---------------------------

BEFORE = dt.date(2026, 8, 25)
SPIKE = 400_000  # RM4,000.00 on one day
# (day, handle) → a spike on top of each creator's steady day: bea's falls in 1–23 Oct (not in
# the 23 days before 1 Nov), cara's on 28 Oct in those 23 days only, on 31 Aug in the 31 days
# before October only, and on Monday 16 Nov (the same weekday a week before Monday 23 Nov).
SPIKES = {
    (dt.date(2026, 10, 5), "bea"): SPIKE,
    (dt.date(2026, 10, 28), "cara"): SPIKE,
    (dt.date(2026, 8, 31), "cara"): SPIKE,
    (dt.date(2026, 11, 16), "cara"): SPIKE,
}
STEADY = {"ana": 10_000, "bea": 7_000, "cara": 5_000}


def gmv_of(day: dt.date, handle: str) -> int:
    return STEADY[handle] + SPIKES.get((day, handle), 0)


@pytest.fixture
def months(sessions: sessionmaker[Session]) -> None:
    """Three MY creators with a steady day each from 25 August to 23 November, and spikes
    that rank them differently in a calendar period before and in the equal-length window."""
    metrics = []
    day = BEFORE
    while day <= LATEST:
        metrics += [metric_row(day, handle, gmv_of(day, handle)) for handle in STEADY]
        day += dt.timedelta(days=1)
    seed(sessions, [creator_row(handle) for handle in STEADY], metrics)


def ranks(start: dt.date, end: dt.date) -> dict[str, int]:
    """Each creator's rank by GMV summed from `start` to `end`, ties by handle (computed here
    from the rows seeded, not by the product)."""
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    totals = {handle: sum(gmv_of(day, handle) for day in days) for handle in STEADY}
    ordered = sorted(totals, key=lambda handle: (-totals[handle], handle))
    return {handle: place for place, handle in enumerate(ordered, start=1)}


def moves(now: dict[str, int], before: dict[str, int]) -> dict[str, str]:
    found = {}
    for handle, place in now.items():
        climbed = before[handle] - place
        found[handle] = f"▲{climbed}" if climbed > 0 else f"▼{-climbed}" if climbed else "="
    return found


def shown_moves(answer: Reply) -> dict[str, str]:
    """Each creator's movement as the table shows it."""
    return {row[1].split("@")[1].rstrip(")"): row[3] for row in table_rows(answer)}


D = dt.date


@pytest.mark.usefixtures("months")
@pytest.mark.parametrize(
    ("text", "window", "previous", "compared"),
    [
        # Last month (October) against September, not the 31 days from 31 August.
        (
            "leaderboard MY last month",
            (D(2026, 10, 1), D(2026, 10, 31)),
            (D(2026, 9, 1), D(2026, 9, 30)),
            "1–31 Oct 2026, compared with 1–30 Sept 2026",
        ),
        # This month to date (1–23 Nov) against 1–23 October.
        (
            "leaderboard MY this month",
            (D(2026, 11, 1), D(2026, 11, 23)),
            (D(2026, 10, 1), D(2026, 10, 23)),
            "1–23 Nov 2026, compared with 1–23 Oct 2026",
        ),
        # This week so far (Monday 23 Nov) against the Monday before.
        (
            "leaderboard MY this week",
            (D(2026, 11, 23), D(2026, 11, 23)),
            (D(2026, 11, 16), D(2026, 11, 16)),
            "23 Nov 2026, compared with 16 Nov 2026",
        ),
        # Last week against the week before.
        (
            "leaderboard MY last week",
            (D(2026, 11, 16), D(2026, 11, 22)),
            (D(2026, 11, 9), D(2026, 11, 15)),
            "16–22 Nov 2026, compared with 9–15 Nov 2026",
        ),
    ],
)
def test_a_calendar_period_moves_against_the_period_before(
    reply: Callable[..., Reply],
    chat: Callable[..., str],
    text: str,
    window: tuple[dt.date, dt.date],
    previous: tuple[dt.date, dt.date],
    compared: str,
) -> None:
    answer = reply(text)
    assert answer.ok
    assert shown_moves(answer) == moves(ranks(*window), ranks(*previous))
    assert compared in chat(text)


@pytest.mark.usefixtures("months")
def test_a_number_of_days_still_moves_against_as_many_days_before(
    reply: Callable[..., Reply],
) -> None:
    """`31d` and `mtd` keep their meaning: the same number of days just before."""
    answer = reply("leaderboard MY 31d as-of:2026-10-31")
    assert shown_moves(answer) == moves(
        ranks(D(2026, 10, 1), D(2026, 10, 31)), ranks(D(2026, 8, 31), D(2026, 9, 30))
    )
    answer = reply("leaderboard MY mtd")
    assert shown_moves(answer) == moves(
        ranks(D(2026, 11, 1), D(2026, 11, 23)), ranks(D(2026, 10, 9), D(2026, 10, 31))
    )


def buttons_of(answer: Reply) -> dict[str, str]:
    """Each button's label and the command it runs."""
    row = next(block for block in answer.blocks if isinstance(block, Buttons))
    return {button.label: button.value for button in row.buttons if button.action == "run"}


@pytest.mark.usefixtures("months")
@pytest.mark.parametrize(
    ("text", "locale", "more"),
    [
        ("leaderboard MY last week top 1", "en", "Show more"),
        ("leaderboard MY last month top 1", "en", "Show more"),
        ("leaderboard MY this month top 1", "en", "Show more"),
        ("leaderboard MY this week top 1", "en", "Show more"),
        ("leaderboard MY yesterday top 1", "en", "Show more"),
        ("leaderboard MY wtd top 1", "en", "Show more"),
        ("leaderboard MY 1-15 nov top 1", "en", "Show more"),
        ("leaderboard MY 2026-10-01..2026-10-31 top 1", "en", "Show more"),
        ("classifica MY mese scorso primi 1", "it", "Mostra altri"),
        ("papan minggu lepas teratas 1", "ms", "Tunjuk lagi"),
    ],
)
def test_show_more_runs_the_same_period_again(
    reply: Callable[..., Reply], text: str, locale: str, more: str
) -> None:
    """The next page has the same title, the same window and the same comparison, and its
    first rows are the rows shown."""
    first = reply(text, locale)
    again = reply(buttons_of(first)[more], locale)
    assert again.ok
    assert title(again) == title(first)
    window_line = next(block for block in first.blocks if isinstance(block, Context)).text
    assert window_line.split(".")[0] in next(
        block.text for block in again.blocks if isinstance(block, Context)
    )
    assert table_rows(again)[:1] == table_rows(first)
    assert len(table_rows(again)) == 3


@pytest.mark.usefixtures("months")
@pytest.mark.parametrize(
    "text", ["leaderboard MY last week", "leaderboard MY last month", "leaderboard MY yesterday"]
)
def test_refresh_asks_the_named_period_again(reply: Callable[..., Reply], text: str) -> None:
    first = reply(text)
    again = reply(buttons_of(first)["Refresh"])
    assert title(again) == title(first)
    assert table_rows(again) == table_rows(first)


def test_slots_last_month_against_the_month_before(
    sessions: sessionmaker[Session], chat: Callable[..., str]
) -> None:
    """A slot's change over last month is against September: 31 August counts in neither."""
    days = {dt.date(2026, 8, 31): 5_000, dt.date(2026, 9, 10): 1_000}
    days |= {dt.date(2026, 10, 10): 2_000, LATEST: 10}
    rows = [
        {
            "date": day,
            "market": "MY",
            "slot": "Banner A",
            "surface": "ec_center",
            "impressions": shown,
            "clicks": shown // 10,
            "conversions": 1,
        }
        for day, shown in days.items()
    ]
    with sessions.begin() as session:
        writer.write_slot_metrics(pd.DataFrame(rows), session=session)
    answer = chat("slots MY last month")
    assert "1–31 Oct 2026, compared with 1–30 Sept 2026" in answer
    assert "+100" in answer  # 2,000 impressions against September's 1,000
