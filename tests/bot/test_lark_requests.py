"""Every Lark request gets a proper answer: card callbacks in the format before 2.0 are verified
and run like any other, and callbacks of odd shapes are answered (200 or 400), never a 500."""

from __future__ import annotations

import html
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from creatorbot.bot.lark.form import SUBMIT
from creatorbot.storage.models import FeedbackResponse
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.fakes import lark_events as le

GROUP = "oc_group"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path) as running:
        yield running


def shown(card: dict[str, Any]) -> str:
    return html.unescape(json.dumps(card, ensure_ascii=False))


def feedback_count(bot: LarkBot) -> int:
    with bot.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(FeedbackResponse)) or 0)


# --- card callbacks before 2.0 ----------------------------------------------------------------


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_an_old_format_run_button_answers_with_the_new_card(bot: LarkBot, encrypted: bool) -> None:
    action = le.legacy_card_action(
        {"action": "run", "value": "leaderboard gmv 7d MY"}, chat_id=GROUP
    )
    raw, headers = le.legacy_signed(action, encrypt_key=le.ENCRYPT_KEY if encrypted else None)
    started = time.perf_counter()
    status, answer = bot.post(raw, headers)
    assert status == 200, answer
    assert time.perf_counter() - started < 3
    assert answer["card"]["type"] == "raw"
    # 7 days × RM250.00 and 7 × RM120.00, ranked
    text_seen = shown(answer["card"]["data"])
    assert "RM1,750.00" in text_seen and "RM840.00" in text_seen


def test_an_old_format_form_submission_is_saved_for_the_person_who_sent_it(bot: LarkBot) -> None:
    action = le.legacy_card_action(
        {"action": SUBMIT, "value": "feedback"},
        open_id="ou_farah",
        message_id="om_form",
        form_value={"creator": "amir", "rating": "4", "topic": "payout", "language": "en"},
    )
    status, answer = bot.post(*le.legacy_signed(action))
    assert status == 200
    assert answer["toast"]["type"] == "success"
    with bot.app.sessions() as session:
        saved = session.scalars(select(FeedbackResponse)).one()
    assert saved.user_id == "ou_farah"


def test_an_old_format_open_button_answers_in_the_chat(bot: LarkBot) -> None:
    bot.fake.receive({"message_id": "om_old", "chat_id": GROUP, "chat_type": "group"})
    action = le.legacy_card_action(
        {"action": "open", "value": "creator amir"}, message_id="om_old", chat_id=GROUP
    )
    status, _ = bot.post(*le.legacy_signed(action))
    assert status == 200
    (card,) = bot.cards(GROUP)
    assert "@amir" in shown(card)


@pytest.mark.parametrize("forgery", ["token", "stale", "no_headers", "event_signature"])
def test_forged_old_format_callbacks_are_refused_and_run_nothing(
    bot: LarkBot, forgery: str
) -> None:
    action = le.legacy_card_action(
        {"action": SUBMIT, "value": "feedback"},
        form_value={"creator": "amir", "rating": "4", "topic": "payout", "language": "en"},
    )
    if forgery == "token":
        raw, headers = le.legacy_signed(action, verification_token="not-our-token")
    elif forgery == "stale":
        raw, headers = le.legacy_signed(action, timestamp=int(time.time()) - 600)
    elif forgery == "no_headers":
        raw, _ = le.legacy_signed(action)
        headers = {"Content-Type": le.JSON}
    else:  # the 2.0 signature (with the encrypt key) is not how Lark signs these
        raw = json.dumps(action).encode()
        stamp, nonce = str(int(time.time())), "n1"
        headers = {
            "Content-Type": le.JSON,
            "X-Lark-Request-Timestamp": stamp,
            "X-Lark-Request-Nonce": nonce,
            "X-Lark-Signature": le.signature(stamp, nonce, le.ENCRYPT_KEY, raw),
        }
    status, _ = bot.post(raw, headers)
    assert status == 401
    assert feedback_count(bot) == 0


# --- odd shapes -------------------------------------------------------------------------------


def quiet(bot: LarkBot) -> None:
    bot.settle()
    assert bot.fake.messages() == []


def test_an_event_of_a_type_we_do_not_handle_gets_an_empty_200(bot: LarkBot) -> None:
    body = {
        "schema": "2.0",
        "header": {"event_id": "ev-x", "event_type": "im.chat.disbanded_v1", "tenant_key": "t"},
        "event": {"chat_id": GROUP},
    }
    assert bot.deliver(body) == (200, {})
    quiet(bot)


def test_an_event_of_the_old_schema_gets_an_empty_200(bot: LarkBot) -> None:
    body = {
        "uuid": "u-1",
        "ts": "1700000000.0",
        "type": "event_callback",
        "event": {"type": "message", "open_id": "ou_1", "text": "help"},
    }
    assert bot.deliver(body) == (200, {})
    quiet(bot)


ODD = {
    "a header that is not an object": {"schema": "2.0", "header": "x", "event": {}},
    "an event that is not an object": {
        "schema": "2.0",
        "header": {"event_id": "ev-odd1", "event_type": "im.message.receive_v1"},
        "event": ["x"],
    },
    "a card action of odd parts": {
        "schema": "2.0",
        "header": {"event_id": "ev-odd2", "event_type": "card.action.trigger"},
        "event": {"operator": "ou_1", "action": "run", "context": "oc_1"},
    },
    "a card action whose value is text": {
        "schema": "2.0",
        "header": {"event_id": "ev-odd3", "event_type": "card.action.trigger"},
        "event": {"action": {"value": "leaderboard", "form_value": "x"}},
    },
}


@pytest.mark.parametrize("body", list(ODD.values()), ids=list(ODD))
def test_a_callback_of_odd_shape_is_answered_not_a_500(bot: LarkBot, body: dict[str, Any]) -> None:
    status, answer = bot.post(*le.signed(body))
    assert status in (200, 400), answer
    quiet(bot)


@pytest.mark.parametrize(
    "body",
    [
        {"type": "url_verification"},
        {"type": "url_verification", "challenge": {"nested": True}},
        {"type": "url_verification", "challenge": ""},
    ],
    ids=["no challenge", "challenge not text", "empty challenge"],
)
def test_a_url_check_without_a_challenge_is_a_bad_request(
    bot: LarkBot, body: dict[str, Any]
) -> None:
    status, _ = bot.deliver(body)
    assert status == 400
