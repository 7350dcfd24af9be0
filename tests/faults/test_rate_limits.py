"""Rate limits as Slack and Lark answer them, against the real bot: how many times each call is
tried again (docs/operations.md), and what the run ledger, `digest list` and the asker see when
the platform keeps refusing. Slack: 429 with `Retry-After`. Lark: 429 with code 99991400 and
`x-ogw-ratelimit-reset`, or HTTP 400 with the same code and headers from its older APIs."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from creatorbot.storage.models import Run, RunStatus
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import NOW, job_runner, subscribe_channels
from tests.fakes import lark_events as le
from tests.fakes.lark_api import CREATE, RATE_LIMITED, REPLY
from tests.fakes.slack_api import RESPONSE_URL
from tests.fakes.slack_requests import event, slash_command

# What the docs promise, written here rather than read from the code.
SLACK_RETRIES = 6  # operations.md: a 429 from Slack is retried "up to 6 times per call"
LARK_RETRIES = 6  # operations.md: Lark's 429 or code 99991400 is retried "up to 6 times"
# A response_url takes five posts in all: the answer and three retries leave one spare.
RESPONSE_URL_RETRIES = 3
# operations.md: a failed post is retried after 1, 2, 4, 8, 16, 32 and 60 minutes (8 attempts).
TRIED_AT = [0, 1, 3, 7, 15, 31, 63, 123]
MINUTE = dt.timedelta(minutes=1)
CHANNEL = "C11"
CHAT = "oc_north"
GROUP = "oc_group"
MY_TOP = "RM1,750.00"  # amir's 7 days × RM250.00, the top of the MY board
SORRY = "Sorry, I couldn't answer that just now. Please try again in a minute."


@pytest.fixture
def slack(tmp_path: Path, database_url: str | None, slack_waits: list[float]) -> Iterator[SlackBot]:
    with running_bot(tmp_path, database_url=database_url) as bot:
        yield bot


@pytest.fixture
def lark(tmp_path: Path, database_url: str | None) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path, database_url=database_url) as bot:
        yield bot


@pytest.fixture
def lark_waits(lark: LarkBot) -> list[float]:
    """The Lark client's waits, recorded instead of slept."""
    waits: list[float] = []
    lark.running.platforms["lark"].api.sleep = waits.append
    return waits


# --- what the ledger and users see ------------------------------------------------------------


def the_run(bot: SlackBot | LarkBot) -> Run:
    """The one run of the ledger."""
    with bot.app.sessions() as session:
        (run,) = session.scalars(select(Run)).all()
        session.expunge(run)
    return run


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored moment in UTC (SQLite gives it back without its zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def statuses(calls: list[Any]) -> list[int]:
    return [c.status for c in calls]


def slack_answer(bot: SlackBot, text: str, channel: str) -> str:
    """What `/creatorbot TEXT` answers U1 (an admin) in `channel`."""
    url = bot.fake.response_url("ask")
    bot.send(slash_command("/creatorbot", text, channel_id=channel, response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1, timeout=15)
    return json.dumps(bot.fake.responses(url)[0], ensure_ascii=False)


def mention(channel: str) -> bytes:
    """`@creatorbot leaderboard gmv 7d MY`, said by U1 in a channel."""
    said = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> leaderboard gmv 7d MY",
        "channel": channel,
        "ts": "1700000000.000042",
        "team": "T1",
    }
    return event(said, event_id=f"Ev-{channel}-{time.monotonic_ns()}")


def lark_texts(bot: LarkBot, chat: str) -> list[str]:
    """The plain text messages the bot sent to a chat."""
    return [
        json.loads(m["content"])["text"] for m in bot.fake.messages(chat) if m["msg_type"] == "text"
    ]


# --- Slack: scheduled posts -------------------------------------------------------------------


def test_slack_a_scheduled_post_is_posted_after_six_429s_in_the_same_tick(
    slack: SlackBot, slack_waits: list[float]
) -> None:
    subscribe_channels(slack.app, "slack", "T1", (CHANNEL,))
    slack.fake.fail("chat.postMessage", status=429, times=SLACK_RETRIES, retry_after=2)
    report = job_runner(slack.app, slack.running.posters()).tick(NOW)
    assert report.failed == [] and len(report.posted) == 1
    assert statuses(slack.fake.calls("chat.postMessage")) == [429] * SLACK_RETRIES + [200]
    assert len(slack_waits) == SLACK_RETRIES
    assert all(2 <= wait < 3 for wait in slack_waits)  # each Retry-After honoured
    (post,) = slack.fake.posts(CHANNEL)
    assert MY_TOP in json.dumps(post["blocks"])
    run = the_run(slack)
    assert (run.status, run.attempts) == (RunStatus.POSTED, 1)
    assert run.message_ref is not None and run.message_ref.startswith(f"{CHANNEL}:")


def test_slack_a_seventh_429_fails_the_post_and_the_ledger_posts_it_a_minute_later(
    slack: SlackBot,
) -> None:
    subscribe_channels(slack.app, "slack", "T1", (CHANNEL,))
    slack.fake.fail("chat.postMessage", status=429, times=SLACK_RETRIES + 1, retry_after=0)
    runner = job_runner(slack.app, slack.running.posters())
    assert len(runner.tick(NOW).failed) == 1
    assert statuses(slack.fake.calls("chat.postMessage")) == [429] * (SLACK_RETRIES + 1)
    assert slack.fake.posts(CHANNEL) == []
    run = the_run(slack)
    assert (run.status, run.attempts) == (RunStatus.FAILED, 1)
    assert "Slack 429: ratelimited" in (run.error or "")
    assert utc(run.next_attempt_at) == NOW + MINUTE
    shown = slack_answer(slack, "digest list", CHANNEL)
    # NOW is 09:30 in Kuala Lumpur: the retry is at 09:31 there.
    assert "failed after 1 attempt (PostFailed: Slack 429: ratelimited); retrying at" in shown
    assert "09:31" in shown
    assert runner.tick(NOW + MINUTE - dt.timedelta(seconds=1)).failed == []
    assert len(slack.fake.calls("chat.postMessage")) == SLACK_RETRIES + 1  # not before its time
    assert len(runner.tick(NOW + MINUTE).posted) == 1
    (post,) = slack.fake.posts(CHANNEL)
    assert MY_TOP in json.dumps(post["blocks"])
    run = the_run(slack)
    assert (run.status, run.attempts) == (RunStatus.POSTED, 2)


def test_slack_a_post_met_by_429s_all_along_is_tried_eight_times_then_given_up(
    slack: SlackBot,
) -> None:
    subscribe_channels(slack.app, "slack", "T1", (CHANNEL,))
    slack.fake.fail("chat.postMessage", status=429, times=10_000, retry_after=0)
    runner = job_runner(slack.app, slack.running.posters())
    tried_at: dict[int, int] = {}  # minute after NOW → chat.postMessage calls in that tick
    seen = 0
    for minute in range(TRIED_AT[-1] + 60):
        runner.tick(NOW + minute * MINUTE)
        calls = len(slack.fake.calls("chat.postMessage"))
        if calls > seen:
            tried_at[minute], seen = calls - seen, calls
    assert tried_at == {minute: SLACK_RETRIES + 1 for minute in TRIED_AT}
    assert slack.fake.posts(CHANNEL) == []
    run = the_run(slack)
    assert (run.status, run.attempts, run.next_attempt_at) == (RunStatus.FAILED, 8, None)
    shown = slack_answer(slack, "digest list", CHANNEL)
    assert "failed after 8 attempts (PostFailed: Slack 429: ratelimited); gave up" in shown


# --- Slack: answers ---------------------------------------------------------------------------


def test_slack_an_answer_to_a_mention_arrives_after_six_429s(
    slack: SlackBot, slack_waits: list[float]
) -> None:
    slack.fake.fail("chat.postMessage", status=429, times=SLACK_RETRIES, retry_after=0)
    assert slack.send(mention("C7"))[0] == 200
    slack.fake.wait_for(lambda: len(slack.fake.posts("C7")) >= 1, timeout=15)
    slack.settle()
    (post,) = slack.fake.posts("C7")
    assert MY_TOP in json.dumps(post["blocks"])
    assert post["thread_ts"] == "1700000000.000042"
    assert statuses(slack.fake.calls("chat.postMessage")) == [429] * SLACK_RETRIES + [200]
    assert len(slack_waits) == SLACK_RETRIES
    assert slack.fake.ephemerals() == []


def test_slack_a_mention_met_by_seven_429s_gets_an_apology(slack: SlackBot) -> None:
    slack.fake.fail("chat.postMessage", status=429, times=SLACK_RETRIES + 1, retry_after=0)
    assert slack.send(mention("C7"))[0] == 200
    slack.fake.wait_for(lambda: len(slack.fake.ephemerals()) >= 1, timeout=15)
    slack.settle()
    (apology,) = slack.fake.ephemerals()
    assert (apology["channel"], apology["user"], apology["text"]) == ("C7", "U1", SORRY)
    assert slack.fake.posts("C7") == []
    assert statuses(slack.fake.calls("chat.postMessage")) == [429] * (SLACK_RETRIES + 1)


def test_slack_a_command_answer_arrives_after_three_429s_on_its_response_url(
    slack: SlackBot,
) -> None:
    url = slack.fake.response_url("patient")
    slack.fake.fail(RESPONSE_URL, status=429, times=RESPONSE_URL_RETRIES, retry_after=0)
    slack.send(slash_command("/leaderboard", "gmv 7d MY", response_url=url))
    slack.fake.wait_for(lambda: len(slack.fake.responses(url)) >= 1, timeout=15)
    slack.settle()
    (answer,) = slack.fake.responses(url)
    assert MY_TOP in json.dumps(answer["blocks"])
    assert statuses(slack.fake.calls(RESPONSE_URL)) == [429] * RESPONSE_URL_RETRIES + [200]


def test_slack_a_command_answer_is_given_up_after_four_429s_leaving_a_post_spare(
    slack: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    url = slack.fake.response_url("refused")
    slack.fake.fail(RESPONSE_URL, status=429, times=100, retry_after=0)
    with caplog.at_level(logging.WARNING, logger="creatorbot.bot.slack.respond"):
        slack.send(slash_command("/leaderboard", "gmv 7d MY", response_url=url))
        slack.fake.wait_for(
            lambda: len(slack.fake.calls(RESPONSE_URL)) >= RESPONSE_URL_RETRIES + 1, timeout=15
        )
        slack.settle()
    assert statuses(slack.fake.calls(RESPONSE_URL)) == [429] * (RESPONSE_URL_RETRIES + 1)
    assert slack.fake.responses(url) == []
    assert "Slack refused the answer" in [r.getMessage() for r in caplog.records]


# --- Lark: scheduled posts --------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 400], ids=["429", "older-api-400"])
def test_lark_a_scheduled_post_is_sent_after_six_rate_limits_in_the_same_tick(
    lark: LarkBot, lark_waits: list[float], status: int
) -> None:
    subscribe_channels(lark.app, "lark", le.TENANT_KEY, (CHAT,))
    lark.fake.fail(CREATE, status=status, code=RATE_LIMITED, times=LARK_RETRIES, reset=2)
    report = job_runner(lark.app, lark.running.posters()).tick(NOW)
    assert report.failed == [] and len(report.posted) == 1
    calls = lark.fake.calls(CREATE)
    assert statuses(calls) == [status] * LARK_RETRIES + [200]
    assert len({c.params["uuid"] for c in calls}) == 1  # one message, sent seven times
    assert lark_waits == [2.0] * LARK_RETRIES  # each wait the reset header's
    (card,) = lark.fake.cards(CHAT)
    assert MY_TOP in json.dumps(card, ensure_ascii=False)
    run = the_run(lark)
    assert (run.status, run.attempts) == (RunStatus.POSTED, 1)


def test_lark_a_seventh_rate_limit_fails_the_post_and_the_ledger_sends_it_a_minute_later(
    lark: LarkBot, lark_waits: list[float]
) -> None:
    subscribe_channels(lark.app, "lark", le.TENANT_KEY, (CHAT,))
    # 52 s, the example of Lark's guide: waited 30 s at a time at most (operations.md).
    lark.fake.fail(CREATE, status=429, times=LARK_RETRIES + 1, reset=52)
    runner = job_runner(lark.app, lark.running.posters())
    assert len(runner.tick(NOW).failed) == 1
    assert statuses(lark.fake.calls(CREATE)) == [429] * (LARK_RETRIES + 1)
    assert lark_waits == [30.0] * LARK_RETRIES
    assert lark.fake.cards(CHAT) == []
    run = the_run(lark)
    assert (run.status, run.attempts) == (RunStatus.FAILED, 1)
    assert str(RATE_LIMITED) in (run.error or "")
    assert utc(run.next_attempt_at) == NOW + MINUTE
    assert len(runner.tick(NOW + MINUTE).posted) == 1
    (card,) = lark.fake.cards(CHAT)
    assert MY_TOP in json.dumps(card, ensure_ascii=False)
    assert the_run(lark).status is RunStatus.POSTED


# --- Lark: answers ----------------------------------------------------------------------------


def test_lark_an_answer_arrives_after_six_rate_limits(
    lark: LarkBot, lark_waits: list[float]
) -> None:
    lark.fake.fail(REPLY, status=429, times=LARK_RETRIES, reset=1)
    said = le.message_event("@_user_1 leaderboard gmv 7d MY", GROUP, mentions=[le.BOT_OPEN_ID])
    assert lark.deliver(said)[0] == 200
    (card,) = lark.cards(GROUP)
    assert MY_TOP in json.dumps(card, ensure_ascii=False)
    calls = lark.fake.calls(REPLY)
    assert statuses(calls) == [429] * LARK_RETRIES + [200]
    assert len({c.params["uuid"] for c in calls}) == 1
    assert lark_waits == [1.0] * LARK_RETRIES
    assert lark_texts(lark, lark.fake.dm("ou_1")) == []  # no apology


def test_lark_an_answer_met_by_seven_rate_limits_is_an_apology_in_the_askers_chat(
    lark: LarkBot, lark_waits: list[float]
) -> None:
    lark.fake.fail(REPLY, status=429, times=LARK_RETRIES + 1, reset=1)
    said = le.message_event("@_user_1 leaderboard gmv 7d MY", GROUP, mentions=[le.BOT_OPEN_ID])
    assert lark.deliver(said)[0] == 200
    dm = lark.fake.dm("ou_1")
    lark.fake.wait_for(lambda: len(lark_texts(lark, dm)) >= 1, timeout=15)
    lark.settle()
    assert lark_texts(lark, dm) == [SORRY]
    assert lark.fake.cards(GROUP) == []
    assert statuses(lark.fake.calls(REPLY)) == [429] * (LARK_RETRIES + 1)
