"""Every Slack request gets a proper answer: requests no listener wants get a quiet 200, an
uninstall or a token revocation stops the workspace's scheduled posts (and `digest list` says
so), and a form that cannot be read is refused with a message, never a 500."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from creatorbot.storage.models import FeedbackResponse, Run, RunStatus, Subscription
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import NOW, job_runner, subscribe_channels
from tests.fakes.slack_requests import (
    block_action,
    event,
    interactive,
    slash_command,
    view_submission,
)


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        yield running


def answer_to(bot: SlackBot, command: str, text: str, **options: Any) -> str:
    """What the user sees in answer to a slash command."""
    url = bot.fake.response_url(f"{command.strip('/')}-{text.replace(' ', '-')}-{time.monotonic()}")
    status, _, _ = bot.send(slash_command(command, text, response_url=url, **options))
    assert status == 200
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1)
    return json.dumps(bot.fake.responses(url)[0], ensure_ascii=False)


# --- requests no listener wants ---------------------------------------------------------------

UNUSED = "http://127.0.0.1:9/never-called"

UNWANTED = {
    "someone else's button": block_action("other_app.approve", "42", response_url=UNUSED),
    "a button of ours that no longer exists": block_action(
        "cb.retired.3", "leaderboard MY", response_url=UNUSED
    ),
    "a retired button in the App Home": block_action(
        "cb.retired.3", "leaderboard MY", view={"id": "VHOME", "type": "home"}
    ),
    "a button id of an older shape": block_action("cb.share", "help", response_url=UNUSED),
    "a modal closed": interactive(
        "view_closed",
        view={"id": "V9", "callback_id": "cb.form.feedback", "private_metadata": "{}"},
        is_cleared=False,
    ),
    "a global shortcut": interactive(
        "shortcut", callback_id="open_report", trigger_id="trg-9", action_ts="1.2"
    ),
    "a message shortcut": interactive(
        "message_action",
        callback_id="flag_message",
        trigger_id="trg-9",
        channel={"id": "C1", "name": "general"},
        message={"type": "message", "ts": "1700000000.000100", "text": "hi"},
        response_url=UNUSED,
    ),
    "an options request": interactive(
        "block_suggestion", action_id="pick_creator", block_id="b1", value="am"
    ),
    "a payload type nobody knows yet": interactive("something_new"),
    "another app's modal": view_submission("other_app.form", {}),
    "an event nobody subscribed to": event(
        {"type": "reaction_added", "user": "U1", "reaction": "tada"}, event_id="EvReact"
    ),
    "a channel renamed": event(
        {"type": "channel_rename", "channel": {"id": "C1", "name": "ops"}}, event_id="EvRename"
    ),
}


@pytest.mark.parametrize("request_body", list(UNWANTED.values()), ids=list(UNWANTED))
def test_a_request_no_listener_wants_gets_a_quiet_200(bot: SlackBot, request_body: bytes) -> None:
    status, body, seconds = bot.send(request_body)
    assert status == 200, body  # a 404 makes Slack retry and show the user an error
    assert seconds < 3
    assert b"error" not in body
    bot.settle()
    assert bot.fake.posts() == [] and bot.fake.ephemerals() == [] and bot.fake.views() == []


# --- uninstall and revoked tokens ------------------------------------------------------------


def snapshot_posts(bot: SlackBot, channel: str) -> int:
    return len(bot.fake.posts(channel))


def wait_suspended(bot: SlackBot, count: int) -> None:
    """Slack events are acked before their listener runs: wait for it to have suspended."""

    def suspended() -> bool:
        with bot.app.sessions() as session:
            query = select(func.count()).where(Subscription.suspended_at.is_not(None))
            return session.scalar(query) == count

    bot.fake.wait_for(suspended)


def test_an_uninstall_stops_that_workspaces_posts_until_resumed(bot: SlackBot) -> None:
    subscribe_channels(bot.app, "slack", "T1", ("C1",))
    subscribe_channels(bot.app, "slack", "T2", ("C2",))
    status, _, _ = bot.send(event({"type": "app_uninstalled"}, event_id="EvGone", team_id="T1"))
    assert status == 200
    wait_suspended(bot, 1)
    runner = job_runner(bot.app, bot.running.posters())

    report = runner.tick(NOW)
    assert snapshot_posts(bot, "C1") == 0  # not posted, not even tried
    assert snapshot_posts(bot, "C2") == 1  # another workspace is not concerned
    assert report.failed == [] and report.skipped == []

    listed = answer_to(bot, "/digest", "list")
    assert "Paused: the app was uninstalled from this workspace on 24 Nov 2026." in listed
    assert "digest resume 1" in listed
    italian = answer_to(bot, "/digest", "list", user_id="U2")
    assert "disinstallata da questo workspace il 24 nov 2026" in italian

    # Commands from the workspace do not resume it by themselves: the app's token may be dead.
    assert snapshot_posts(bot, "C1") == 0
    assert "Resumed: #1" in answer_to(bot, "/digest", "resume 1")  # at NOW, the bot's clock
    assert "Paused: the app" not in answer_to(bot, "/digest", "list")
    report = runner.tick(NOW + dt.timedelta(days=1))
    assert report.posted == [
        "creatorbot:snapshot:1:2026-11-25",
        "creatorbot:snapshot:2:2026-11-25",
    ]
    assert report.skipped == []  # the morning it was away is not reported as missed
    assert snapshot_posts(bot, "C1") == 1


def test_revoked_bot_tokens_stop_the_posts_but_revoked_user_tokens_do_not(bot: SlackBot) -> None:
    subscribe_channels(bot.app, "slack", "T1", ("C1",))
    subscribe_channels(bot.app, "slack", "T2", ("C2",))
    users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U1"]}}
    bots = {"type": "tokens_revoked", "tokens": {"oauth": ["U2"], "bot": ["UBOT"]}}
    assert bot.send(event(users_only, event_id="EvUsers", team_id="T2"))[0] == 200
    assert bot.send(event(bots, event_id="EvBot", team_id="T1"))[0] == 200
    wait_suspended(bot, 1)
    time.sleep(0.3)  # and give the user-token revocation as long to (wrongly) suspend T2

    job_runner(bot.app, bot.running.posters()).tick(NOW)
    assert snapshot_posts(bot, "C1") == 0
    assert snapshot_posts(bot, "C2") == 1
    listed = answer_to(bot, "/digest", "list")
    assert "Paused: the app's access to this workspace was revoked on 24 Nov 2026." in listed


def test_a_post_refused_for_a_dead_token_is_not_retried_and_pauses_the_workspace(
    bot: SlackBot,
) -> None:
    subscribe_channels(bot.app, "slack", "T1", ("C1", "C3"))
    for method in ("chat.postMessage", "files.getUploadURLExternal", "conversations.history"):
        bot.fake.fail(method, status=200, error="token_revoked", times=100)
    runner = job_runner(bot.app, bot.running.posters())

    report = runner.tick(NOW)
    assert report.posted == [] and len(report.failed) == 2
    refused = [call for call in bot.fake.calls() if call.failed]
    assert len(refused) == 1  # the first refusal stops the workspace: C3 is not even tried
    calls = len(bot.fake.calls())
    for hours in (1, 3, 8, 30):
        runner.tick(NOW + dt.timedelta(hours=hours))
    assert len(bot.fake.calls()) == calls  # never tried again
    with bot.app.sessions() as session:
        runs = session.scalars(select(Run)).all()
        assert [run.status for run in runs] == [RunStatus.FAILED] * 2
        assert [run.next_attempt_at for run in runs] == [None, None]

    bot.fake.clear_faults()
    listed = answer_to(bot, "/digest", "list")
    assert "Paused: the app's access to this workspace was revoked on 24 Nov 2026." in listed


# --- forms that cannot be read ---------------------------------------------------------------

GOOD_VALUES = {
    "creator": {"creator": {"type": "plain_text_input", "value": "amir"}},
    "rating": {"rating": {"type": "static_select", "selected_option": {"value": "4"}}},
    "topic": {"topic": {"type": "static_select", "selected_option": {"value": "tools"}}},
}
ODD_FORMS = {
    "metadata not JSON": ("cb.form.feedback", GOOD_VALUES, "{not json"),
    "metadata not an object": ("cb.form.feedback", GOOD_VALUES, "[1, 2]"),
    "a form that no longer exists": ("cb.form.retired", GOOD_VALUES, "{}"),
    "values of an unexpected shape": ("cb.form.feedback", {"creator": "amir", "rating": []}, "{}"),
}


def feedback_saved(bot: SlackBot) -> int:
    with bot.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(FeedbackResponse)) or 0)


@pytest.mark.parametrize(
    ("callback_id", "values", "metadata"), list(ODD_FORMS.values()), ids=list(ODD_FORMS)
)
def test_a_form_that_cannot_be_read_is_refused_in_the_users_language(
    bot: SlackBot, callback_id: str, values: dict[str, Any], metadata: str
) -> None:
    status, body, _ = bot.send(
        view_submission(callback_id, values, user_id="U2", private_metadata=metadata)
    )
    assert status == 200, body
    answer = json.loads(body)
    shown = json.dumps(answer, ensure_ascii=False)
    assert answer["response_action"] in ("update", "errors")
    if answer["response_action"] == "update":
        assert "riapri il modulo" in shown  # Marco's Slack speaks Italian
    else:
        assert answer["errors"]
    assert feedback_saved(bot) == 0


def test_metadata_values_of_odd_types_are_ignored_and_the_answer_saved(bot: SlackBot) -> None:
    metadata = '{"locale": 7, "channel": [], "form": {"id": 1}}'
    status, body, _ = bot.send(
        view_submission("cb.form.feedback", GOOD_VALUES, user_id="U2", private_metadata=metadata)
    )
    assert status == 200, body
    answer = json.loads(body)
    assert answer["response_action"] == "update"
    assert "Salvato" in json.dumps(answer, ensure_ascii=False)  # in Marco's own language
    assert feedback_saved(bot) == 1


def test_a_form_missing_its_answers_is_refused_on_the_fields(bot: SlackBot) -> None:
    status, body, _ = bot.send(view_submission("cb.form.feedback", {}, private_metadata="{}"))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) >= {"creator", "rating"}
    assert feedback_saved(bot) == 0
