"""Lark end to end: a list file and `campaign enroll SLUG` sent as two plain messages, in either
order, within 10 minutes in one chat by one person make the enrolment preview; the file of
someone else, of another chat, or from longer ago is never taken, and of two files the latest
is (the preview says so)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.bot.test_lark_enrol_file import SLUG, behaviours, enrolled, shown
from tests.bot.world import NOW, add_list_sprint
from tests.fakes import lark_events as le
from tests.fakes.lark_api import RESOURCE
from tests.jobs.inbox_world import database_url

LEAD = "ou_farah"  # one of the team: an admin of every market
OTHER = "ou_stranger"  # in the group, no role
DM = "oc_dm_farah"
GROUP = "oc_group_ops"
ASKED = "Send me the list of creators to enrol in List Sprint (CSV, XLSX or TXT) within 10 minutes"
PREVIEW = "Enrol in List Sprint: preview"


class Clock:
    """The bot's time, moved on by the test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now

    def wait(self, minutes: int, seconds: int = 0) -> None:
        self.now += dt.timedelta(minutes=minutes, seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(tmp_path: Path, clock: Clock, engine: Engine) -> Iterator[LarkBot]:
    """The bot on SQLite, then on PostgreSQL."""
    with running_lark_bot(tmp_path, clock=clock, database_url=database_url(engine)) as running:
        add_list_sprint(running.app)
        yield running


def send_file(bot: LarkBot, name: str, content: bytes, user: str = LEAD, chat: str = DM) -> None:
    """`user` sends a file in `chat` (their private chat with the bot, or a group)."""
    kind = "p2p" if chat == DM else "group"
    body = le.message_event("", chat, chat_type=kind, open_id=user)
    message = body["event"]["message"]
    file_key = f"file_v3_{secrets.token_hex(6)}"
    message["message_type"] = "file"
    message["content"] = json.dumps({"file_key": file_key, "file_name": name})
    bot.fake.add_resource(message["message_id"], file_key, content)
    assert bot.deliver(body)[0] == 200
    bot.settle()


def say(bot: LarkBot, text: str, user: str = LEAD, chat: str = DM) -> dict[str, Any]:
    """`text` sent as a plain message (in a group, @mentioning the bot); the card answering."""
    before = len(bot.fake.cards(chat))
    if chat == DM:
        body = le.message_event(text, DM, chat_type="p2p", open_id=user)
    else:
        body = le.message_event(f"@_user_1 {text}", chat, mentions=[le.BOT_OPEN_ID], open_id=user)
    assert bot.deliver(body)[0] == 200
    return bot.cards(chat, before + 1)[-1]


def newest(bot: LarkBot, chat: str, before: int) -> list[dict[str, Any]]:
    """The cards sent in `chat` since it held `before`, once the bot is done."""
    bot.settle()
    return bot.fake.cards(chat)[before:]


def test_the_file_then_the_command_within_10_minutes(bot: LarkBot, clock: Clock) -> None:
    send_file(bot, "list.csv", b"handle\n@amir\nBELLA\nnobody99\n")
    clock.wait(9, 59)
    preview = say(bot, f"campaign enroll {SLUG}")
    text = shown(preview)
    assert PREVIEW in text
    assert "@amir" in text and "@bella" in text and "@nobody99" in text
    assert "I read the latest" not in text  # one file: nothing to say about choosing
    assert enrolled(bot) == []
    (confirm,) = [b for b in behaviours(preview, "run") if "confirm" in b["value"]]
    _, done = bot.deliver(le.card_action(confirm, open_id=LEAD, chat_id=DM))
    assert "Enrolled 2 creators" in shown(done)
    assert enrolled(bot) == ["amir", "bella"]


def test_the_command_then_the_file(bot: LarkBot, clock: Clock) -> None:
    asked = shown(say(bot, f"campaign enroll {SLUG}"))
    assert ASKED in asked
    assert "Name the creators" in asked  # typing them stays the other way
    clock.wait(9, 59)
    before = len(bot.fake.cards(DM))
    send_file(bot, "list.xlsx.csv", b"handle\namir\n")
    (preview,) = newest(bot, DM, before)
    assert PREVIEW in shown(preview) and "@amir" in shown(preview)
    (confirm,) = [b for b in behaviours(preview, "run") if "confirm" in b["value"]]
    bot.deliver(le.card_action(confirm, open_id=LEAD, chat_id=DM))
    assert enrolled(bot) == ["amir"]
    # The command took one file: the next is a file like any other (its import preview).
    before = len(bot.fake.cards(DM))
    send_file(bot, "next.csv", b"handle\nbella\n")
    (card,) = newest(bot, DM, before)
    assert PREVIEW not in shown(card)


def test_the_latest_of_two_files_is_taken_and_the_preview_says_so(bot: LarkBot) -> None:
    send_file(bot, "first.csv", b"handle\namir\n")
    send_file(bot, "second.csv", b"handle\nbella\n")
    text = shown(say(bot, f"campaign enroll {SLUG}"))
    assert "@bella" in text and "@amir" not in text
    assert "You sent 2 files here in the last 10 minutes: I read the latest, “second.csv”." in text


def test_a_file_older_than_10_minutes_is_not_taken(bot: LarkBot, clock: Clock) -> None:
    send_file(bot, "old.csv", b"handle\namir\n")
    downloads = len(bot.fake.calls(RESOURCE))
    clock.wait(10, 1)
    assert ASKED in shown(say(bot, f"campaign enroll {SLUG}"))
    assert len(bot.fake.calls(RESOURCE)) == downloads  # the old file was not even fetched
    clock.wait(10, 1)  # and the command no longer waits either
    before = len(bot.fake.cards(DM))
    send_file(bot, "late.csv", b"handle\nbella\n")
    (card,) = newest(bot, DM, before)
    assert PREVIEW not in shown(card)
    assert enrolled(bot) == []


def test_another_users_file_is_never_taken(bot: LarkBot) -> None:
    send_file(bot, "theirs.csv", b"handle\namir\n", user=OTHER, chat=GROUP)
    assert newest(bot, GROUP, 0) == []  # a file in a group gets no preview of its own
    assert ASKED in shown(say(bot, f"campaign enroll {SLUG}", chat=GROUP))
    before = len(bot.fake.cards(GROUP))
    send_file(bot, "theirs-again.csv", b"handle\namir\n", user=OTHER, chat=GROUP)
    assert newest(bot, GROUP, before) == []  # not the asker's: the command still waits
    send_file(bot, "mine.csv", b"handle\nbella\n", chat=GROUP)
    (preview,) = newest(bot, GROUP, before)
    assert PREVIEW in shown(preview)
    assert "@bella" in shown(preview) and "@amir" not in shown(preview)


def test_a_file_in_another_chat_is_never_taken(bot: LarkBot) -> None:
    send_file(bot, "in-the-group.csv", b"handle\namir\n", chat=GROUP)
    assert ASKED in shown(say(bot, f"campaign enroll {SLUG}"))  # asked in the private chat
    before_dm = len(bot.fake.cards(DM))
    send_file(bot, "group-again.csv", b"handle\namir\n", chat=GROUP)
    assert newest(bot, GROUP, 0) == [] and newest(bot, DM, before_dm) == []
    send_file(bot, "here.csv", b"handle\nbella\n")
    (preview,) = newest(bot, DM, before_dm)
    assert PREVIEW in shown(preview) and "@bella" in shown(preview)
    assert "@amir" not in shown(preview)


def test_a_file_that_is_no_list_is_answered_and_writes_nothing(bot: LarkBot) -> None:
    send_file(bot, "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    card = say(bot, f"campaign enroll {SLUG}")
    assert "“photo.png” is none" in shown(card)
    assert not behaviours(card, "run")
    send_file(bot, "figures.csv", b"date,gmv\n2026-11-20,5\n")
    card = say(bot, f"campaign enroll {SLUG}")
    assert "which column of “figures.csv” holds the handles" in shown(card)
    assert not behaviours(card, "run")
    assert enrolled(bot) == []


def test_a_command_that_cannot_enrol_waits_for_nothing(bot: LarkBot) -> None:
    card = shown(say(bot, "campaign enroll no-such-campaign"))
    assert ASKED.split(" List")[0] not in card
    before = len(bot.fake.cards(DM))
    send_file(bot, "list.csv", b"handle\namir\n")
    (answer,) = newest(bot, DM, before)
    assert PREVIEW not in shown(answer)
