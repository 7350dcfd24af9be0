"""Access on Slack end to end: a person without a role, an admin granting one by mention, and a
Slack Connect channel where nothing is posted publicly."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.slack_harness import SlackBot, running_bot
from tests.fakes.slack_requests import block_action, event, slash_command


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        running.fake.add_user("U7", locale="en-US")
        running.fake.add_channel("CEXT", external=True)
        yield running


def answer(bot: SlackBot, text: str, user: str = "U1", channel: str = "C1") -> str:
    url = bot.fake.response_url(f"{user}-{time.monotonic_ns()}")
    assert (
        bot.send(
            slash_command("/creatorbot", text, user_id=user, channel_id=channel, response_url=url)
        )[0]
        == 200
    )
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1)
    return json.dumps(bot.fake.responses(url)[0], ensure_ascii=False)


def test_a_person_without_a_role_sees_no_data_until_an_admin_grants_one(bot: SlackBot) -> None:
    refused = answer(bot, "leaderboard MY", user="U7")
    assert "You don't have access to creatorbot's data yet." in refused
    assert "Amir" not in refused
    assert "is now viewer in MY" in answer(bot, "access grant <@U7|ana> viewer MY")
    assert "Amir" in answer(bot, "leaderboard MY", user="U7")
    assert "You don't have access to IT." in answer(bot, "leaderboard IT", user="U7")


@pytest.mark.parametrize("channel", ["CPENDING", "CUNDESCRIBED"])
def test_a_channel_pending_sharing_or_not_described_is_treated_as_shared(
    bot: SlackBot, channel: str
) -> None:
    """An invitation to share not yet accepted may be accepted at any moment; a channel Slack
    will not describe may be anything: no public post is risked in either."""
    bot.fake.add_channel("CPENDING", pending=True)
    bot.fake.fail("conversations.info", status=200, error="channel_not_found", times=1)
    bot.fake.add_channel("CINTERNAL")
    if channel == "CPENDING":
        answer(bot, "help", channel="CINTERNAL")  # takes the one failure: CINTERNAL is described
    refused = answer(bot, "digest subscribe snapshot MY", channel=channel)
    assert "Slack Connect" in refused
    assert "Subscribed" not in refused
    asked = [c.params.get("channel") for c in bot.fake.calls("conversations.info")]
    assert channel in asked
    assert bot.fake.posts(channel) == []


def test_a_slack_connect_channel_gets_no_public_post(bot: SlackBot) -> None:
    assert "Slack Connect" in answer(bot, "digest subscribe snapshot MY", channel="CEXT")
    url = bot.fake.response_url("share-ext")
    bot.send(block_action("cb.share.0", "leaderboard MY", channel_id="CEXT", response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1)
    assert "Slack Connect" in json.dumps(bot.fake.responses(url)[0], ensure_ascii=False)
    mention: dict[str, Any] = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> leaderboard MY",
        "channel": "CEXT",
        "ts": "1700000000.000009",
        "team": "T1",
    }
    bot.send(event(mention, event_id="Ev-ext"))
    bot.fake.wait_for(lambda: len(bot.fake.ephemerals()) >= 1)
    bot.settle()
    assert bot.fake.posts("CEXT") == []
    assert "Slack Connect" in json.dumps(bot.fake.ephemerals()[0], ensure_ascii=False)
