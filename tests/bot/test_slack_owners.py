"""Alerts that reach their owner on Slack: owners found by email, each owner's own creators by
DM from their own floor, and an acknowledgement shown in place everywhere the alert was posted,
with a note in each thread."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from creatorbot.storage.models import SubscriptionKind
from creatorbot.storage.subscriptions import subscribe
from tests.bot.owners_world import FARAH, MARCO, NOBODY, seed_owned_creators
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import NOW, job_runner
from tests.fakes.slack_requests import block_action, slash_command

MINUTE = dt.timedelta(minutes=1)
FARAH_DM, MARCO_DM = "DU1", "DU2"  # the fake's DM channels of U1 and U2 with the app


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:  # no CREATORBOT_STAFF: owners are found by email
        seed_owned_creators(running.app.sessions)
        yield running


def team_channel(bot: SlackBot, at: str = "09:00") -> None:
    """C5 gets Malaysia's alerts every morning, from the team's floor."""
    with bot.app.sessions.begin() as session:
        subscribe(
            platform="slack",
            workspace="T1",
            channel="C5",
            kind=SubscriptionKind.ALERTS,
            market="MY",
            at_time=at,
            locale="en",
            created_by="U1",
            now=NOW - dt.timedelta(days=1),
            session=session,
        )


def say(bot: SlackBot, user: str, text: str) -> str:
    """A slash command typed by `user`; the answer as they see it."""
    url = bot.fake.response_url(user)
    bot.send(slash_command("/creatorbot", text, user_id=user, channel_id="C1", response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) == 1)
    return json.dumps(bot.fake.responses(url)[0], ensure_ascii=False)


def tick(bot: SlackBot, at: dt.datetime) -> None:
    job_runner(bot.app, bot.running.posters()).tick(at)


def top(bot: SlackBot, channel: str) -> list[dict[str, Any]]:
    """The channel's messages as seen now, thread replies left out."""
    return [m for m in bot.fake.shown(channel) if not m.get("thread_ts")]


def thread(bot: SlackBot, channel: str, ts: str) -> list[str]:
    return [m["text"] for m in bot.fake.shown(channel) if m.get("thread_ts") == ts]


def entries(message: dict[str, Any]) -> dict[str, list[str]]:
    """Each entry's creator (by handle) and what follows it: its buttons' commands, or the
    line that replaced them."""
    found: dict[str, list[str]] = {}
    blocks = message["blocks"]
    for block, after in zip(blocks, blocks[1:], strict=False):
        text = (block.get("text") or {}).get("text", "")
        if block["type"] != "section" or "(@" not in text:
            continue
        handle = text.split("(@", 1)[1].split(")", 1)[0]
        if after["type"] == "actions":
            found[handle] = [e["value"] for e in after["elements"]]
        else:
            found[handle] = [e.get("text", "") for e in after.get("elements", [])]
    return found


def click(bot: SlackBot, user: str, channel: str, value: str) -> None:
    """`user` presses the button that runs `value` on the channel's alert message."""
    [message] = top(bot, channel)
    [action_id] = [
        element["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["value"] == value
    ]
    url = bot.fake.response_url("click")
    body = block_action(action_id, value, user_id=user, channel_id=channel, response_url=url)
    bot.send(body)
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) == 1)


def test_each_owner_gets_their_own_creators_by_dm_and_an_ack_shows_everywhere(
    bot: SlackBot,
) -> None:
    team_channel(bot)
    # Subscribed at 09:30 Kuala Lumpur time (NOW): their first DM is at 09:45 (NOW + 15').
    answer = say(bot, "U1", "digest subscribe alerts me MY at 09:45 at least 5 orders a day")
    assert "Subscribed you to the anomaly alerts" in answer
    assert "from 5 orders and RM83.33 on a usual day" in answer
    # Marco reads Slack in Italian
    assert "Ti ho iscritto" in say(bot, "U2", "digest subscribe alerts me MY at 09:45")
    tick(bot, NOW + 20 * MINUTE)

    # The team channel: the big sellers, each with their owner mentioned (found by email).
    [channel] = top(bot, "C5")
    seen = entries(channel)
    assert set(seen) == {"mira", "nadia"}  # Kecil is below the team's 30 orders a day
    shown = json.dumps(channel["blocks"])
    assert "<@U1>" in shown and "<@U2>" in shown and f"@{NOBODY}" not in shown
    # Farah's DM: her creators only, Kecil too (her floor is 5 orders a day); Marco's: Nadia.
    [farah] = top(bot, FARAH_DM)
    assert set(entries(farah)) == {"mira", "kecil"}
    [marco] = top(bot, MARCO_DM)
    assert set(entries(marco)) == {"nadia"}
    # Each owner of a creator with an alert was asked of Slack once: the answers are kept.
    asked = [c.params["email"] for c in bot.fake.calls("users.lookupByEmail")]
    assert sorted(asked) == [FARAH, MARCO]

    # Marco acknowledges Mira (Farah's creator) in the channel: the channel's message and
    # Farah's DM both show it handled, their buttons gone, and each thread says so.
    mira_ack = seen["mira"][0]
    assert mira_ack.startswith("alerts ack ")
    click(bot, "U2", "C5", mira_ack)
    tick(bot, NOW + 21 * MINUTE)
    [channel] = top(bot, "C5")
    now_seen = entries(channel)
    assert now_seen["mira"] == ["✅ Acknowledged by <@U2> on 24 Nov 2026 at 09:30."]
    assert now_seen["nadia"] == seen["nadia"]  # untouched, still actionable
    assert thread(bot, "C5", channel["ts"]) == [
        f"#{mira_ack.split()[-1]} · ✅ Acknowledged by <@U2> on 24 Nov 2026 at 09:30."
    ]
    [farah] = top(bot, FARAH_DM)
    assert entries(farah)["mira"] == ["✅ Acknowledged by <@U2> on 24 Nov 2026 at 09:30."]
    assert entries(farah)["kecil"][0].startswith("alerts ack ")
    assert len(thread(bot, FARAH_DM, farah["ts"])) == 1

    # Marco snoozes Nadia from his DM: the channel shows her handled too.
    nadia_snooze = entries(top(bot, MARCO_DM)[0])["nadia"][1]
    assert nadia_snooze.startswith("alerts snooze ")
    click(bot, "U2", MARCO_DM, nadia_snooze)
    tick(bot, NOW + 22 * MINUTE)
    [channel] = top(bot, "C5")
    assert entries(channel)["nadia"] == [
        "💤 Snoozed until 1 Dec 2026 by <@U2> on 24 Nov 2026 at 09:30."
    ]
    assert len(thread(bot, "C5", channel["ts"])) == 2
    assert "actions" not in {b["type"] for b in channel["blocks"]}  # nothing left to press

    # Farah acknowledges Kecil in her DM: only her DM carries Kecil.
    click(bot, "U1", FARAH_DM, entries(top(bot, FARAH_DM)[0])["kecil"][0])
    tick(bot, NOW + 23 * MINUTE)
    [farah] = top(bot, FARAH_DM)
    assert entries(farah)["kecil"] == ["✅ Acknowledged by <@U1> on 24 Nov 2026 at 09:30."]
    assert len(thread(bot, "C5", channel["ts"])) == 2


def test_a_failed_lookup_never_stops_the_post_and_is_asked_again(bot: SlackBot) -> None:
    team_channel(bot)
    bot.fake.fail("users.lookupByEmail", status=500, times=100)
    tick(bot, NOW)
    [channel] = top(bot, "C5")
    shown = json.dumps(channel["blocks"])
    assert f"@{FARAH}" in shown and "<@U1>" not in shown  # named, not mentioned
    bot.fake.clear_faults()
    url = bot.fake.response_url("again")
    bot.send(slash_command("/creatorbot", "alerts MY", user_id="U1", response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) == 1)
    assert "<@U1>" in json.dumps(bot.fake.responses(url)[0])  # a failure is not remembered


def test_the_staff_list_overrides_the_lookup(tmp_path: Path) -> None:
    with running_bot(tmp_path, CREATORBOT_STAFF={FARAH: "U9"}) as bot:
        seed_owned_creators(bot.app.sessions)
        team_channel(bot)
        tick(bot, NOW)
        [channel] = top(bot, "C5")
        shown = json.dumps(channel["blocks"])
        assert "<@U9>" in shown and "<@U2>" in shown
        asked = {c.params["email"] for c in bot.fake.calls("users.lookupByEmail")}
        assert FARAH not in asked


def test_an_alert_the_owner_handled_in_their_dm_is_posted_to_the_channel_as_handled(
    bot: SlackBot,
) -> None:
    """Farah's DM comes at 09:35, the channel's post at 09:50: she acknowledges Mira in
    between, and the channel's post shows Mira handled, without buttons."""
    team_channel(bot, at="09:50")
    say(bot, "U1", "digest subscribe alerts me MY at 09:35")
    tick(bot, NOW + 6 * MINUTE)
    assert top(bot, "C5") == []
    [farah] = top(bot, FARAH_DM)
    click(bot, "U1", FARAH_DM, entries(farah)["mira"][0])
    tick(bot, NOW + 21 * MINUTE)
    [channel] = top(bot, "C5")
    seen = entries(channel)
    assert seen["mira"] == ["✅ Acknowledged by <@U1> on 24 Nov 2026 at 09:30."]
    assert seen["nadia"][0].startswith("alerts ack ")


def test_a_message_slack_failed_to_update_is_updated_on_a_later_tick(bot: SlackBot) -> None:
    team_channel(bot)
    tick(bot, NOW + 20 * MINUTE)
    [channel] = top(bot, "C5")
    ack = entries(channel)["mira"][0]
    bot.fake.fail("chat.update", status=200, error="internal_error")
    click(bot, "U2", "C5", ack)
    tick(bot, NOW + 21 * MINUTE)  # Slack fails the update: the buttons are still there
    assert entries(top(bot, "C5")[0])["mira"] == [ack, ack.replace("ack", "snooze")]
    tick(bot, NOW + 22 * MINUTE)  # tried again a minute later
    [channel] = top(bot, "C5")
    assert entries(channel)["mira"] == ["✅ Acknowledged by <@U2> on 24 Nov 2026 at 09:30."]
    assert len(thread(bot, "C5", channel["ts"])) == 1  # noted once


def test_a_message_that_cannot_be_updated_is_tried_a_few_times_then_left(bot: SlackBot) -> None:
    team_channel(bot)
    tick(bot, NOW + 20 * MINUTE)
    ack = entries(top(bot, "C5")[0])["mira"][0]
    bot.fake.fail("chat.update", status=200, error="internal_error", times=1000)
    click(bot, "U2", "C5", ack)
    for minutes in range(21, 24 * 60, 5):
        tick(bot, NOW + minutes * MINUTE)
    tries = len(bot.fake.calls("chat.update"))
    assert 3 <= tries <= 6  # backed off, then given up: not once a tick all day
    assert entries(top(bot, "C5")[0])["mira"][0] == ack
