"""The Lark adapter's small parts: message text, mention placeholders, pacing, the form card."""

from __future__ import annotations

import json
from typing import Any

from creatorbot.bot.lark import convert
from creatorbot.bot.lark.api import Pacer
from creatorbot.bot.lark.card import MAX_CARD_BYTES, MAX_ELEMENTS
from creatorbot.bot.lark.form import form_card, submitted
from creatorbot.commands.forms import FEEDBACK, FormLink
from creatorbot.commands.i18n import Lang
from creatorbot.commands.pickers import Choice


def text_message(text: str, **extra: object) -> dict[str, object]:
    return {"message_type": "text", "content": json.dumps({"text": text}), **extra}


def test_mention_placeholders_and_a_leading_slash_are_removed() -> None:
    assert convert.command_text("@_user_1 /leaderboard  gmv 7d") == "leaderboard gmv 7d"
    assert convert.command_text("leaderboard @_user_12 gmv") == "leaderboard gmv"
    assert convert.command_text("@_all @_user_1") == ""


def test_rich_text_messages_are_read_as_plain_text() -> None:
    post = {
        "message_type": "post",
        "content": json.dumps(
            {
                "title": "",
                "content": [
                    [{"tag": "at", "user_id": "@_user_1"}, {"tag": "text", "text": "campaign"}],
                    [{"tag": "text", "text": "my-1111"}, {"tag": "img", "image_key": "k"}],
                ],
            }
        ),
    }
    assert convert.command_text(convert.message_text(post)) == "campaign my-1111"
    assert convert.message_text({"message_type": "image", "content": "{}"}) == ""
    assert convert.message_text({"message_type": "text", "content": "not json"}) == ""


def test_only_a_mention_of_the_bot_itself_counts_in_a_group() -> None:
    other = {"id": {"open_id": "ou_someone"}}
    bot = {"id": {"open_id": "ou_bot"}}
    assert convert.mentions_bot(text_message("x", mentions=[other, bot]), "ou_bot")
    assert not convert.mentions_bot(text_message("x", mentions=[other]), "ou_bot")
    assert not convert.mentions_bot(text_message("x"), "ou_bot")
    assert convert.mentions_bot(text_message("x", mentions=[other]), None)  # id unknown


class Clock:
    """A clock that only moves when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_pacer_lets_five_messages_a_second_into_one_chat() -> None:
    clock = Clock()
    pacer = Pacer(clock=lambda: clock.now, sleep=clock.sleep)
    sent_at = []
    for _ in range(12):
        pacer.wait("oc_1")
        sent_at.append(clock.now)
    # 5 at once, 5 one second later, 2 a second after that
    assert sent_at == [100.0] * 5 + [101.0] * 5 + [102.0] * 2
    for start in range(len(sent_at)):
        window = [t for t in sent_at if sent_at[start] <= t < sent_at[start] + 1.0]
        assert len(window) <= 5
    before = clock.now
    pacer.wait("oc_2")  # another chat has its own allowance
    assert clock.now == before


def _everything(node: Any) -> list[dict[str, Any]]:
    """Every object in a card, at any depth."""
    if isinstance(node, list):
        return [found for item in node for found in _everything(item)]
    if not isinstance(node, dict):
        return []
    return [node] + [found for value in node.values() for found in _everything(value)]


def test_the_form_card_is_inside_the_limits_and_reads_back_its_values() -> None:
    for language in ("en", "it", "ms"):
        card = form_card(FEEDBACK, Lang(language), FormLink("feedback", {"campaign": "x" * 500}))
        raw = json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode()
        assert len(raw) < MAX_CARD_BYTES
        assert raw.count(b'"tag"') < MAX_ELEMENTS
        (comment,) = [
            e for e in card["body"]["elements"][0]["elements"] if e.get("name") == "comment"
        ]
        assert comment["max_length"] == 2000
        (campaign,) = [c for c in _everything(card) if c.get("name") == "campaign"]
        assert campaign["tag"] == "select_static"
        assert campaign["options"][0]["value"] == "x" * 500  # pre-filled: offered first
    busy = [
        Choice(f"#{n}", f"@creator{n:03} · Someone with a long name {n} · MY") for n in range(100)
    ]
    for language in ("en", "it", "ms"):  # two full lists still fit in a card
        card = form_card(
            FEEDBACK, Lang(language), FormLink("feedback"), {"creator": busy, "campaign": busy}
        )
        raw = json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode()
        assert len(raw) < MAX_CARD_BYTES
        assert raw.count(b'"tag"') < MAX_ELEMENTS
    values = submitted(FEEDBACK, {"rating": "4", "topic": ["tools"], "comment": "  ok  "})
    assert values == {
        "creator": "",
        "campaign": "",
        "rating": "4",
        "topic": "tools",
        "comment": "ok",
        "language": "",
    }
