"""The feedback card's type-ahead selects on the fake Lark: the busiest choices of the user's
markets, a Search that brings back those matching what was typed (answered within the card
callback's time), pre-filled when opened from a creator's card."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from creatorbot.bot.lark.form import MAX_CHOICES, SEARCH
from creatorbot.storage.models import Creator
from tests.bot.forms_world import MANY, seed_many, zz_gmv
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.fakes import lark_events as le


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path) as running:
        seed_many(running.app)
        yield running


def named(node: Any, name: str) -> list[dict[str, Any]]:
    """The elements called `name`, at any depth."""
    if isinstance(node, list):
        return [found for item in node for found in named(item, name)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("name") == name else []
    return own + [found for value in node.values() for found in named(value, name)]


def labels(select: dict[str, Any]) -> list[str]:
    return [option["text"]["content"] for option in select["options"]]


def open_form(bot: LarkBot, user: str) -> dict[str, Any]:
    bot.deliver(le.message_event("feedback", f"oc_dm_{user}", chat_type="p2p", open_id=user))
    (card,) = bot.cards(bot.fake.dm(user))
    return card


def search(bot: LarkBot, card: dict[str, Any], user: str, **form_value: str) -> dict[str, Any]:
    """The creator field's Search pressed with `form_value`; the card it answers with."""
    (button,) = named(card, "search_creator")
    value = button["behaviors"][0]["value"]
    assert value["action"] == SEARCH
    status, answer = bot.deliver(
        le.card_action(value, open_id=user, form_value=form_value, name="search_creator")
    )
    assert status == 200 and bot.seconds < 3
    return answer["card"]["data"]


def test_the_select_offers_the_busiest_creators_of_the_users_markets_only(bot: LarkBot) -> None:
    card = open_form(bot, "ou_my")
    (creators,) = named(card, "creator")
    assert creators["tag"] == "select_static"
    shown = labels(creators)
    assert len(shown) == MAX_CHOICES <= 100
    assert all(label.endswith("· MY") for label in shown)
    assert not any("zzitalia" in label for label in shown)  # the busiest of all, unseen
    # amir (25,000 a day for 7 days) and bella (12,000) outsell every zz creator (one day)
    busiest = ["amir", "bella"] + [
        f"zz{n:03}" for n in sorted(range(MANY), key=lambda n: -zz_gmv(n))
    ]
    assert [label.split(" · ")[0] for label in shown] == [f"@{h}" for h in busiest[:MAX_CHOICES]]
    # Nothing is required in the card: Lark would hold a Search back until it was filled.
    assert '"required": true' not in json.dumps(card)
    (campaigns,) = named(card, "campaign")
    assert "Saldi d'inverno · IT" not in json.dumps(campaigns, ensure_ascii=False)


def test_search_brings_back_what_matches_and_keeps_the_other_answers(bot: LarkBot) -> None:
    card = open_form(bot, "ou_it")
    again = search(bot, card, "ou_it", creator_q="zoe", rating="4", topic="tools")
    (creators,) = named(again, "creator")
    assert labels(creators) == ["@zzitalia · Zoë Italia · IT"]
    assert named(again, "rating")[0]["initial_option"] == "4"
    assert named(again, "topic")[0]["initial_option"] == "tools"
    assert named(again, "creator_q")[0]["default_value"] == "zoe"
    # a MY user searching the same finds nobody of a market they cannot see
    theirs = search(bot, open_form(bot, "ou_my"), "ou_my", creator_q="zoe")
    (typed,) = named(theirs, "creator")
    assert typed["tag"] == "input" and "zoe" in typed["placeholder"]["content"]
    assert "zzitalia" not in json.dumps(theirs)


def test_a_form_opened_from_a_creator_card_is_prefilled(bot: LarkBot) -> None:
    bot.deliver(le.message_event("creator amir", "oc_dm_ou_my", chat_type="p2p", open_id="ou_my"))
    (profile,) = bot.cards(bot.fake.dm("ou_my"))
    (value,) = [b["value"] for b in _behaviors(profile) if b["value"].get("action") == "form"]
    bot.deliver(le.card_action(value, open_id="ou_my"))
    cards = bot.cards(bot.fake.dm("ou_my"), count=2)
    with bot.app.sessions() as session:
        amir = session.scalars(select(Creator).where(Creator.handle == "amir")).one()
    (creators,) = named(cards[-1], "creator")
    assert creators["initial_option"] == f"#{amir.id}"
    assert creators["options"][0]["value"] == f"#{amir.id}"
    assert creators["options"][0]["text"]["content"].startswith("@amir · ")


def _behaviors(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [found for item in node for found in _behaviors(item)]
    if not isinstance(node, dict):
        return []
    own = list(node.get("behaviors") or [])
    return own + [
        found for key, value in node.items() if key != "behaviors" for found in _behaviors(value)
    ]
