"""Lark end to end: a list of creators sent in the private chat and answered (Lark's reply) with
`campaign enroll SLUG` gets the enrolment preview card, whose button enrols what it showed; an
answer to someone else's file, or to no file, is not read as one."""

from __future__ import annotations

import html
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from creatorbot.storage.models import Campaign, Creator, Enrollment
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.bot.world import LIST_SPRINT, add_list_sprint
from tests.fakes import lark_events as le
from tests.fakes.lark_api import RESOURCE

LEAD = "ou_farah"  # one of the team: an admin of every market
DM = "oc_dm_farah"
SLUG = LIST_SPRINT


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path) as running:
        add_list_sprint(running.app)
        yield running


def shown(card: dict[str, Any]) -> str:
    return html.unescape(json.dumps(card, ensure_ascii=False))


def behaviours(node: Any, action: str) -> list[dict[str, Any]]:
    """Every callback value on a card whose action is `action`."""
    if isinstance(node, list):
        return [found for item in node for found in behaviours(item, action)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("action") == action and "value" in node else []
    return own + [found for value in node.values() for found in behaviours(value, action)]


def send_file(bot: LarkBot, name: str, content: bytes, user: str = LEAD) -> str:
    """`user` sends a file in their private chat with the bot; the message id."""
    body = le.message_event("", DM, chat_type="p2p", open_id=user)
    message = body["event"]["message"]
    file_key = f"file_v3_{secrets.token_hex(6)}"
    message["message_type"] = "file"
    message["content"] = json.dumps({"file_key": file_key, "file_name": name})
    bot.fake.add_resource(message["message_id"], file_key, content)
    assert bot.deliver(body)[0] == 200
    return str(message["message_id"])


def answer(bot: LarkBot, parent: str, text: str, user: str = LEAD) -> dict[str, Any]:
    """`text` sent as a reply to the message `parent`; the card answering it."""
    before = len(bot.fake.cards(DM))
    body = le.message_event(text, DM, chat_type="p2p", open_id=user, parent_id=parent)
    assert bot.deliver(body)[0] == 200
    return bot.cards(DM, before + 1)[-1]


def enrolled(bot: LarkBot) -> list[str]:
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


def test_a_list_answered_with_the_command_is_previewed_then_enrolled(bot: LarkBot) -> None:
    sent = send_file(bot, "list.csv", b"Nama pengguna\n@amir\nBELLA\nbella\nnobody99\n")
    bot.cards(DM)  # the file's own answer: it is no import
    preview = answer(bot, sent, f"campaign enroll {SLUG}")
    text = shown(preview)
    assert "Enrol in List Sprint: preview" in text
    assert "@amir" in text and "@bella" in text and "@nobody99" in text
    assert enrolled(bot) == []
    assert len(bot.fake.calls(RESOURCE)) == 2  # once for the import, once for the list
    (confirm,) = [b for b in behaviours(preview, "run") if "confirm" in b["value"]]
    _, done = bot.deliver(le.card_action(confirm, open_id=LEAD, chat_id=DM))
    assert "Enrolled 2 creators" in shown(done)
    assert enrolled(bot) == ["amir", "bella"]


def test_a_hostile_list_is_answered_and_writes_nothing(bot: LarkBot) -> None:
    sent = send_file(bot, "list.txt", b'handle\namir\n=HYPERLINK("http://x")\n')
    bot.cards(DM)
    card = answer(bot, sent, f"campaign enroll {SLUG}")
    assert "not a handle" in shown(card) and "on row 3:" in shown(card)
    assert not behaviours(card, "run")
    assert enrolled(bot) == []


def test_an_answer_to_no_file_is_the_command_itself(bot: LarkBot) -> None:
    first = le.message_event("help", DM, chat_type="p2p", open_id=LEAD)
    bot.deliver(first)
    bot.cards(DM)
    parent = str(first["event"]["message"]["message_id"])
    reply = shown(answer(bot, parent, f"campaign enroll {SLUG}"))
    assert "Name the creators" in reply
    assert enrolled(bot) == []
