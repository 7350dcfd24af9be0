"""The leaderboard, as a user sees it: ranks, ties, movement, windows, filters, bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.reply import Context, Fields, Reply, Table
from creatorbot.storage.queries.metrics import RANKABLE
from tests.commands.conftest import creator_row, metric_row, seed

END = dt.date(2026, 11, 23)


def day(offset: int) -> dt.date:
    """END minus `offset` days."""
    return END - dt.timedelta(days=offset)


def table_of(reply: Reply) -> Table:
    tables = [block for block in reply.blocks if isinstance(block, Table)]
    assert tables, f"no table in {reply}"
    return tables[0]


def context_of(reply: Reply) -> str:
    return " ".join(block.text for block in reply.blocks if isinstance(block, Context))


def fields_of(reply: Reply) -> dict[str, str]:
    return {k: v for block in reply.blocks if isinstance(block, Fields) for k, v in block.items}


@pytest.fixture
def small_world(sessions: sessionmaker[Session]) -> None:
    """Four MY creators over two weeks, with a tie and a newcomer; IT has creators, no data."""
    creators = [
        creator_row("amir", tier="gold", category="beauty"),
        creator_row("bella", tier="silver", category="fashion"),
        creator_row("chen", tier="gold", category="beauty"),
        creator_row("dina", tier="silver", category="beauty"),
        creator_row("giulia", market="IT"),
    ]
    metrics = []
    # previous week (day 7..13): bella 1st, amir 2nd, chen 3rd; dina absent
    for offset in range(7, 14):
        metrics += [
            metric_row(day(offset), "bella", 30_000),
            metric_row(day(offset), "amir", 20_000),
            metric_row(day(offset), "chen", 10_000),
        ]
    # this week (day 0..6): amir and chen tie at 7 × 25_000, bella 7 × 5_000, dina new
    for offset in range(7):
        metrics += [
            metric_row(day(offset), "amir", 25_000),
            metric_row(day(offset), "chen", 25_000),
            metric_row(day(offset), "bella", 5_000),
            metric_row(day(offset), "dina", 12_000),
        ]
    seed(sessions, creators, metrics)


@pytest.mark.usefixtures("small_world")
def test_ties_movement_and_new_entries(reply: Callable[..., Reply]) -> None:
    answer = reply("leaderboard gmv 7d MY")
    assert answer.ok
    rows = table_of(answer).rows
    assert [row[1] for row in rows] == [
        "Amir (@amir)",  # tie with chen at RM1,750.00, amir first by handle
        "Chen (@chen)",
        "Dina (@dina)",
        "Bella (@bella)",
    ]
    assert [row[0] for row in rows] == ["1", "2", "3", "4"]
    assert [row[2] for row in rows] == ["RM1,750.00", "RM1,750.00", "RM840.00", "RM350.00"]
    # amir 2nd → 1st, chen 3rd → 2nd, dina new, bella 1st → 4th
    assert [row[3] for row in rows] == ["▲1", "▲1", "new", "▼3"]
    assert fields_of(answer) == {"Creators ranked": "4", "Total GMV": "RM4,690.00"}


@pytest.mark.usefixtures("small_world")
def test_the_window_is_stated(reply: Callable[..., Reply]) -> None:
    context = context_of(reply("leaderboard MY"))
    assert "17–23 Nov 2026" in context
    assert "10–16 Nov 2026" in context
    assert "Ties are ranked by handle" in context


@pytest.mark.usefixtures("small_world")
@pytest.mark.parametrize(
    ("period", "window"),
    [
        ("1d", "23 Nov 2026"),
        ("30d", "25 Oct\u2009–\u200923 Nov 2026"),
        ("mtd", "1–23 Nov 2026"),
        ("14d", "10–23 Nov 2026"),
    ],
)
def test_periods(reply: Callable[..., Reply], period: str, window: str) -> None:
    assert window in context_of(reply(f"leaderboard {period} MY"))


@pytest.mark.usefixtures("small_world")
def test_as_of_moves_the_window(reply: Callable[..., Reply]) -> None:
    answer = reply("leaderboard MY as-of:2026-11-16")
    assert "10–16 Nov 2026" in context_of(answer)
    assert [row[1] for row in table_of(answer).rows] == [
        "Bella (@bella)",
        "Amir (@amir)",
        "Chen (@chen)",
    ]
    assert [row[3] for row in table_of(answer).rows] == ["new", "new", "new"]


@pytest.mark.usefixtures("small_world")
def test_filters(reply: Callable[..., Reply]) -> None:
    gold = table_of(reply("leaderboard MY tier:GOLD"))
    assert [row[1] for row in gold.rows] == ["Amir (@amir)", "Chen (@chen)"]
    beauty_silver = table_of(reply("leaderboard MY tier:silver category:beauty"))
    assert [row[1] for row in beauty_silver.rows] == ["Dina (@dina)"]


@pytest.mark.usefixtures("small_world")
def test_top_n_and_its_cap(reply: Callable[..., Reply]) -> None:
    top2 = reply("leaderboard MY top 2")
    assert len(table_of(top2).rows) == 2
    assert "Showing the top 2 of 4." in context_of(top2)
    assert len(table_of(reply("leaderboard MY top:3")).rows) == 3
    assert reply("leaderboard MY top 500").ok  # capped at 50, not an error
    zero = reply("leaderboard MY top 0")
    assert not zero.ok
    assert "1 to 50" in zero.summary


@pytest.mark.usefixtures("small_world")
def test_counts_are_formatted_as_numbers(reply: Callable[..., Reply]) -> None:
    rows = table_of(reply("leaderboard orders 7d MY")).rows
    # orders per day = gmv // 5000: amir 5/day, chen 5/day, dina 2/day, bella 1/day
    assert [(row[1], row[2]) for row in rows] == [
        ("Amir (@amir)", "35"),
        ("Chen (@chen)", "35"),
        ("Dina (@dina)", "14"),
        ("Bella (@bella)", "7"),
    ]


@pytest.mark.usefixtures("small_world")
def test_a_market_without_data(chat: Callable[..., str]) -> None:
    assert "There is no data for Italy yet." in chat("leaderboard IT")


@pytest.mark.usefixtures("small_world")
def test_a_window_without_data(reply: Callable[..., Reply]) -> None:
    answer = reply("leaderboard MY as-of:2025-01-31")
    assert answer.ok
    assert "No creator has any GMV in Malaysia for 25–31 Jan 2025." in answer.blocks[1].text  # type: ignore[union-attr]


@pytest.mark.usefixtures("small_world")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("leaderboard gmw MY", "Did you mean `gmv`"),
        ("leaderboard gmv 7d MY teir:gold", "Did you mean `tier`"),
        ("leaderboard MY tier:gld", "Did you mean `gold`"),
        ("leaderboard MY category:beuty", "Did you mean `beauty`"),
        ("leaderboard MY as-of:2026-02-30", "is not a date"),
        ("leaderboard XX", "I don't know the market “XX”. Markets: IT, MY."),
        ("leaderboard MY campaign:nope", "There is no campaign “nope”"),
        ("leaderbord", "Did you mean `leaderboard`"),
    ],
)
def test_bad_input_gets_a_short_answer(
    reply: Callable[..., Reply], text: str, expected: str
) -> None:
    answer = reply(text)
    assert not answer.ok
    assert expected in answer.summary
    assert "Traceback" not in answer.summary


@pytest.mark.usefixtures("small_world")
def test_umbrella_and_slash_forms(chat: Callable[..., str]) -> None:
    plain = chat("leaderboard gmv 7d MY")
    assert chat("/leaderboard gmv 7d MY") == plain
    assert chat("/creatorbot leaderboard gmv 7d MY") == plain
    assert chat("LEADERBOARD GMV 7D my") == plain


@pytest.mark.usefixtures("small_world")
@pytest.mark.parametrize("metric", RANKABLE)
def test_every_metric_ranks_by_its_own_column(reply: Callable[..., Reply], metric: str) -> None:
    answer = reply(f"leaderboard {metric} 7d MY")
    assert answer.ok
    # new_followers/live_minutes etc. are equal for all: ties → handle order
    rows = table_of(answer).rows
    names = [row[1] for row in rows]
    if metric in ("live_sessions", "live_minutes", "video_posts", "video_views", "new_followers"):
        assert names == sorted(names)
    else:
        assert names[0] in ("Amir (@amir)",)


def test_campaign_window_and_enrolled_creators_only(
    sessions: sessionmaker[Session], reply: Callable[..., Reply]
) -> None:
    creators = [creator_row(h) for h in ("amir", "bella", "chen")]
    metrics = [
        metric_row(day(o), h, g)
        for o in range(10)
        for h, g in (("amir", 10_000), ("bella", 50_000), ("chen", 20_000))
    ]
    campaign = {
        "slug": "my-1111",
        "name": "11.11",
        "market": "MY",
        "kind": "mega_sale",
        "starts_on": day(5),
        "ends_on": day(-3),
        "metric": "gmv",
        "gmv_target": 1_000_000,
        "creator_target": 10,
        "reward_tiers": [],
    }
    enrollments = [
        {"campaign": "my-1111", "handle": h, "enrolled_on": day(6)} for h in ("amir", "chen")
    ]
    seed(sessions, creators, metrics, [campaign], enrollments)
    answer = reply("leaderboard campaign:my-1111")
    assert answer.ok
    assert [row[1] for row in table_of(answer).rows] == ["Chen (@chen)", "Amir (@amir)"]
    # window = campaign start (day 5) through the latest day with data (day 0): 6 days
    assert [row[2] for row in table_of(answer).rows] == ["RM1,200.00", "RM600.00"]
    assert "18–23 Nov 2026" in context_of(answer)
    wrong_market = reply("leaderboard campaign:my-1111 IT")
    assert not wrong_market.ok
    assert "runs in MY" in wrong_market.summary


@pytest.mark.usefixtures("small_world")
def test_buttons_page_refresh_and_open_creators(reply: Callable[..., Reply]) -> None:
    from creatorbot.commands.reply import Buttons

    answer = reply("leaderboard gmv 7d MY top 2")
    buttons = next(b for b in answer.blocks if isinstance(b, Buttons)).buttons
    assert [(b.action, b.value) for b in buttons] == [
        ("run", "leaderboard gmv 7d MY top 4 as-of:2026-11-23"),  # two more, capped at 4 ranked
        ("run", "leaderboard gmv 7d MY top 2"),
        ("open", "creator amir MY"),
        ("open", "creator chen MY"),
    ]
    more = reply(buttons[0].value)
    assert len(table_of(more).rows) == 4
