"""Alerts that reach their owner on Lark: owners found by email (contact batch_get_id), their
own creators by DM from their own floor, and an acknowledgement patched into every card that
carries the alert, with a reply in each card's thread."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from creatorbot.storage.models import SubscriptionKind
from creatorbot.storage.subscriptions import subscribe
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.bot.owners_world import FARAH, MARCO, seed_owned_creators
from tests.bot.world import NOW, job_runner
from tests.fakes import lark_events as le
from tests.fakes.lark_api import TENANT_KEY, FakeLark

MINUTE = dt.timedelta(minutes=1)
TEAM_CHAT = "oc_team"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path) as running:
        running.fake.add_person("ou_farah", FARAH)
        running.fake.add_person("ou_marco", MARCO)
        seed_owned_creators(running.app.sessions)
        with running.app.sessions.begin() as session:
            subscribe(
                platform="lark",
                workspace=TENANT_KEY,
                channel=TEAM_CHAT,
                kind=SubscriptionKind.ALERTS,
                market="MY",
                at_time="09:00",
                locale="en",
                created_by="ou_farah",
                now=NOW - dt.timedelta(days=1),
                session=session,
            )
        yield running


def tick(bot: LarkBot, at: dt.datetime) -> None:
    job_runner(bot.app, bot.running.posters()).tick(at)


def values(node: Any) -> list[str]:
    """The commands a card's buttons run, in order."""
    if isinstance(node, dict):
        if node.get("type") == "callback" and isinstance(node.get("value"), dict):
            return [str(node["value"].get("value"))]
        return [v for child in node.values() for v in values(child)]
    if isinstance(node, list):
        return [v for child in node for v in values(child)]
    return []


def alert_card(fake: FakeLark, chat: str) -> dict[str, Any]:
    """The chat's alert card (its first message) as everyone sees it now, with its id."""
    [first] = [m for m in fake.messages(chat) if not m["parent_id"]][:1]
    return {"id": first["message_id"], "card": json.loads(first["content"])}


def thread(fake: FakeLark, message_id: str) -> list[str]:
    return [m["content"] for m in fake.messages() if m["parent_id"] == message_id]


def test_the_owner_gets_their_alerts_by_dm_and_an_ack_is_patched_into_every_card(
    bot: LarkBot,
) -> None:
    subscribe_dm = "digest subscribe alerts me MY at 09:45 at least 5 orders a day"
    bot.deliver(le.message_event(subscribe_dm, "oc_p2p_farah", chat_type="p2p", open_id="ou_farah"))
    answer = json.dumps(bot.cards("oc_p2p_farah"), ensure_ascii=False)
    assert "Subscribed you" in answer and "from 5 orders and RM83.33" in answer
    tick(bot, NOW + 20 * MINUTE)

    team = alert_card(bot.fake, TEAM_CHAT)
    shown = json.dumps(team["card"], ensure_ascii=False)
    assert "@mira" in shown and "@nadia" in shown and "@kecil" not in shown
    assert "<at id=ou_farah></at>" in shown and "<at id=ou_marco></at>" in shown
    dm = alert_card(bot.fake, FakeLark.dm("ou_farah"))
    dm_shown = json.dumps(dm["card"], ensure_ascii=False)
    assert "@mira" in dm_shown and "@kecil" in dm_shown and "@nadia" not in dm_shown
    asked = [c.params["emails"] for c in bot.fake.calls("contact.v3.users.batch_get_id")]
    assert sorted(e for emails in asked for e in emails) == [FARAH, MARCO]

    # Marco acknowledges Mira on the team's card: both cards are patched, each thread noted.
    # (Mira is the one creator both cards carry.)
    [ack] = [
        v for v in values(team["card"]) if v.startswith("alerts ack ") and v in values(dm["card"])
    ]
    click = le.card_action(
        {"action": "open", "value": ack}, "ou_marco", team["id"], chat_id=TEAM_CHAT
    )
    bot.deliver(click)
    bot.fake.wait_for(lambda: len(bot.fake.messages(TEAM_CHAT)) >= 2)  # the click's answer
    tick(bot, NOW + 21 * MINUTE)
    team_now = alert_card(bot.fake, TEAM_CHAT)["card"]
    dm_now = alert_card(bot.fake, FakeLark.dm("ou_farah"))["card"]
    for card in (team_now, dm_now):
        assert ack not in values(card)  # its buttons are gone, for everyone
        assert "Acknowledged by <at id=ou_marco></at>" in json.dumps(card, ensure_ascii=False)
    assert len(values(team_now)) == 2  # Nadia's two buttons remain
    assert {p["message_id"] for p in bot.fake.patches()} == {team["id"], dm["id"]}
    for message_id in (team["id"], dm["id"]):
        # (the team card's thread also holds the answer to Marco's click)
        notes = [c for c in thread(bot.fake, message_id) if "Acknowledged by" in c]
        assert len(notes) == 1
