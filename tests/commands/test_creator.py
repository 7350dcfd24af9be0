"""`creator`: tier progress, campaign ranks, latest feedback, open alerts, near misses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.reply import Fields, Reply, Table
from creatorbot.storage import writer
from creatorbot.storage.feedback import save_feedback
from creatorbot.storage.models import Alert, AlertStatus, Creator
from tests.commands.conftest import creator_row, metric_row, seed

END = dt.date(2026, 11, 23)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> None:
    creators = [
        creator_row("amir", display_name="Amir Hakim", tier="silver"),
        creator_row("bella", display_name="Bélla Tan", tier="gold"),
        creator_row("chen", display_name="Chen Wei", tier="platinum"),
    ]
    daily = {"amir": 10_000, "bella": 50_000, "chen": 90_000}
    metrics = [
        metric_row(END - dt.timedelta(days=o), h, g) for o in range(30) for h, g in daily.items()
    ]
    campaign = {
        "slug": "my-race",
        "name": "Live race",
        "market": "MY",
        "kind": "competition",
        "starts_on": END - dt.timedelta(days=9),
        "ends_on": END + dt.timedelta(days=5),
        "metric": "gmv",
        "gmv_target": None,
        "creator_target": None,
        "reward_tiers": [],
    }
    enrollments = [{"campaign": "my-race", "handle": h, "enrolled_on": END} for h in daily]
    seed(sessions, creators, metrics, [campaign], enrollments)
    tiers = pd.DataFrame(
        [
            {"market": "MY", "tier": "bronze", "rank": 1, "min_gmv_30d": 0},
            {"market": "MY", "tier": "silver", "rank": 2, "min_gmv_30d": 100_000},
            {"market": "MY", "tier": "gold", "rank": 3, "min_gmv_30d": 500_000},
            {"market": "MY", "tier": "platinum", "rank": 4, "min_gmv_30d": 2_000_000},
        ]
    )
    with sessions.begin() as session:
        writer.write_tiers(tiers, session=session)
        amir = session.query(Creator).filter_by(handle="amir").one()
        save_feedback(
            platform="slack",
            user_id="U1",
            rating=2,
            topic="samples",
            comment="Samples arrived broken",
            language="en",
            creator_id=amir.id,
            campaign_id=None,
            session=session,
        )
        session.add(
            Alert(
                market="MY",
                subject_kind="creator",
                subject_key="amir",
                metric="gmv",
                day=END,
                observed=100,
                expected=10_000,
                impact=9_900,
                reason="GMV 99% below its usual Monday",
                status=AlertStatus.OPEN,
            )
        )


def fields_of(reply: Reply) -> dict[str, str]:
    return {k: v for block in reply.blocks if isinstance(block, Fields) for k, v in block.items}


@pytest.mark.usefixtures("world")
def test_tier_progress(reply: Callable[..., Reply]) -> None:
    # amir: 30 × RM100 = RM3,000 in 30 days; silver → gold needs RM5,000: RM2,000 missing
    assert fields_of(reply("creator amir"))["Tier"] == "silver · RM2,000.00 more 30-day GMV to gold"
    # bella: RM15,000, gold → platinum needs RM20,000
    assert (
        fields_of(reply("creator bella"))["Tier"] == "gold · RM5,000.00 more 30-day GMV to platinum"
    )
    assert fields_of(reply("creator chen"))["Tier"] == "platinum"  # the top tier


@pytest.mark.usefixtures("world")
def test_campaign_rank(reply: Callable[..., Reply]) -> None:
    table = next(b for b in reply("creator bella").blocks if isinstance(b, Table))
    assert table.rows == (("Live race", "14–28 Nov 2026", "#2 of 3"),)


@pytest.mark.usefixtures("world")
def test_feedback_and_alerts(chat: Callable[..., str]) -> None:
    amir = chat("creator amir")
    assert "★★ Samples — “Samples arrived broken”" in amir
    assert "GMV 99% below its usual Monday" in amir
    assert "No open alerts." in chat("creator chen")


@pytest.mark.usefixtures("world")
def test_display_names_and_near_misses(
    reply: Callable[..., Reply], chat: Callable[..., str]
) -> None:
    assert "Chen Wei (@chen)" in chat('creator "chen wei"')
    missed = reply('creator "Chen Wie"')
    assert not missed.ok
    assert "Did you mean `Chen Wei`" in missed.summary


@pytest.mark.usefixtures("world")
def test_in_italian(chat: Callable[..., str]) -> None:
    italian = chat("creator amir", "it")
    assert "silver · mancano 2.000,00\xa0RM di GMV a 30 giorni per gold" in italian


@pytest.mark.usefixtures("world")
def test_the_trend_chart(reply: Callable[..., Reply]) -> None:
    from creatorbot.commands.reply import Image

    image = next(b for b in reply("creator bella").blocks if isinstance(b, Image))
    assert image.title == "Daily GMV, last 30 days"
    assert "total RM15,000.00" in image.alt  # 30 × RM500
