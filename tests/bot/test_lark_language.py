"""Lark answers each user in their Lark client's language, and the bot menu needs no market
from someone whose market is known (their only one, or their creators')."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.forms_world import seed_many
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.fakes import lark_events as le

# The help card's line about `creator`, in each language (the catalogs' own words).
CREATOR_LINE = {
    "en": "A creator's profile and recent sales",
    "it": "Profilo e vendite recenti di un creator",
    "ms": "Profil dan jualan terkini seorang kreator",
}


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path) as running:
        seed_many(running.app)
        yield running


def shown(card: dict[str, Any]) -> str:
    return html.unescape(json.dumps(card, ensure_ascii=False))


def dm(bot: LarkBot, user: str, text: str, locale: str | None = None) -> dict[str, Any]:
    """`text` sent to the bot in a DM by `user` from a Lark client set to `locale`; the answer."""
    chat = bot.fake.dm(user)
    before = len(bot.fake.cards(chat))
    bot.deliver(le.message_event(text, chat, chat_type="p2p", open_id=user, locale=locale))
    return bot.cards(chat, count=before + 1)[-1]


def menu(bot: LarkBot, user: str, key: str) -> dict[str, Any]:
    chat = bot.fake.dm(user)
    before = len(bot.fake.cards(chat))
    bot.deliver(le.menu_click(key, user))
    return bot.cards(chat, count=before + 1)[-1]


@pytest.mark.parametrize(
    ("locale", "language"), [("it_IT", "it"), ("ms_MY", "ms"), ("en_US", "en")]
)
def test_a_card_is_in_the_language_of_the_users_lark_client(
    bot: LarkBot, locale: str, language: str
) -> None:
    card = dm(bot, "ou_1", "help", locale=locale)
    assert CREATOR_LINE[language] in shown(card)
    # A menu click carries no language: the one their last message showed is kept.
    assert CREATOR_LINE[language] in shown(menu(bot, "ou_1", "help"))


def test_a_user_whose_client_language_is_unknown_gets_the_team_default(bot: LarkBot) -> None:
    assert CREATOR_LINE["en"] in shown(dm(bot, "ou_7", "help"))
    dm(bot, "ou_1", "help", locale="it_IT")  # another user's language is theirs alone
    assert CREATOR_LINE["en"] in shown(menu(bot, "ou_7", "help"))


def test_the_menu_answers_a_single_market_user_without_asking_the_market(bot: LarkBot) -> None:
    card = shown(menu(bot, "ou_my", "leaderboard"))
    assert "Which market?" not in card
    assert "@amir" in card and "@zzitalia" not in card  # MY's board
    card = shown(menu(bot, "ou_it", "leaderboard"))
    assert "Which market?" not in card and "@zzitalia" in card


def test_someone_with_several_markets_and_no_creators_picks_one_with_a_button(
    bot: LarkBot,
) -> None:
    card = menu(bot, "ou_ana", "leaderboard")
    assert "Which market?" in shown(card)
    values = [
        b["value"]
        for b in _behaviors(card)
        if isinstance(b.get("value"), dict) and b["value"].get("action") == "run"
    ]
    assert [v["value"] for v in values] == ["leaderboard gmv 7d IT", "leaderboard gmv 7d MY"]
    (message,) = bot.fake.messages(bot.fake.dm("ou_ana"))
    status, answer = bot.deliver(
        le.card_action(values[1], open_id="ou_ana", message_id=message["message_id"])
    )
    assert status == 200
    assert "@amir" in shown(answer["card"]["data"])


def _behaviors(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [found for item in node for found in _behaviors(item)]
    if not isinstance(node, dict):
        return []
    own = list(node.get("behaviors") or [])
    return own + [
        found for key, value in node.items() if key != "behaviors" for found in _behaviors(value)
    ]
