"""Slack end to end: in the DM, a list file and `campaign enroll SLUG` sent as two messages, in
either order, within 10 minutes make the enrolment preview, as on Lark; of two files the latest
is taken (the preview says so); an older file is not, and a command no longer waits."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.test_lark_enrol_later import ASKED, PREVIEW, Clock
from tests.bot.test_slack_enrol_file import SLUG, enrol_button, enrolled, press, share, text_of
from tests.bot.world import add_list_sprint
from tests.fakes.slack_requests import event
from tests.jobs.inbox_world import database_url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(tmp_path: Path, clock: Clock, engine: Engine) -> Iterator[SlackBot]:
    """The bot on SQLite, then on PostgreSQL."""
    with running_bot(tmp_path, clock=clock, database_url=database_url(engine)) as running:
        add_list_sprint(running.app)
        yield running


def send_file(bot: SlackBot, name: str, content: bytes) -> None:
    """U1 shares a file in their DM with the bot, saying nothing."""
    share(bot, name, content, "")
    bot.settle()


def say(bot: SlackBot, text: str) -> dict[str, Any]:
    """U1 writes `text` in the DM (not in a thread); what the bot posts in answer."""
    channel = bot.fake.dm("U1")
    before = len(bot.fake.posts(channel))
    ts = f"{time.time():.6f}"
    message = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": text,
        "channel": channel,
        "ts": ts,
        "team": "T1",
    }
    bot.fake.add_message("U1", channel, ts, text, [])
    assert bot.send(event(message, event_id=f"Ev-{ts}"))[0] == 200
    bot.fake.wait_for(lambda: len(bot.fake.posts(channel)) > before, timeout=15)
    bot.settle()
    return bot.fake.posts(channel)[-1]


def last_post(bot: SlackBot) -> dict[str, Any]:
    return bot.fake.posts(bot.fake.dm("U1"))[-1]


def test_the_latest_file_then_the_command(bot: SlackBot, clock: Clock) -> None:
    send_file(bot, "first.csv", b"handle\namir\n")
    send_file(bot, "second.csv", b"handle\nbella\n")
    clock.wait(9, 59)
    preview = say(bot, f"campaign enroll {SLUG}")
    shown = text_of(preview)
    assert PREVIEW in shown and "@bella" in shown and "@amir" not in shown
    assert "You sent 2 files here in the last 10 minutes: I read the latest, “second.csv”." in shown
    press(bot, enrol_button(preview))
    assert enrolled(bot) == ["bella"]


def test_the_command_then_the_file(bot: SlackBot, clock: Clock) -> None:
    assert ASKED in text_of(say(bot, f"campaign enroll {SLUG}"))
    clock.wait(9, 59)
    send_file(bot, "list.csv", b"handle\namir\n")
    preview = last_post(bot)
    assert PREVIEW in text_of(preview) and "@amir" in text_of(preview)
    press(bot, enrol_button(preview))
    assert enrolled(bot) == ["amir"]
    send_file(bot, "next.csv", b"handle\nbella\n")  # the command took one file only
    assert PREVIEW not in text_of(last_post(bot))


def test_nothing_older_than_10_minutes_is_paired(bot: SlackBot, clock: Clock) -> None:
    send_file(bot, "old.csv", b"handle\namir\n")
    clock.wait(10, 1)
    assert ASKED in text_of(say(bot, f"campaign enroll {SLUG}"))
    clock.wait(10, 1)
    send_file(bot, "late.csv", b"handle\nbella\n")
    assert PREVIEW not in text_of(last_post(bot))
    assert enrolled(bot) == []
