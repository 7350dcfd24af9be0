"""Platform faults against the real bot: Slack and Lark 429 and 5xx bursts, and a connection that
drops after the platform stored a post, still leave every post and answer there exactly once."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from creatorbot.bot.app import App
from creatorbot.bot.lark.api import RETRIES as LARK_RETRIES
from creatorbot.bot.slack.poster import RATE_LIMIT_RETRIES
from creatorbot.jobs.runner import Runner
from creatorbot.storage.models import Run, RunStatus, Subscription
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import NOW, job_runner, subscribe_channels
from tests.fakes import lark_events as le
from tests.fakes.lark_api import CREATE, IMAGE, REPLY, FakeLark
from tests.fakes.slack_api import RESPONSE_URL, UPLOAD, FakeSlack
from tests.fakes.slack_requests import block_action, event, slash_command

PNG = b"\x89PNG"
MINUTE = dt.timedelta(minutes=1)
RECOVERY = 10  # minutes of ticks: the runner retries after 1, 2, 4 … minutes
SLACK_CHANNELS = ("C11", "C12", "C13")
LARK_CHATS = ("oc_north", "oc_south")
GROUP = "oc_group"
MY_TOP = "RM1,750.00"  # amir's 7 days × RM250.00, the top of the MY board


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as bot:
        yield bot


@pytest.fixture
def lark(tmp_path: Path) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path) as bot:
        yield bot


# --- the world and what users see -------------------------------------------------------------


def run_for(runner: Runner, minutes: int) -> None:
    """The scheduler's ticks, one a minute from NOW, as the leader would run them."""
    for minute in range(minutes):
        runner.tick(NOW + minute * MINUTE)


def ledger(app: App) -> dict[str, tuple[RunStatus, str | None]]:
    """Each subscribed channel's run: its status and the message it points at."""
    with app.sessions() as session:
        rows = session.execute(
            select(Subscription.channel, Run.status, Run.message_ref).join(
                Run, Run.subscription_id == Subscription.id
            )
        ).all()
    return {channel: (status, ref) for channel, status, ref in rows}


def slack_posts(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    """What the channel shows: every message Slack stored there, answered or not."""
    return [
        {**call.params, "ts": call.response["ts"]}
        for call in fake.calls("chat.postMessage")
        if not call.failed and call.params.get("channel") == channel
    ]


def slack_chart(fake: FakeSlack, post: dict[str, Any]) -> bytes:
    """The PNG the post's image block shows (it must be an upload Slack completed)."""
    (image,) = [b for b in post["blocks"] if b["type"] == "image"]
    uploads = {u["file_id"]: u["content"] for u in fake.uploads()}
    return bytes(uploads[image["slack_file"]["id"]])


def only_answer(fake: FakeSlack, url: str) -> dict[str, Any]:
    """The one answer posted to a response_url (a second would have arrived within 0.3 s)."""
    fake.wait_for(lambda: len(fake.responses(url)) >= 1, timeout=15)
    time.sleep(0.3)
    (answer,) = fake.responses(url)
    return answer


def lark_posts(fake: FakeLark, chat: str) -> list[dict[str, Any]]:
    """The top-level cards in a chat (posts, not replies), decoded."""
    return [
        json.loads(m["content"])
        for m in fake.messages(chat)
        if m["msg_type"] == "interactive" and m["parent_id"] is None
    ]


def lark_chart(fake: FakeLark, card: dict[str, Any]) -> bytes:
    """The PNG the card shows (it must be an image Lark stored)."""
    images = {i["image_key"]: i["content"] for i in fake.images()}
    (key,) = [k for k in images if k in json.dumps(card)]
    return bytes(images[key])


def assert_slack_posted_once(bot: SlackBot, channels: tuple[str, ...]) -> None:
    """One post per channel, with its chart, and the ledger pointing at it."""
    runs = ledger(bot.app)
    for channel in channels:
        (post,) = slack_posts(bot.fake, channel)
        assert MY_TOP in json.dumps(post["blocks"])
        assert slack_chart(bot.fake, post).startswith(PNG)
        assert runs[channel] == (RunStatus.POSTED, f"{channel}:{post['ts']}")


def assert_lark_posted_once(bot: LarkBot, chats: tuple[str, ...]) -> None:
    """One card per chat, with its chart, and the ledger pointing at it."""
    runs = ledger(bot.app)
    for chat in chats:
        (card,) = lark_posts(bot.fake, chat)
        assert MY_TOP in json.dumps(card, ensure_ascii=False)
        assert lark_chart(bot.fake, card).startswith(PNG)
        (message,) = [m for m in bot.fake.messages(chat) if m["parent_id"] is None]
        assert runs[chat] == (RunStatus.POSTED, f"{chat}:{message['message_id']}")


# --- Slack ------------------------------------------------------------------------------------


def test_slack_429s_and_5xx_on_posting_lose_no_scheduled_post(slack: SlackBot) -> None:
    subscribe_channels(slack.app, "slack", "T1", SLACK_CHANNELS)
    slack.fake.fail("chat.postMessage", status=429, times=2, retry_after=0)
    slack.fake.fail("chat.postMessage", status=500, times=2)
    run_for(job_runner(slack.app, slack.running.posters()), RECOVERY)
    assert_slack_posted_once(slack, SLACK_CHANNELS)
    refused = [c.status for c in slack.fake.calls("chat.postMessage") if c.failed]
    assert refused == [429, 429, 500, 500]  # the whole burst was met


def test_slack_429s_and_5xx_on_chart_uploads_lose_no_chart(slack: SlackBot) -> None:
    subscribe_channels(slack.app, "slack", "T1", SLACK_CHANNELS)
    slack.fake.fail("files.getUploadURLExternal", status=500)
    slack.fake.fail(UPLOAD, status=503)
    slack.fake.fail("files.completeUploadExternal", status=429, retry_after=0)
    run_for(job_runner(slack.app, slack.running.posters()), RECOVERY)
    assert_slack_posted_once(slack, SLACK_CHANNELS)
    assert sorted(c.status for c in slack.fake.calls() if c.failed) == [429, 500, 503]


def test_slack_429s_past_the_retry_budget_are_posted_on_a_later_tick(slack: SlackBot) -> None:
    subscribe_channels(slack.app, "slack", "T1", SLACK_CHANNELS[:1])
    slack.fake.fail("chat.postMessage", status=429, times=RATE_LIMIT_RETRIES + 1, retry_after=0)
    runner = job_runner(slack.app, slack.running.posters())
    assert runner.tick(NOW).failed  # the client gave up; the ledger keeps the run for later
    assert slack_posts(slack.fake, "C11") == []
    run_for(runner, RECOVERY)
    assert_slack_posted_once(slack, SLACK_CHANNELS[:1])


def test_slack_a_burst_on_the_response_url_still_answers_the_command_once(
    slack: SlackBot,
) -> None:
    url = slack.fake.response_url("burst")
    slack.fake.fail(RESPONSE_URL, status=429, retry_after=1)
    slack.fake.fail(RESPONSE_URL, status=503, times=2)
    status, _, _ = slack.send(slash_command("/leaderboard", "gmv 7d MY", response_url=url))
    assert status == 200
    answer = only_answer(slack.fake, url)
    assert MY_TOP in json.dumps(answer["blocks"])
    assert [c.status for c in slack.fake.calls(RESPONSE_URL)] == [429, 503, 503, 200]


def test_slack_a_chart_upload_failing_during_a_command_still_answers_it(slack: SlackBot) -> None:
    url = slack.fake.response_url("creator")
    slack.fake.fail(UPLOAD, status=503)
    slack.send(slash_command("/creator", "amir", response_url=url))
    answer = only_answer(slack.fake, url)
    assert "@amir" in json.dumps(answer["blocks"])  # the profile, not an apology
    completed = {u["file_id"] for u in slack.fake.uploads()}
    shown = [b["slack_file"]["id"] for b in answer["blocks"] if b["type"] == "image"]
    assert set(shown) <= completed  # no image block points at the upload that failed


@pytest.mark.parametrize("method", ["chat.postMessage", "files.completeUploadExternal", UPLOAD])
def test_slack_a_connection_lost_after_slack_stored_it_leaves_one_post(
    slack: SlackBot, method: str
) -> None:
    subscribe_channels(slack.app, "slack", "T1", SLACK_CHANNELS[:1])
    slack.fake.reset_after(method)
    run_for(job_runner(slack.app, slack.running.posters()), RECOVERY)
    assert slack.fake.calls(method)[0].dropped
    assert_slack_posted_once(slack, SLACK_CHANNELS[:1])


def mention(channel: str, *, im: bool = False) -> bytes:
    """`@creatorbot leaderboard gmv 7d MY` in a channel, or the same words in a DM."""
    said: dict[str, Any] = {
        "type": "message" if im else "app_mention",
        "user": "U1",
        "text": "leaderboard gmv 7d MY" if im else "<@UBOT> leaderboard gmv 7d MY",
        "channel": channel,
        "ts": "1700000000.000042",
        "team": "T1",
    }
    if im:
        said["channel_type"] = "im"
    return event(said, event_id=f"Ev-{channel}")


def share(slack: SlackBot, channel: str) -> bytes:
    """A click on an answer's Share in channel button."""
    url = slack.fake.response_url("share")
    return block_action("cb.share.0", "leaderboard gmv 7d MY", channel_id=channel, response_url=url)


@pytest.mark.parametrize("asked", ["mention", "direct message", "share"])
def test_slack_an_answer_whose_connection_was_lost_after_slack_stored_it_is_posted_once(
    slack: SlackBot, asked: str
) -> None:
    channel = "D7" if asked == "direct message" else "C7"
    body = {
        "mention": lambda: mention(channel),
        "direct message": lambda: mention(channel, im=True),
        "share": lambda: share(slack, channel),
    }[asked]()
    slack.fake.reset_after("chat.postMessage")
    assert slack.send(body)[0] == 200
    slack.fake.wait_for(lambda: len(slack_posts(slack.fake, channel)) >= 1, 15)
    time.sleep(1.5)  # a second post (slack_sdk resends after about a second) would be here
    (post,) = slack_posts(slack.fake, channel)
    assert slack.fake.calls("chat.postMessage")[0].dropped
    assert MY_TOP in json.dumps(post["blocks"])
    if asked == "mention":
        assert post["thread_ts"] == "1700000000.000042"  # in the thread it was asked in
    assert slack.fake.ephemerals() == []  # and nobody was told it failed


def test_slack_an_answer_on_a_response_url_is_not_sent_again_after_a_lost_connection(
    slack: SlackBot,
) -> None:
    """A response_url has no idempotency key and no history: an answer whose connection went
    after Slack took it is not sent again (only a 429 or 5xx says Slack did not take it)."""
    url = slack.fake.response_url("lost")
    slack.fake.reset_after(RESPONSE_URL)
    slack.send(slash_command("/leaderboard", "gmv 7d MY", response_url=url))
    slack.fake.wait_for(lambda: len(slack.fake.responses(url)) >= 1, 15)
    time.sleep(1.5)  # a second post (slack_sdk resends after about a second) would be here
    (answer,) = slack.fake.responses(url)
    assert MY_TOP in json.dumps(answer["blocks"])
    assert len(slack.fake.calls(RESPONSE_URL)) == 1


# --- Lark -------------------------------------------------------------------------------------


def test_lark_429s_and_5xx_on_sends_and_images_lose_no_scheduled_post(lark: LarkBot) -> None:
    subscribe_channels(lark.app, "lark", le.TENANT_KEY, LARK_CHATS)
    lark.fake.fail(CREATE, status=429, reset=1)
    lark.fake.fail(CREATE, status=500)
    lark.fake.fail(IMAGE, status=503)
    run_for(job_runner(lark.app, lark.running.posters()), RECOVERY)
    assert_lark_posted_once(lark, LARK_CHATS)
    refused = sorted(c.status for c in lark.fake.calls() if c.failed)
    assert refused == [429, 500, 503]


@pytest.mark.parametrize("method", [CREATE, IMAGE])
def test_lark_a_burst_past_the_retry_budget_is_posted_on_a_later_tick(
    lark: LarkBot, method: str
) -> None:
    waits: list[float] = []
    lark.running.platforms["lark"].api.sleep = waits.append  # the waits, without the waiting
    subscribe_channels(lark.app, "lark", le.TENANT_KEY, LARK_CHATS[:1])
    lark.fake.fail(method, status=429, times=LARK_RETRIES + 1, reset=1)
    runner = job_runner(lark.app, lark.running.posters())
    assert runner.tick(NOW).failed  # given up after the retries; the ledger keeps it
    assert lark_posts(lark.fake, LARK_CHATS[0]) == []
    assert waits == [1.0] * LARK_RETRIES  # each wait was the reset header's
    run_for(runner, RECOVERY)
    assert_lark_posted_once(lark, LARK_CHATS[:1])


def test_lark_a_burst_on_the_reply_still_answers_the_command_once(lark: LarkBot) -> None:
    lark.fake.fail(REPLY, status=429, reset=1)
    lark.fake.fail(REPLY, status=502)
    event = le.message_event("@_user_1 leaderboard gmv 7d MY", GROUP, mentions=[le.BOT_OPEN_ID])
    status, _ = lark.deliver(event)
    assert status == 200
    (card,) = lark.cards(GROUP)
    assert MY_TOP in json.dumps(card, ensure_ascii=False)
    calls = lark.fake.calls(REPLY)
    assert [c.status for c in calls] == [429, 502, 200]
    assert len({c.params["uuid"] for c in calls}) == 1  # one answer, sent three times


@pytest.mark.parametrize("method", [CREATE, IMAGE])
def test_lark_a_connection_lost_after_lark_stored_it_leaves_one_post(
    lark: LarkBot, method: str
) -> None:
    subscribe_channels(lark.app, "lark", le.TENANT_KEY, LARK_CHATS[:1])
    lark.fake.reset_after(method)
    run_for(job_runner(lark.app, lark.running.posters()), RECOVERY)
    assert lark.fake.calls(method)[0].dropped
    assert_lark_posted_once(lark, LARK_CHATS[:1])


@pytest.mark.parametrize("asked", ["group", "direct message"])
def test_lark_an_answer_whose_connection_was_lost_after_lark_stored_it_is_sent_once(
    lark: LarkBot, asked: str
) -> None:
    if asked == "group":
        method, chat = REPLY, GROUP
        said = le.message_event("@_user_1 leaderboard gmv 7d MY", chat, mentions=[le.BOT_OPEN_ID])
    else:
        method, chat = CREATE, "oc_dm1"
        said = le.message_event("leaderboard gmv 7d MY", chat, chat_type="p2p")
    lark.fake.reset_after(method)
    status, _ = lark.deliver(said)
    assert status == 200
    (card,) = lark.cards(chat)
    time.sleep(1.0)  # a second answer would be here by now (the client retries after 0.5 s)
    assert len(lark.fake.cards(chat)) == 1
    assert MY_TOP in json.dumps(card, ensure_ascii=False)
    calls = lark.fake.calls(method)
    assert calls[0].dropped and len(calls) == 2  # sent again, and Lark kept the first
    assert len({c.params["uuid"] for c in calls}) == 1 and calls[0].params["uuid"]
