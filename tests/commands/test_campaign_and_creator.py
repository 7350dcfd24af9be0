"""First cuts of `campaign SLUG` and `creator HANDLE`: the figures a CM or AM reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.reply import Fields, Reply
from tests.commands.conftest import creator_row, metric_row, seed

END = dt.date(2026, 11, 23)  # latest day with data; the test clock says 24 Nov


def day(offset: int) -> dt.date:
    return END - dt.timedelta(days=offset)


def fields_of(reply: Reply) -> dict[str, str]:
    return {k: v for block in reply.blocks if isinstance(block, Fields) for k, v in block.items}


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> dict[str, list[int]]:
    """Three MY creators with 40 days of GMV; two enrolled in a campaign running through 27 Nov."""
    gmv = {"amir": 11_111, "bella": 22_222, "chen": 33_333}
    creators = [
        creator_row("amir", email="amir@example.com", phone="+60 12-345 6789"),
        creator_row("bella", display_name="Bélla Tan"),
        creator_row("chen"),
    ]
    metrics = [metric_row(day(o), h, g + o) for o in range(40) for h, g in gmv.items()]
    campaign = {
        "slug": "my-payday",
        "name": "Payday",
        "market": "MY",
        "kind": "incentive",
        "starts_on": day(9),
        "ends_on": day(-4),
        "metric": "gmv",
        "gmv_target": 2_000_000,
        "creator_target": 5,
        "reward_tiers": [(100_000, 5_000)],
    }
    enrollments = [
        {"campaign": "my-payday", "handle": h, "enrolled_on": day(12)} for h in ("amir", "chen")
    ]
    seed(sessions, creators, metrics, [campaign], enrollments)
    return {h: [g + o for o in range(40)] for h, g in gmv.items()}


def test_campaign_status(world: dict[str, list[int]], reply: Callable[..., Reply]) -> None:
    answer = reply("campaign my-payday")
    assert answer.ok
    # enrolled creators (amir, chen), days 0..9 of the window (14–23 Nov)
    gmv = sum(world["amir"][o] + world["chen"][o] for o in range(10))
    orders = sum(world["amir"][o] // 5000 + world["chen"][o] // 5000 for o in range(10))
    fields = fields_of(answer)
    assert fields["GMV to date"] == f"RM{gmv / 100:,.2f}"
    assert fields["Orders to date"] == f"{orders:,}"
    assert fields["GMV target"] == "RM20,000.00"
    assert fields["Of target"] == f"{gmv / 2_000_000 * 100:.1f}%"
    assert fields["Creators enrolled"] == "2 / 5"
    assert fields["Active creators"] == "2"
    assert fields["Status"] == "running, 3 days left"  # 24 Nov in Kuala Lumpur, ends 27 Nov
    assert fields["Window"] == "14–27 Nov 2026"


def test_campaign_in_italian_and_malay(
    world: dict[str, list[int]], chat: Callable[..., str]
) -> None:
    assert "in corso, mancano 3 giorni" in chat("campaign my-payday", "it")
    assert "sedang berjalan, tinggal 3 hari" in chat("campaign my-payday", "ms")


def test_unknown_campaign(world: dict[str, list[int]], reply: Callable[..., Reply]) -> None:
    answer = reply("campaign my-paydya")
    assert not answer.ok
    assert "Did you mean `my-payday`?" in answer.summary
    assert reply("campaign my-payda").ok  # the slug's first letters name it


def change(current: int, previous: int) -> str:
    ratio = (current - previous) / previous
    return ("+" if round(ratio, 3) > 0 else "") + f"{ratio:.1%}"


def test_creator_profile(world: dict[str, list[int]], reply: Callable[..., Reply]) -> None:
    answer = reply("creator @AMIR")
    assert answer.ok
    fields = fields_of(answer)
    gmv = world["amir"]  # index = days before the latest day
    week, before = sum(gmv[:7]), sum(gmv[7:14])
    month, month_before = sum(gmv[:30]), sum(gmv[30:40])  # only 40 days of history exist
    assert fields["GMV, last 7 days"] == f"RM{week / 100:,.2f} ({change(week, before)})"
    assert fields["GMV, last 30 days"] == f"RM{month / 100:,.2f} ({change(month, month_before)})"
    orders = [g // 5000 for g in gmv]
    assert (
        fields["Orders, last 7 days"]
        == f"{sum(orders[:7])} ({change(sum(orders[:7]), sum(orders[7:14]))})"
    )
    # metric_row splits GMV half live, half video (live gets the smaller half)
    live = sum(g // 2 for g in gmv[:30])
    assert fields["Live · video, last 30 days"] == (
        f"{live / month:.0%} · {(month - live) / month:.0%}"
    )
    assert fields["GMV per order, last 30 days"] == f"RM{month // sum(orders[:30]) / 100:,.2f}"
    assert fields["Creator Manager"] == "Farah"


def test_creator_by_display_name_never_shows_contact_details(
    world: dict[str, list[int]], chat: Callable[..., str]
) -> None:
    assert "Bélla Tan (@bella) · MY" in chat('creator "bélla tan"')
    amir = chat("creator amir")
    assert "example.com" not in amir
    assert "345" not in amir


def test_unknown_creator(world: dict[str, list[int]], reply: Callable[..., Reply]) -> None:
    answer = reply("creator amri")
    assert not answer.ok
    assert "I can't find a creator called “amri”." in answer.summary
