"""Leaderboards over the generated demo world equal a plain-Python computation of the same rules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

import pytest
from babel.numbers import format_currency
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.reply import Reply, Table
from creatorbot.storage.demo import DemoSpec, World, build_world, write_world

END = dt.date(2026, 11, 23)
SPEC = DemoSpec(creators=300, days=70, seed=11, end=END)
MONEY = {"gmv", "live_gmv", "video_gmv"}
CURRENCY = {"MY": ("MYR", "en_MY"), "IT": ("EUR", "en")}


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SPEC)


@pytest.fixture
def stored(world: World, sessions: sessionmaker[Session]) -> World:
    with sessions.begin() as session:
        write_world(world, session=session)
    return world


def expected_board(
    world: World,
    market: str,
    metric: str,
    start: dt.date,
    end: dt.date,
    handles: set[str] | None = None,
) -> list[tuple[str, str, str, str]]:
    """(rank, creator, value, movement) for every ranked creator, by the documented rules."""
    names = {
        row.handle: row.display_name for row in world.creators.itertuples() if row.market == market
    }
    days = (end - start).days + 1
    before_end = start - dt.timedelta(days=1)
    before_start = before_end - dt.timedelta(days=days - 1)
    now: dict[str, int] = defaultdict(int)
    then: dict[str, int] = defaultdict(int)
    for row in world.daily_metrics.itertuples():
        if row.market != market or (handles is not None and row.handle not in handles):
            continue
        if start <= row.date <= end:
            now[row.handle] += int(getattr(row, metric))
        elif before_start <= row.date <= before_end:
            then[row.handle] += int(getattr(row, metric))

    def ranking(totals: dict[str, int]) -> list[str]:
        return sorted((h for h, v in totals.items() if v > 0), key=lambda h: (-totals[h], h))

    previous = {h: i + 1 for i, h in enumerate(ranking(then))}
    currency, locale = CURRENCY[market]
    board = []
    for place, handle in enumerate(ranking(now), start=1):
        value = now[handle]
        shown = (
            format_currency(Decimal(value) / 100, currency, locale=locale)
            if metric in MONEY
            else f"{value:,}"
        )
        if handle not in previous:
            move = "new"
        elif previous[handle] > place:
            move = f"▲{previous[handle] - place}"
        elif previous[handle] < place:
            move = f"▼{place - previous[handle]}"
        else:
            move = "="
        board.append((str(place), f"{names[handle]} (@{handle})", shown, move))
    return board


def table_of(reply: Reply) -> Table:
    return next(block for block in reply.blocks if isinstance(block, Table))


def latest(world: World, market: str) -> dt.date:
    return max(
        d
        for d, m in zip(world.daily_metrics["date"], world.daily_metrics["market"], strict=True)
        if m == market
    )


@pytest.mark.parametrize(
    ("market", "metric", "period", "days"),
    [
        ("MY", "gmv", "7d", 7),
        ("IT", "gmv", "1d", 1),
        ("MY", "orders", "30d", 30),
        ("IT", "live_gmv", "7d", 7),
        ("MY", "video_views", "14d", 14),
        ("IT", "new_followers", "30d", 30),
    ],
)
def test_leaderboard_equals_an_independent_computation(
    stored: World, reply: Callable[..., Reply], market: str, metric: str, period: str, days: int
) -> None:
    end = latest(stored, market)
    expected = expected_board(stored, market, metric, end - dt.timedelta(days=days - 1), end)
    answer = reply(f"leaderboard {metric} {period} {market} top 50")
    table = table_of(answer)
    assert list(table.rows) == expected[:50]
    assert table.total == len(expected)


def test_mtd_and_as_of(stored: World, reply: Callable[..., Reply]) -> None:
    as_of = dt.date(2026, 11, 11)
    expected = expected_board(stored, "MY", "gmv", dt.date(2026, 11, 1), as_of)
    answer = reply("leaderboard mtd MY as-of:2026-11-11 top 25")
    assert list(table_of(answer).rows) == expected[:25]


def test_tier_filter(stored: World, reply: Callable[..., Reply]) -> None:
    tier = stored.creators.loc[stored.creators["market"] == "IT", "tier"].mode()[0]
    handles = set(
        stored.creators.loc[
            (stored.creators["market"] == "IT") & (stored.creators["tier"] == tier), "handle"
        ]
    )
    end = latest(stored, "IT")
    expected = expected_board(stored, "IT", "gmv", end - dt.timedelta(days=6), end, handles)
    assert list(table_of(reply(f"leaderboard IT tier:{tier} top 50")).rows) == expected[:50]


def test_campaign_window(stored: World, reply: Callable[..., Reply]) -> None:
    campaigns = stored.campaigns
    running = campaigns[
        (campaigns["market"] == "MY")
        & (campaigns["starts_on"] <= END)
        & (campaigns["ends_on"] >= END)
    ]
    slug = running["slug"].iloc[0]
    start = running["starts_on"].iloc[0]
    enrolled = set(stored.enrollments.loc[stored.enrollments["campaign"] == slug, "handle"])
    expected = expected_board(stored, "MY", "gmv", start, latest(stored, "MY"), enrolled)
    # GMV named: with no metric the board ranks by the campaign's own (test_campaign.py).
    asked = f"leaderboard gmv campaign:{slug} top 50"
    assert list(table_of(reply(asked)).rows) == expected[:50]
