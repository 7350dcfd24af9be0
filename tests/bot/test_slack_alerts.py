"""Alerts in Slack: the morning post's Acknowledge and Snooze buttons are stored, and a snoozed
creator stays silent the next morning though it collapses again."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from creatorbot.storage import writer
from creatorbot.storage.models import Alert, AlertStatus, SubscriptionKind
from creatorbot.storage.subscriptions import subscribe
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import END, NOW, job_runner
from tests.fakes.slack_requests import block_action

BIG = ("mira", "nadia", "omar", "putri", "qistina", "rosli", "sara", "tariq")
COLLAPSING = ("mira", "nadia")  # both sell almost nothing on END; mira again on END + 4
DAY = dt.timedelta(days=1)


def metrics(handle: str, day: dt.date, scale: float) -> dict[str, Any]:
    gmv = int(2_000_000 * scale)  # RM20,000: far above the alerting minimum
    return {
        "date": day,
        "market": "MY",
        "handle": handle,
        "gmv": gmv,
        "orders": max(gmv // 4_000, 0),
        "items_sold": gmv // 3_000,
        "live_gmv": gmv // 2,
        "video_gmv": gmv - gmv // 2,
        "live_sessions": 1,
        "live_minutes": 90,
        "video_posts": 1,
        "video_views": 1_000,
        "new_followers": 5,
    }


def seed_big_creators(bot: SlackBot) -> None:
    """Eight steady big sellers over 40 days to END; two of them collapse on END."""
    rng = np.random.default_rng(3)
    creators = pd.DataFrame(
        [
            {
                "market": "MY",
                "handle": h,
                "display_name": h.title(),
                "tier": "gold",
                "category": "beauty",
                "followers": 1000,
                "cm": "Farah Aziz",
                "am": None,
                "joined_on": None,
            }
            for h in BIG
        ]
    )
    rows = [
        metrics(h, END - n * DAY, 0.03 if (n == 0 and h in COLLAPSING) else rng.uniform(0.9, 1.1))
        for n in range(40)
        for h in BIG
    ]
    with bot.app.sessions.begin() as session:
        writer.write_creators(creators, session=session)
        writer.write_daily_metrics(pd.DataFrame(rows), session=session)


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path, CREATORBOT_STAFF={"Farah Aziz": "U1"}) as running:
        seed_big_creators(running)
        yield running


def morning(bot: SlackBot, at: dt.datetime) -> None:
    runner = job_runner(bot.app, bot.running.posters())
    runner.tick(at)


def buttons(post: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The post's buttons by the command they run (`alerts ack 3` …)."""
    return {
        element["value"]: element
        for block in post["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def alerts_of(bot: SlackBot, handle: str) -> list[Alert]:
    with bot.app.sessions() as session:
        return list(session.scalars(select(Alert).where(Alert.subject_key == handle)))


def test_acknowledge_and_snooze_from_the_buttons_and_a_snoozed_creator_stays_silent(
    bot: SlackBot,
) -> None:
    with bot.app.sessions.begin() as session:
        subscribe(
            platform="slack",
            workspace="T1",
            channel="C5",
            kind=SubscriptionKind.ALERTS,
            market="MY",
            at_time="09:00",
            locale="en",
            created_by="U1",
            now=NOW - DAY,
            session=session,
        )
    morning(bot, NOW)  # 09:30 in Kuala Lumpur on END + 1: END's anomalies
    [post] = bot.fake.posts("C5")
    shown = json.dumps(post["blocks"])
    assert "Mira (@mira)" in shown and "Nadia (@nadia)" in shown and "<@U1>" in shown
    clickable = buttons(post)

    def button(action: str, handle: str) -> dict[str, Any]:
        # One entry per creator: its buttons name one of the creator's alerts of the day.
        [found] = [
            clickable[f"alerts {action} {a.id}"]
            for a in alerts_of(bot, handle)
            if f"alerts {action} {a.id}" in clickable
        ]
        return found

    url = bot.fake.response_url("ack")
    ack = button("ack", "nadia")
    bot.send(block_action(ack["action_id"], ack["value"], channel_id="C5", response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) == 1)
    assert "Acknowledged" in json.dumps(bot.fake.responses(url)[0])
    assert {(a.status, a.handled_by) for a in alerts_of(bot, "nadia")} == {
        (AlertStatus.ACKNOWLEDGED, "U1")
    }

    url = bot.fake.response_url("snooze")
    snooze = button("snooze", "mira")
    bot.send(block_action(snooze["action_id"], snooze["value"], channel_id="C5", response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) == 1)
    assert "Snoozed until" in json.dumps(bot.fake.responses(url)[0])
    [snoozed] = {a.snoozed_until for a in alerts_of(bot, "mira")}
    assert snoozed is not None and snoozed > END + 6 * DAY

    # Three ordinary days, then Mira collapses again, and so does Omar: a new anomaly (not the
    # continuation of END's), yet only Omar is posted — Mira is snoozed.
    rows = [
        metrics(h, END + n * DAY, 0.03 if (n == 4 and h in ("mira", "omar")) else 1.0)
        for n in range(1, 5)
        for h in BIG
    ]
    with bot.app.sessions.begin() as session:
        writer.write_daily_metrics(pd.DataFrame(rows), session=session)
    morning(bot, NOW + 4 * DAY)
    posts = bot.fake.posts("C5")
    assert len(posts) == 2
    shown = json.dumps(posts[1]["blocks"])
    assert "Omar (@omar)" in shown
    assert "@mira" not in shown
