"""A modal opens before anything slow: Slack's trigger_id expires 3 seconds after the click, so
the feedback form (from `/feedback` or a prompt's button) and an answer shown in a modal open
at once, even when every worker is busy and Slack is slow to say who the user is, and are put
in the user's language afterwards."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.test_busy import blocked_router
from tests.bot.test_slack import all_text, modal_values, post_campaign_prompt
from tests.fakes.slack_api import Call
from tests.fakes.slack_requests import block_action, slash_command, view_submission

WAIT = 10.0
SLOW_PROFILE = 4.0  # seconds Slack takes to answer users.info: more than the trigger lasts
OPENED_WITHIN = 1.5  # seconds from the click to views.open; Slack allows 3


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        yield running


@pytest.fixture
def saturated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[SlackBot, threading.Event]]:
    """A bot with one worker and no backlog, that worker held by a command."""
    release = threading.Event()
    with running_bot(tmp_path, CREATORBOT_WORKERS=1, CREATORBOT_BACKLOG=0) as bot:
        holding, held = blocked_router(bot.app.router, release)
        monkeypatch.setattr(bot.app.router, "handle", held)
        bot.send(slash_command("/leaderboard", "MY", response_url=bot.fake.response_url()))
        assert holding.wait(WAIT)
        try:
            yield bot, release
        finally:
            release.set()


def opened(bot: SlackBot, since: float) -> Call:
    """The one views.open call, once made; it must come within OPENED_WITHIN of `since`."""
    bot.fake.wait_for(lambda: len(bot.fake.calls("views.open")) >= 1, WAIT)
    (call,) = bot.fake.calls("views.open")
    assert not call.failed
    assert call.at - since < OPENED_WITHIN, call.at - since
    return call


def test_feedback_opens_the_form_at_once_when_every_worker_is_busy_and_slack_is_slow(
    saturated: tuple[SlackBot, threading.Event],
) -> None:
    bot, _release = saturated
    bot.fake.delay("users.info", SLOW_PROFILE)
    started = time.time()
    status, _, seconds = bot.send(
        slash_command("/feedback", "", user_id="U2", response_url=bot.fake.response_url())
    )
    assert status == 200 and seconds < 3
    view = opened(bot, started).params["view"]
    assert view["callback_id"] == "cb.form.feedback"
    assert {block["block_id"] for block in view["blocks"]} >= {"creator", "rating", "topic"}
    assert [c for c in bot.fake.calls("users.info") if c.params.get("user") == "U2"] == []


def test_the_form_opens_first_then_speaks_the_users_language(bot: SlackBot) -> None:
    bot.fake.delay("users.info", SLOW_PROFILE)
    started = time.time()
    bot.send(slash_command("/feedback", "", user_id="U2", response_url=bot.fake.response_url()))
    call = opened(bot, started)
    bot.fake.wait_for(lambda: len(bot.fake.views("views.update")) >= 1, WAIT)
    (update,) = bot.fake.calls("views.update")
    (profile,) = bot.fake.calls("users.info")
    assert call.at < profile.at  # opened before Slack said who the user is
    assert update.params["view_id"] == call.response["view"]["id"]
    view = update.params["view"]
    assert view["title"]["text"] == "Feedback dei creator"
    assert json.loads(view["private_metadata"])["locale"] == "it-IT"

    # Submitted, it answers in Italian (the view as it is now, in Italian).
    values = modal_values(creator="nobody", rating="4", topic="payout")
    status, answer, _ = bot.send(
        view_submission(
            "cb.form.feedback",
            values,
            user_id="U2",
            view_id=update.params["view_id"],
            private_metadata=view["private_metadata"],
        )
    )
    assert "nobody" in json.loads(answer)["errors"]["creator"]
    assert "Non trovo" in json.loads(answer)["errors"]["creator"]


def test_an_english_speaker_gets_the_form_in_one_call(bot: SlackBot) -> None:
    bot.send(slash_command("/feedback", "", user_id="U1", response_url=bot.fake.response_url()))
    bot.fake.wait_for(lambda: len(bot.fake.calls("users.info")) >= 1, WAIT)
    bot.settle()
    assert len(bot.fake.views()) == 1 and bot.fake.calls("views.update") == []


def test_a_prompts_button_opens_its_form_at_once_when_slack_is_slow(
    saturated: tuple[SlackBot, threading.Event],
) -> None:
    bot, _release = saturated
    button = post_campaign_prompt(bot, "C7")
    bot.fake.delay("users.info", SLOW_PROFILE)
    started = time.time()
    status, _, seconds = bot.send(
        block_action(button["action_id"], button["value"], user_id="U2", channel_id="C7")
    )
    assert status == 200 and seconds < 3
    view = opened(bot, started).params["view"]
    inputs = {block["block_id"]: block["element"] for block in view["blocks"]}
    assert inputs["campaign"]["initial_option"]["value"] == "my-1111"


def test_an_answer_in_a_modal_opens_at_once_and_is_filled_in(bot: SlackBot) -> None:
    bot.fake.delay("users.info", SLOW_PROFILE)
    home = {"id": "VHOME", "type": "home"}
    started = time.time()
    bot.send(block_action("cb.open.1", "creator bella", view=home))
    call = opened(bot, started)
    bot.fake.wait_for(lambda: len(bot.fake.views("views.update")) >= 1, WAIT)
    (update,) = bot.fake.calls("views.update")
    assert update.params["view_id"] == call.response["view"]["id"]
    assert "Bella Tan (@bella)" in all_text(update.params["view"]["blocks"])
