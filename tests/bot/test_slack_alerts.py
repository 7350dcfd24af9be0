"""Alerts in Slack: the morning post's Acknowledge and Snooze buttons are stored, and a snoozed
creator stays silent the next morning though it collapses again."""

from __future__ import annotations

import datetime as dt
import json
import re
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
from tests.fakes.slack_requests import block_action, slash_command

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
    subscribe_c5(bot)
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
    posts = [p for p in bot.fake.posts("C5") if not p.get("thread_ts")]  # not the thread notes
    assert len(posts) == 2
    shown = json.dumps(posts[1]["blocks"])
    assert "Omar (@omar)" in shown
    assert "@mira" not in shown


def subscribe_c5(bot: SlackBot) -> None:
    """Channel C5 gets Malaysia's alerts every morning."""
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


def entries_with_buttons(post: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each entry's text and the commands its buttons run, as a user sees them in order."""
    blocks = post["blocks"]
    return [
        (text["text"]["text"], [element["value"] for element in actions["elements"]])
        for text, actions in zip(blocks, blocks[1:], strict=False)
        if actions["type"] == "actions" and text["type"] == "section"
    ]


def test_the_number_on_each_alert_is_the_one_its_buttons_take_and_a_late_notice_has_none(
    bot: SlackBot,
) -> None:
    subscribe_c5(bot)
    morning(bot, NOW)  # END's anomalies: Mira and Nadia
    [post] = bot.fake.posts("C5")
    seen = entries_with_buttons(post)
    assert len(seen) == 2
    for text, commands in seen:
        numbers = re.findall(r"(?<![\w<@])#?(\d+)\.? ", text.split("\n")[0])
        [number] = numbers  # one number on the entry's title: the alert's
        assert text.startswith(f"*#{number} ")
        assert commands == [f"alerts ack {number}", f"alerts snooze {number}"]

    # The next morning the day's data has not come: the data-late notice, with nothing to
    # press and no number to type; typing its number anyway gets a clear refusal.
    morning(bot, NOW + DAY)
    late = bot.fake.posts("C5")[1]
    shown = json.dumps(late["blocks"])
    assert "Data is late" in shown
    assert not [b for b in late["blocks"] if b["type"] == "actions"]
    assert "#" not in shown
    with bot.app.sessions() as session:
        [notice] = session.scalars(select(Alert).where(Alert.metric == "freshness"))
    url = bot.fake.response_url("ack-late")
    bot.send(slash_command("/creatorbot", f"alerts ack {notice.id}", response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) == 1)
    answer = json.dumps(bot.fake.responses(url)[0])
    assert f"#{notice.id} is the data-late notice for Malaysia, not an anomaly" in answer
    with bot.app.sessions() as session:
        assert session.get(Alert, notice.id).status == AlertStatus.OPEN  # type: ignore[union-attr]
