"""Private answers stay private on Slack: an export (match … export, feedback export csv|xlsx)
goes only to the person who asked, in their direct messages with creatorbot, and the answer says
where it is; no channel's file list ever holds one, Slack Connect or not."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot import exports_world
from tests.bot.exports_world import EXPORTS, MATCH, leave_feedback
from tests.bot.slack_harness import SlackBot, running_bot
from tests.fakes.slack_requests import block_action, event, slash_command

# Where the file went, as the private answer says it (en, it, ms).
IN_YOUR_CHAT = {
    "U1": "The file is in your chat with creatorbot.",
    "U2": "Il file è nella tua chat con creatorbot.",
    "U0LEAD": "Fail itu ada dalam sembang anda dengan creatorbot.",
}


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        running.fake.add_user("U0LEAD", locale="ms-MY", real_name="Siti Aminah")
        running.fake.add_channel("CEXT", external=True)
        leave_feedback(running.app.router, "slack", "U1")
        yield running


def shown(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def answer_at(bot: SlackBot, url: str) -> dict[str, Any]:
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1, timeout=15)
    bot.settle()  # a second answer would have been sent by now
    (answer,) = bot.fake.responses(url)
    return answer


def slash(bot: SlackBot, text: str, *, user: str = "U1", channel: str = "C1") -> dict[str, Any]:
    url = bot.fake.response_url(f"{user}-{time.monotonic_ns()}")
    body = slash_command("/creatorbot", text, user_id=user, channel_id=channel, response_url=url)
    assert bot.send(body)[0] == 200
    return answer_at(bot, url)


def the_export(bot: SlackBot, name: str, user: str) -> dict[str, Any]:
    """The one upload of `name`, after checking that it sits in the asker's DM and nowhere
    else, and that no file at all is in any channel's list."""
    dm = bot.fake.dm(user)
    for upload in bot.fake.uploads():
        assert set(upload["shared"]) <= {dm}, upload["shared"]  # charts are shared nowhere
    (export,) = [u for u in bot.fake.uploads() if u["filename"] == name]
    assert export["shared"] == [dm]
    return export


def assert_holds_the_data(export: dict[str, Any]) -> None:
    exports_world.assert_holds_the_data(export["filename"], bytes(export["content"]))


def assert_linked(blocks: list[dict[str, Any]], export: dict[str, Any]) -> None:
    assert f"<{export['permalink']}|{export['filename']}>" in shown(blocks)


@pytest.mark.parametrize("channel", ["C1", "CEXT"])
@pytest.mark.parametrize("command", list(EXPORTS))
def test_a_slash_command_export_goes_to_the_askers_dm_only(
    bot: SlackBot, command: str, channel: str
) -> None:
    answer = slash(bot, command, channel=channel)
    assert answer["response_type"] == "ephemeral"
    export = the_export(bot, EXPORTS[command], "U1")
    assert_holds_the_data(export)
    assert IN_YOUR_CHAT["U1"] in shown(answer["blocks"])
    assert_linked(answer["blocks"], export)
    assert bot.fake.files_in(channel) == []
    assert bot.fake.posts(channel) == []


@pytest.mark.parametrize("user", list(IN_YOUR_CHAT))
def test_the_answer_says_where_the_file_is_in_the_askers_language(bot: SlackBot, user: str) -> None:
    answer = slash(bot, "feedback export", user=user)
    assert IN_YOUR_CHAT[user] in shown(answer["blocks"])
    assert_linked(answer["blocks"], the_export(bot, EXPORTS["feedback export"], user))


def test_the_export_button_sends_the_file_to_the_askers_dm(bot: SlackBot) -> None:
    listed = slash(bot, "match beauty MY top 1", channel="CEXT")
    (button,) = [
        element
        for block in listed["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["value"].endswith(" export")
    ]
    url = bot.fake.response_url("export-button")
    click = block_action(button["action_id"], button["value"], channel_id="CEXT", response_url=url)
    bot.send(click)
    answer = answer_at(bot, url)
    assert answer["replace_original"] is True
    export = the_export(bot, EXPORTS[MATCH], "U1")
    assert_holds_the_data(export)
    assert_linked(answer["blocks"], export)
    assert IN_YOUR_CHAT["U1"] in shown(answer["blocks"])
    assert bot.fake.files_in("CEXT") == []


def test_sharing_an_export_answer_shares_the_message_but_not_the_file(bot: SlackBot) -> None:
    url = bot.fake.response_url("share-export")
    bot.send(block_action("cb.share.0", MATCH, channel_id="C5", response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.posts("C5")) == 1)
    bot.fake.wait_for(lambda: any(r.get("delete_original") for r in bot.fake.responses(url)))
    posted = shown(bot.fake.posts("C5")[0]["blocks"])
    assert "match-beauty-MY-2026-11-23.csv" in posted
    assert "The file is not shared in the channel: only the person who asked gets it." in posted
    assert [u for u in bot.fake.uploads() if u["filename"] in EXPORTS.values()] == []


def test_an_export_asked_by_mention_in_a_channel_goes_to_the_askers_dm(bot: SlackBot) -> None:
    mention = {
        "type": "app_mention",
        "user": "U2",
        "text": f"<@UBOT> {MATCH}",
        "channel": "C9",
        "ts": "1700000000.000042",
        "team": "T1",
    }
    bot.send(event(mention, event_id="Ev-export"))
    bot.fake.wait_for(lambda: len(bot.fake.posts("C9")) == 1, timeout=15)
    (posted,) = bot.fake.posts("C9")
    assert posted["thread_ts"] == "1700000000.000042"
    # Said in the thread, in the asker's language, to the asker; the DM link is theirs alone.
    assert "<@U2>, ti ho mandato il file nella tua chat con creatorbot." in shown(posted["blocks"])
    export = the_export(bot, EXPORTS[MATCH], "U2")
    assert_holds_the_data(export)
    assert export["permalink"] not in shown(posted["blocks"])
    assert bot.fake.files_in("C9") == []


def test_an_export_asked_in_the_dm_arrives_there(bot: SlackBot) -> None:
    dm = bot.fake.dm("U1")
    message = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": "feedback export xlsx",
        "channel": dm,
        "ts": "1700000001.000001",
    }
    bot.send(event(message, event_id="Ev-dm-export"))
    bot.fake.wait_for(lambda: len(bot.fake.posts(dm)) == 1, timeout=15)
    export = the_export(bot, EXPORTS["feedback export xlsx"], "U1")
    assert_holds_the_data(export)
    assert_linked(bot.fake.posts(dm)[0]["blocks"], export)


def test_an_export_run_from_the_app_home_goes_to_the_askers_dm(bot: SlackBot) -> None:
    home = {"id": "VHOME", "type": "home", "blocks": []}
    bot.send(block_action("cb.run.0", MATCH, view=home))
    # The modal opens at once (a trigger lasts 3 seconds) and is filled in with the answer.
    bot.fake.wait_for(lambda: len(bot.fake.views("views.update")) == 1, timeout=15)
    blocks = bot.fake.views("views.update")[0]["view"]["blocks"]
    assert IN_YOUR_CHAT["U1"] in shown(blocks)
    bot.fake.wait_for(lambda: len(bot.fake.files_in(bot.fake.dm("U1"))) == 1)
    assert_holds_the_data(the_export(bot, EXPORTS[MATCH], "U1"))
