"""Lark end to end: encrypted, signed event callbacks in, cards out, through the real bot in HTTP
callback mode and a fake Lark Open API."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from creatorbot.bot.app import build
from creatorbot.bot.lark.form import SUBMIT
from creatorbot.bot.serve import serve, wire
from creatorbot.storage.models import (
    FeedbackForm,
    FeedbackResponse,
    Subscription,
)
from tests.bot.lark_harness import LarkBot, lark_settings, running_lark_bot
from tests.bot.world import NOW, ended_campaign_with_feedback_prompts, job_runner
from tests.fakes import lark_events as le
from tests.fakes.lark_api import CREATE, TOKEN, FakeLark

GROUP = "oc_group"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path) as running:
        yield running


def shown(card: dict[str, Any]) -> str:
    """Every piece of text on a card as a user reads it (character references resolved)."""
    return html.unescape(json.dumps(card, ensure_ascii=False))


def ask(bot: LarkBot, words: str, chat: str = GROUP, **options: Any) -> dict[str, Any]:
    """@creatorbot `words` in a group chat; the event as sent."""
    event = le.message_event(f"@_user_1 {words}", chat, mentions=[le.BOT_OPEN_ID], **options)
    status, _ = bot.deliver(event)
    assert status == 200
    return event


def feedback_count(bot: LarkBot) -> int:
    with bot.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(FeedbackResponse)) or 0)


# --- commands ---------------------------------------------------------------------------------


def test_a_group_mention_is_answered_with_a_card_carrying_the_right_numbers(bot: LarkBot) -> None:
    event = ask(bot, "leaderboard gmv 7d MY")
    assert bot.seconds < 1
    bot.cards(GROUP)
    (message,) = bot.fake.messages(GROUP)
    assert message["parent_id"] == event["event"]["message"]["message_id"]  # a reply, in place
    card = json.loads(message["content"])
    assert card["schema"] == "2.0"
    text_seen = shown(card)
    # 7 days × RM250.00 and 7 × RM120.00, ranked; the display name shown, never interpreted
    assert "RM1,750.00" in text_seen and "RM840.00" in text_seen
    assert text_seen.index("RM1,750.00") < text_seen.index("RM840.00")
    assert "Amir <!channel>" in text_seen
    assert "<!channel>" not in json.dumps(card)


def test_a_direct_message_needs_no_mention_and_a_leading_slash_is_fine(bot: LarkBot) -> None:
    bot.deliver(le.message_event("/leaderboard gmv 7d MY", "oc_dm1", chat_type="p2p"))
    (card,) = bot.cards("oc_dm1")
    assert "RM1,750.00" in shown(card)


def test_a_group_message_that_does_not_mention_the_bot_is_left_alone(bot: LarkBot) -> None:
    bot.deliver(le.message_event("@_user_1 leaderboard", GROUP, mentions=["ou_someone_else"]))
    bot.deliver(le.message_event("leaderboard", GROUP))
    bot.settle()
    assert bot.fake.messages(GROUP) == []


def test_an_empty_mention_gets_help(bot: LarkBot) -> None:
    ask(bot, "")
    (card,) = bot.cards(GROUP)
    assert "leaderboard" in shown(card)


# --- authenticity and duplicates --------------------------------------------------------------


@pytest.mark.parametrize(
    "forgery",
    [
        "signature",
        "encrypt_key",
        "token",
        "stale",
        "no_headers",
        "plaintext_wrong_token",
    ],
)
def test_forged_callbacks_are_refused_and_run_nothing(bot: LarkBot, forgery: str) -> None:
    event = le.message_event("leaderboard gmv 7d MY", "oc_dm2", chat_type="p2p")
    if forgery == "signature":
        raw, headers = le.signed(event)
        headers["X-Lark-Signature"] = "0" * 64
    elif forgery == "encrypt_key":  # encrypted and signed with a key that is not ours
        raw, headers = le.signed(event, encrypt_key="not-our-key")
    elif forgery == "token":  # a correct signature cannot make up for a wrong token
        raw, headers = le.signed(event, verification_token="not-our-token")
    elif forgery == "stale":  # a replay of a request signed ten minutes ago
        raw, headers = le.signed(event, timestamp=int(time.time()) - 600)
    elif forgery == "no_headers":
        raw, _ = le.signed(event)
        headers = {"Content-Type": le.JSON}
    else:
        raw, headers = le.signed(event, verification_token="nope", encrypted=False)
    status, _ = bot.post(raw, headers)
    assert status == 401
    bot.settle()
    assert bot.fake.messages() == []
    with bot.app.sessions() as session:  # not even remembered as seen
        assert session.scalar(text("SELECT count(*) FROM seen_events")) == 0


def test_a_callback_is_accepted_within_5_minutes_of_its_signature_and_not_after(
    bot: LarkBot,
) -> None:
    """Signed 6 minutes before or after our clock: 401, nothing runs. Signed 4 minutes ago:
    answered."""
    for seconds_off in (-360, 360):
        late = le.message_event("leaderboard gmv 7d MY", "oc_dm_late", chat_type="p2p")
        status, _ = bot.post(*le.signed(late, timestamp=int(time.time()) + seconds_off))
        assert status == 401
    bot.settle()
    assert bot.fake.cards() == []
    recent = le.message_event("leaderboard gmv 7d MY", "oc_dm_ok", chat_type="p2p")
    status, _ = bot.deliver(recent, timestamp=int(time.time()) - 240)
    assert status == 200
    (card,) = bot.cards("oc_dm_ok")
    assert "RM1,750.00" in shown(card)


def test_a_message_whose_sender_is_not_a_user_is_ignored(bot: LarkBot) -> None:
    """An app's message runs nothing; the person's message after it is the one answer."""
    from_app = le.message_event("leaderboard gmv 7d MY", "oc_dm_app", chat_type="p2p")
    from_app["event"]["sender"]["sender_type"] = "app"
    status, _ = bot.deliver(from_app)
    assert status == 200
    bot.deliver(le.message_event("leaderboard gmv 7d MY", "oc_dm_app", chat_type="p2p"))
    bot.cards("oc_dm_app")
    bot.settle()
    assert len(bot.fake.cards("oc_dm_app")) == 1


def test_garbage_is_a_bad_request(bot: LarkBot) -> None:
    status, _ = bot.post(b"not json", {"Content-Type": le.JSON})
    assert status == 400


def test_the_url_check_is_answered_with_its_challenge(bot: LarkBot) -> None:
    status, answer = bot.deliver(le.url_verification("ch-123"))
    assert (status, answer) == (200, {"challenge": "ch-123"})
    status, _ = bot.deliver(le.url_verification("ch-123"), verification_token="wrong")
    assert status == 401


def test_the_same_event_delivered_five_times_runs_once(bot: LarkBot, tmp_path: Path) -> None:
    event = le.message_event("leaderboard gmv 7d MY", "oc_dm3", chat_type="p2p")
    for _ in range(5):  # each a fresh request: new nonce, new signature, new encryption
        status, _ = bot.deliver(event)
        assert status == 200
    assert len(bot.cards("oc_dm3")) == 1

    # A restarted bot on the same database still knows the event: Lark re-pushes for hours.
    again = wire(build(bot.app.settings, clock=lambda: NOW))
    raw, headers = le.signed(event)
    from creatorbot.bot.http import HttpRequest

    response = again.web.routes["/lark/events"](
        HttpRequest("POST", "/lark/events", "", headers, raw)
    )
    again.close()
    assert response.status == 200
    bot.settle()
    assert len(bot.fake.cards("oc_dm3")) == 1


def test_rate_limits_are_waited_out_and_the_answer_arrives_once(bot: LarkBot) -> None:
    bot.fake.fail(CREATE, times=2, reset=1)
    bot.deliver(le.message_event("leaderboard gmv 7d MY", "oc_dm4", chat_type="p2p"))
    bot.fake.wait_for(lambda: len(bot.fake.cards("oc_dm4")) == 1, timeout=10)
    calls = bot.fake.calls(CREATE)
    assert [c.status for c in calls] == [429, 429, 200]
    assert calls[2].at - calls[0].at >= 1.9  # the reset header was honoured, twice
    assert len({c.params["uuid"] for c in calls}) == 1  # one message, tried three times


def test_a_revoked_tenant_token_is_replaced_without_the_user_noticing(bot: LarkBot) -> None:
    bot.deliver(le.message_event("leaderboard gmv 7d MY", "oc_dm6", chat_type="p2p"))
    bot.cards("oc_dm6")
    bot.fake.expire_tokens()
    bot.deliver(le.message_event("leaderboard gmv 7d MY", "oc_dm6", chat_type="p2p"))
    assert len(bot.cards("oc_dm6", 2)) == 2
    assert len(bot.fake.calls(TOKEN)) == 2


# --- cards: buttons ---------------------------------------------------------------------------


def test_a_run_button_answers_with_the_new_card_within_three_seconds(bot: LarkBot) -> None:
    action = le.card_action({"action": "run", "value": "leaderboard gmv 7d MY"}, chat_id=GROUP)
    started = time.perf_counter()
    status, answer = bot.deliver(action)
    assert status == 200 and time.perf_counter() - started < 3
    assert answer["card"]["type"] == "raw"
    assert "RM1,750.00" in shown(answer["card"]["data"])


def test_a_slow_run_button_answers_with_a_toast_and_the_card_follows(bot: LarkBot) -> None:
    ask(bot, "leaderboard gmv 7d MY")
    bot.cards(GROUP)
    (board,) = bot.fake.messages(GROUP)
    bot.running.platforms["lark"].handlers.card_budget = 0.0  # as if the answer took long
    action = le.card_action(
        {"action": "run", "value": "leaderboard gmv 7d MY"}, message_id=board["message_id"]
    )
    status, answer = bot.deliver(action)
    assert (status, answer["toast"]["type"]) == (200, "info")
    assert "card" not in answer
    bot.fake.wait_for(lambda: len(bot.fake.patches(board["message_id"])) == 1)
    (patch,) = bot.fake.patches(board["message_id"])
    assert "RM1,750.00" in shown(patch["card"])


def test_an_open_button_answers_in_the_chat(bot: LarkBot) -> None:
    ask(bot, "leaderboard gmv 7d MY")
    bot.cards(GROUP)
    (board,) = bot.fake.messages(GROUP)
    action = le.card_action(
        {"action": "open", "value": "creator amir MY"}, message_id=board["message_id"]
    )
    status, answer = bot.deliver(action)
    assert (status, answer) == (200, {})
    cards = bot.cards(GROUP, 2)
    assert "amir" in shown(cards[1])
    assert bot.fake.messages(GROUP)[1]["parent_id"] == board["message_id"]


def test_a_failing_button_gets_an_error_toast(
    bot: LarkBot, caplog: pytest.LogCaptureFixture
) -> None:
    platform = bot.running.platforms["lark"]

    def broken(*_: Any) -> Any:
        raise RuntimeError("boom")

    platform.handlers._submit_form = broken
    with caplog.at_level(logging.ERROR):
        status, answer = bot.deliver(
            le.card_action({"action": SUBMIT, "value": "feedback"}, form_value={"rating": "4"})
        )
    assert status == 200
    assert answer["toast"]["type"] == "error"
    assert "try again" in answer["toast"]["content"]


# --- forms ------------------------------------------------------------------------------------


def form_of(card: dict[str, Any]) -> dict[str, Any]:
    (form,) = [e for e in card["body"]["elements"] if e["tag"] == "form"]
    return form


def named(node: Any, name: str) -> list[dict[str, Any]]:
    """The elements called `name`, at any depth (a select sits in a column of a column set)."""
    if isinstance(node, list):
        return [found for item in node for found in named(item, name)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("name") == name else []
    return own + [found for value in node.values() for found in named(value, name)]


def submit_button(form: dict[str, Any]) -> dict[str, Any]:
    (button,) = [e for e in form["elements"] if e.get("form_action_type") == "submit"]
    return button


def test_the_feedback_card_form_round_trips_into_the_report(bot: LarkBot) -> None:
    bot.deliver(le.message_event("feedback", "oc_dm5", chat_type="p2p", open_id="ou_farah"))
    dm = bot.fake.dm("ou_farah")
    (card,) = bot.cards(dm)
    form = form_of(card)
    names = json.dumps(form)
    for field in ("creator", "campaign", "rating", "topic", "comment", "language"):
        assert f'"name": "{field}"' in names
    value = submit_button(form)["behaviors"][0]["value"]

    (message,) = bot.fake.messages(dm)
    submission = le.card_action(
        value,
        open_id="ou_farah",
        message_id=message["message_id"],
        chat_id=dm,
        form_value={
            "creator": "amir",
            "campaign": "",
            "rating": "4",
            "topic": "payout",
            "comment": "Paid late",
            "language": "en",
        },
    )
    status, answer = bot.deliver(submission)
    assert status == 200
    assert answer["toast"]["type"] == "success"
    thanks = shown(answer["card"]["data"])
    assert "✅" in thanks and "form" not in [
        e["tag"] for e in answer["card"]["data"]["body"]["elements"]
    ]
    assert feedback_count(bot) == 1
    with bot.app.sessions() as session:
        saved = session.scalars(select(FeedbackResponse)).one()
    assert saved.user_id == "ou_farah"
    # The same card sent again (a new delivery: the first answer was lost) is kept once.
    again = {**submission, "header": {**submission["header"], "event_id": "ev-again"}}
    assert bot.deliver(again)[1]["toast"]["type"] == "success"
    assert feedback_count(bot) == 1

    bot.deliver(le.message_event("feedback report", "oc_dm5", chat_type="p2p"))
    report = shown(bot.cards("oc_dm5")[-1])
    assert "Paid late" in report
    assert "4 / 5" in report


def test_a_bad_submission_is_refused_with_a_toast_and_nothing_stored(bot: LarkBot) -> None:
    status, answer = bot.deliver(
        le.card_action(
            {"action": SUBMIT, "value": "feedback"},
            form_value={"creator": "nobody", "rating": "4", "topic": "payout", "language": "en"},
        )
    )
    assert status == 200
    assert answer["toast"]["type"] == "error"
    assert "nobody" in answer["toast"]["content"]
    assert "card" not in answer  # the form stays as filled in
    assert feedback_count(bot) == 0


def test_a_database_failure_during_submit_is_an_error_toast_and_nothing_stored(
    bot: LarkBot,
) -> None:
    with bot.app.sessions.begin() as session:
        session.execute(text("ALTER TABLE feedback_responses RENAME TO feedback_gone"))
    status, answer = bot.deliver(
        le.card_action(
            {"action": SUBMIT, "value": "feedback"},
            form_value={"creator": "amir", "rating": "5", "topic": "tools", "language": "en"},
        )
    )
    with bot.app.sessions.begin() as session:
        session.execute(text("ALTER TABLE feedback_gone RENAME TO feedback_responses"))
    assert status == 200
    assert answer["toast"]["type"] == "error"
    assert "Nothing was saved" in answer["toast"]["content"]
    assert "card" not in answer
    assert feedback_count(bot) == 0


def test_asking_for_the_form_in_a_group_sends_it_privately(bot: LarkBot) -> None:
    ask(bot, "feedback", open_id="ou_marco")
    (form_card,) = bot.cards(bot.fake.dm("ou_marco"))
    assert form_of(form_card)
    (note,) = bot.cards(GROUP)
    assert "chat with creatorbot" in shown(note)


def test_a_form_button_opens_the_form_privately_with_a_toast(bot: LarkBot) -> None:
    action = le.card_action(
        {"action": "form", "value": "feedback?campaign=my-1111"}, open_id="ou_marco"
    )
    status, answer = bot.deliver(action)
    assert answer["toast"]["type"] == "info"
    (card,) = bot.cards(bot.fake.dm("ou_marco"))
    (campaign,) = named(form_of(card), "campaign")
    assert campaign["tag"] == "select_static"
    assert campaign["initial_option"] == "my-1111"


# --- menu and first contact -------------------------------------------------------------------


def menu_event(key: str, open_id: str = "ou_1") -> dict[str, Any]:
    return {
        "schema": "2.0",
        "header": le._header("application.bot.menu_v6", None, le.VERIFICATION_TOKEN),
        "event": {
            "operator": {"operator_name": "Farah", "operator_id": {"open_id": open_id}},
            "event_key": key,
            "timestamp": int(time.time()),
        },
    }


def entered_event(open_id: str, last_message_id: str = "") -> dict[str, Any]:
    return {
        "schema": "2.0",
        "header": le._header(
            "im.chat.access_event.bot_p2p_chat_entered_v1", None, le.VERIFICATION_TOKEN
        ),
        "event": {
            "chat_id": "oc_p2p_" + open_id,
            "operator_id": {"open_id": open_id},
            "last_message_id": last_message_id,
            "last_message_create_time": "",
        },
    }


def test_the_bot_menu_runs_its_command_in_the_users_chat(bot: LarkBot) -> None:
    status, _ = bot.deliver(menu_event("leaderboard", "ou_ana"))
    assert status == 200
    (card,) = bot.cards(bot.fake.dm("ou_ana"))
    assert "Which market?" in shown(card)  # `leaderboard gmv 7d`, and Ana has no market yet


def test_a_first_dm_gets_the_help_card_and_a_later_one_nothing(bot: LarkBot) -> None:
    bot.deliver(entered_event("ou_new"))
    (card,) = bot.cards(bot.fake.dm("ou_new"))
    assert "feedback" in shown(card)
    bot.deliver(entered_event("ou_old", last_message_id="om_earlier"))
    bot.settle()
    assert bot.fake.messages(bot.fake.dm("ou_old")) == []


# --- scheduled posts --------------------------------------------------------------------------


def test_a_snapshot_subscribed_in_a_lark_chat_is_posted_once_with_its_chart(
    bot: LarkBot,
) -> None:
    ask(bot, "digest subscribe snapshot MY at 09:00")
    assert "09:00" in shown(bot.cards(GROUP)[0])
    with bot.app.sessions() as session:
        subscription = session.scalars(select(Subscription)).one()
    assert (subscription.platform, subscription.workspace, subscription.channel) == (
        "lark",
        le.TENANT_KEY,
        GROUP,
    )
    first_post = NOW.replace(hour=1, minute=5) + dt.timedelta(days=1)  # 09:05 in Kuala Lumpur
    runner = job_runner(bot.app, bot.running.posters())
    assert len(runner.tick(first_post).posted) == 1
    assert runner.tick(first_post + dt.timedelta(minutes=30)).posted == []
    posts = [m for m in bot.fake.messages(GROUP) if m["uuid"] and m["parent_id"] is None]
    assert len(posts) == 1
    card = json.loads(posts[0]["content"])
    assert "RM" in shown(card)
    (image,) = bot.fake.images()
    assert image["content"].startswith(b"\x89PNG")
    assert image["image_key"] in json.dumps(card)


def test_a_post_sent_again_under_the_same_key_is_the_first_one(bot: LarkBot) -> None:
    from creatorbot.commands.reply import Reply, Text
    from creatorbot.jobs.posting import Target

    poster = bot.running.posters()["lark"]
    target = Target("lark", "tenant_test", GROUP)
    key = "creatorbot:snapshot:1:2026-11-25"
    first = poster.post(target, Reply((Text("one"),)), key=key)
    again = poster.post(target, Reply((Text("one"),)), key=key)  # a recovery after a crash
    assert first == again
    assert len(bot.fake.messages(GROUP)) == 1
    assert len(bot.fake.calls(CREATE)[0].params["uuid"]) <= 50


def test_a_campaign_feedback_prompt_in_a_lark_chat_links_the_answers_to_it(bot: LarkBot) -> None:
    ended_campaign_with_feedback_prompts(
        bot.app, platform="lark", workspace=le.TENANT_KEY, channel=GROUP
    )
    runner = job_runner(bot.app, bot.running.posters())
    assert len(runner.tick(NOW).posted) == 1
    assert runner.tick(NOW + dt.timedelta(minutes=5)).posted == []
    (prompt,) = bot.fake.cards(GROUP)
    assert "11.11 Mega Sale" in shown(prompt)
    (value,) = [
        behavior["value"]
        for behavior in _all(prompt, "behaviors")
        if behavior["value"]["action"] == "form"
    ]
    bot.deliver(le.card_action(value, open_id="ou_ana", chat_id=GROUP))
    (form_card,) = bot.cards(bot.fake.dm("ou_ana"))
    form = form_of(form_card)
    (campaign_field,) = named(form, "campaign")
    assert campaign_field["initial_option"] == "my-1111"
    (offered,) = [o for o in campaign_field["options"] if o["value"] == "my-1111"]
    assert offered["text"]["content"] == "11.11 Mega Sale · MY"
    submission = le.card_action(
        submit_button(form)["behaviors"][0]["value"],
        open_id="ou_ana",
        form_value={"campaign": "my-1111", "rating": "5", "topic": "traffic", "language": "en"},
    )
    status, answer = bot.deliver(submission)
    assert answer["toast"]["type"] == "success"
    with bot.app.sessions() as session:
        form_row = session.scalars(select(FeedbackForm)).one()
        saved = session.scalars(select(FeedbackResponse)).one()
    assert (saved.form_id, saved.user_id, saved.campaign_id) == (
        form_row.id,
        "ou_ana",
        form_row.campaign_id,
    )


def _all(node: Any, key: str) -> list[Any]:
    """Every value under `key`, at any depth, lists flattened."""
    if isinstance(node, list):
        return [found for item in node for found in _all(item, key)]
    if not isinstance(node, dict):
        return []
    own = node.get(key)
    mine = own if isinstance(own, list) else ([own] if key in node else [])
    return mine + [found for value in node.values() for found in _all(value, key)]


# --- configuration ----------------------------------------------------------------------------


def test_http_mode_refuses_to_start_without_the_encrypt_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeLark() as fake:
        settings = lark_settings(tmp_path, fake).model_copy(update={"lark_encrypt_key": None})
        app = build(settings, clock=lambda: NOW)
        try:
            with caplog.at_level(logging.ERROR):
                assert serve(app, host="127.0.0.1") == 2
        finally:
            app.close()
    (refusal,) = [r for r in caplog.records if r.getMessage() == "not starting"]
    assert "LARK_ENCRYPT_KEY" in refusal.reason


def test_slack_and_lark_run_side_by_side(tmp_path: Path) -> None:
    with FakeLark() as fake:
        settings = lark_settings(
            tmp_path, fake, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="s"
        )
        app = build(settings, clock=lambda: NOW)
        running = wire(app)
        try:
            assert set(running.platforms) == {"slack", "lark"}
            assert {"/slack/events", "/lark/events"} <= set(running.web.routes)
            assert set(running.posters()) == {"slack", "lark"}
        finally:
            running.close()
            app.close()
