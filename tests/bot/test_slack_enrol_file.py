"""Slack end to end: a list of creators shared in the DM with `campaign enroll SLUG` (or
answered with it in the file's thread) gets the enrolment preview, whose button enrols what it
showed; a file that is no list is answered clearly and writes nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from creatorbot.storage.models import Campaign, Creator, Enrollment
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import LIST_SPRINT, add_list_sprint
from tests.fakes.slack_requests import block_action, event

SLUG = LIST_SPRINT


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        add_list_sprint(running.app)
        yield running


def enrolled(bot: SlackBot) -> list[str]:
    with bot.app.sessions() as session:
        return list(
            session.scalars(
                select(Creator.handle)
                .join(Enrollment, Enrollment.creator_id == Creator.id)
                .join(Campaign, Campaign.id == Enrollment.campaign_id)
                .where(Campaign.slug == SLUG)
                .order_by(Creator.handle)
            )
        )


def share(bot: SlackBot, name: str, content: bytes, text: str, user: str = "U1") -> str:
    """`user` shares a file in their DM with the bot, with `text`; the message's ts."""
    channel = bot.fake.dm(user)
    shared = bot.fake.add_file(user, name, content, channel=channel)
    ts = f"{time.time():.6f}"
    message = {
        "type": "message",
        "subtype": "file_share",
        "channel_type": "im",
        "user": user,
        "text": text,
        "files": [shared],
        "channel": channel,
        "ts": ts,
        "team": "T1",
    }
    bot.fake.add_message(user, channel, ts, text, [shared])
    assert bot.send(event(message, event_id=f"Ev-{ts}"))[0] == 200
    return ts


def posted(bot: SlackBot, count: int, user: str = "U1") -> dict[str, Any]:
    dm = bot.fake.dm(user)
    bot.fake.wait_for(lambda: len(bot.fake.posts(dm)) >= count, timeout=15)
    bot.settle()
    return bot.fake.posts(dm)[count - 1]


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or message.get("text"), ensure_ascii=False)


def enrol_button(message: dict[str, Any]) -> dict[str, Any]:
    (found,) = [
        e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"].startswith("Enrol")
    ]
    return found


def press(bot: SlackBot, pressed: dict[str, Any], user: str = "U1") -> dict[str, Any]:
    url = bot.fake.response_url(f"enrol-{time.time()}")
    body = block_action(
        pressed["action_id"],
        pressed["value"],
        user_id=user,
        channel_id=bot.fake.dm(user),
        response_url=url,
    )
    assert bot.send(body)[0] == 200
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1, timeout=15)
    return bot.fake.responses(url)[0]


def test_a_list_shared_with_the_command_is_previewed_then_enrolled(bot: SlackBot) -> None:
    share(bot, "list.csv", b"handle\n@Amir\nbella\nAMIR\nnobody99\n", f"campaign enroll {SLUG}")
    preview = posted(bot, 1)
    shown = text_of(preview)
    assert "Enrol in List Sprint: preview" in shown
    assert "@amir" in shown and "@bella" in shown and "@nobody99" in shown
    assert "1 repeated handle counted once" in shown
    assert enrolled(bot) == []  # a preview writes nothing
    done = press(bot, enrol_button(preview))
    assert "Enrolled 2 creators in List Sprint" in text_of(done)
    assert enrolled(bot) == ["amir", "bella"]


def test_a_list_answered_in_its_thread_with_the_command(bot: SlackBot) -> None:
    user, channel = "U1", bot.fake.dm("U1")
    shared = bot.fake.add_file(user, "people.txt", b"amir\n", channel=channel)
    parent = f"{time.time():.6f}"
    bot.fake.add_message(user, channel, parent, "", [shared])
    ts = f"{time.time() + 1:.6f}"
    answer = {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": f"campaign enroll {SLUG}",
        "channel": channel,
        "ts": ts,
        "thread_ts": parent,
        "team": "T1",
    }
    assert bot.send(event(answer, event_id=f"Ev-{ts}"))[0] == 200
    preview = posted(bot, 1)
    assert "Read 1 handle from “people.txt”" in text_of(preview)
    press(bot, enrol_button(preview))
    assert enrolled(bot) == ["amir"]


def test_a_binary_file_is_answered_and_writes_nothing(bot: SlackBot) -> None:
    share(bot, "list.csv", bytes(range(256)) * 40, f"campaign enroll {SLUG}")
    reply = posted(bot, 1)
    assert "couldn't read “list.csv” as a list" in text_of(reply)
    assert '"actions"' not in text_of(reply)
    assert enrolled(bot) == []
