"""Private answers stay private on Lark: an export asked in a group (by @mention or a card
button) is sent to the asker's own chat with the bot, by open_id, never to the group, and the
group's answer says where it went; asked in the chat with the bot or from the bot menu, it
arrives there."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot import exports_world
from tests.bot.exports_world import EXPORTS, MATCH, leave_feedback
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.fakes import lark_events as le

GROUP = "oc_group"
# What the group sees, addressed to the asker (<at> is Lark's mention), in en, it, ms.
SENT_TO_YOU = {
    "en": "<at id=ou_farah></at>, I sent you the file in your chat with creatorbot.",
    "it": "<at id=ou_farah></at>, ti ho mandato il file nella tua chat con creatorbot.",
    "ms": "<at id=ou_farah></at>, saya dah hantar fail itu ke sembang anda dengan creatorbot.",
}


def lark_bot(tmp_path: Path, locale: str = "en") -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path, CREATORBOT_LOCALE=locale) as running:
        leave_feedback(running.app.router, "lark", "ou_1")
        yield running


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[LarkBot]:
    yield from lark_bot(tmp_path)


def shown(card: dict[str, Any]) -> str:
    return html.unescape(json.dumps(card, ensure_ascii=False))


def ask_in_group(bot: LarkBot, words: str, open_id: str = "ou_farah") -> dict[str, Any]:
    event = le.message_event(f"@_user_1 {words}", GROUP, mentions=[le.BOT_OPEN_ID], open_id=open_id)
    assert bot.deliver(event)[0] == 200
    return event


def the_export(bot: LarkBot, name: str, open_id: str) -> dict[str, Any]:
    """The one file message of `name`, after checking that every file went to `open_id`'s
    chat with the bot and none to the group."""
    bot.fake.wait_for(lambda: any(f["file_name"] == name for f in bot.fake.file_messages()), 15)
    bot.settle()  # a second file would have been sent by now
    assert bot.fake.file_messages(GROUP) == []
    assert {sent["chat_id"] for sent in bot.fake.file_messages()} == {bot.fake.dm(open_id)}
    (export,) = [f for f in bot.fake.file_messages() if f["file_name"] == name]
    return export


def assert_holds_the_data(export: dict[str, Any]) -> None:
    exports_world.assert_holds_the_data(export["file_name"], bytes(export["content"]))


@pytest.mark.parametrize("command", list(EXPORTS))
def test_an_export_asked_in_a_group_goes_to_the_askers_chat(bot: LarkBot, command: str) -> None:
    ask_in_group(bot, command)
    export = the_export(bot, EXPORTS[command], "ou_farah")
    assert_holds_the_data(export)
    (answer,) = bot.cards(GROUP)
    assert SENT_TO_YOU["en"] in shown(answer)


@pytest.mark.parametrize("locale", ["it", "ms"])
def test_the_group_is_told_where_the_file_went_in_its_language(tmp_path: Path, locale: str) -> None:
    for running in lark_bot(tmp_path, locale):
        ask_in_group(running, "feedback export")
        the_export(running, EXPORTS["feedback export"], "ou_farah")
        (answer,) = running.cards(GROUP)
        assert SENT_TO_YOU[locale] in shown(answer)


def test_the_export_button_in_a_group_sends_the_file_to_the_askers_chat(bot: LarkBot) -> None:
    action = le.card_action(
        {"action": "run", "value": "match beauty MY top 1 export"},
        open_id="ou_farah",
        chat_id=GROUP,
    )
    status, answer = bot.deliver(action)
    assert status == 200
    assert SENT_TO_YOU["en"] in shown(answer["card"]["data"])
    assert_holds_the_data(the_export(bot, EXPORTS[MATCH], "ou_farah"))


def test_an_open_button_that_exports_sends_the_file_to_the_askers_chat(bot: LarkBot) -> None:
    question = ask_in_group(bot, "help")
    bot.cards(GROUP)
    action = le.card_action(
        {"action": "open", "value": "feedback export xlsx"},
        open_id="ou_farah",
        chat_id=GROUP,
        message_id=question["event"]["message"]["message_id"],
    )
    assert bot.deliver(action) == (200, {})
    assert_holds_the_data(the_export(bot, EXPORTS["feedback export xlsx"], "ou_farah"))
    assert SENT_TO_YOU["en"] in shown(bot.cards(GROUP, 2)[1])


def test_the_bot_menu_sends_an_export_to_the_users_chat(bot: LarkBot) -> None:
    assert bot.deliver(le.menu_click("feedback_export", "ou_farah"))[0] == 200
    assert_holds_the_data(the_export(bot, EXPORTS["feedback export"], "ou_farah"))
    (card,) = bot.cards(bot.fake.dm("ou_farah"))
    assert "feedback-all-2026-11-24.csv" in shown(card)


def test_an_export_asked_in_the_chat_with_the_bot_arrives_there(bot: LarkBot) -> None:
    chat = bot.fake.dm("ou_farah")
    bot.deliver(le.message_event(MATCH, chat, chat_type="p2p", open_id="ou_farah"))
    assert_holds_the_data(the_export(bot, EXPORTS[MATCH], "ou_farah"))
    (card,) = bot.cards(chat)
    assert "match-beauty-MY-2026-11-23.csv" in shown(card)
    assert "I sent you the file" not in shown(card)  # it is right there
