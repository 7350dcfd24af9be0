"""Scheduled posts on Slack (the fake, on 127.0.0.1): tagged with their ledger key, waited
through 429s, retried after 5xx, and found again instead of posted twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.slack.poster import slack_client, slack_poster
from creatorbot.commands.core import Services
from creatorbot.jobs.posting import Posters, Target
from creatorbot.jobs.runner import Runner, ledger_key
from creatorbot.storage.models import Subscription
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import GRACE, HELLO, every, utc

CHANNELS = ("C1", "C2", "C3")


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def runner(sessions: sessionmaker[Session], slack: FakeSlack) -> Runner:
    posters = Posters({"slack": slack_poster("xoxb-test", slack.api_url)})
    return Runner(Services(sessions=sessions), posters, HELLO, worker="w1", grace=GRACE)


def test_a_post_carries_its_ledger_key_and_can_be_found_again(
    runner: Runner, slack: FakeSlack, add_subscription: Callable[..., Subscription]
) -> None:
    sub = add_subscription("C1", since=utc(2026, 11, 23, 12))
    runner.tick(utc(2026, 11, 24, 1))
    [post] = slack.posts("C1")
    key = ledger_key("snapshot", sub.id, "2026-11-24")
    assert post["metadata"] == {"event_type": "creatorbot_post", "event_payload": {"key": key}}
    poster = slack_poster("xoxb-test", slack.api_url)
    channel = Target("slack", "T1", "C1")
    [call] = slack.calls("chat.postMessage")
    assert poster.find(channel, key) == f"C1:{call.response['ts']}"
    assert poster.find(channel, ledger_key("snapshot", sub.id, "2026-11-25")) is None


def test_429s_and_500s_for_a_while_still_give_one_post_per_channel(
    runner: Runner,
    slack: FakeSlack,
    add_subscription: Callable[..., Subscription],
) -> None:
    for channel in CHANNELS:
        add_subscription(channel, since=utc(2026, 11, 23, 12))
    slack.fail("chat.postMessage", status=429, times=2, retry_after=1)
    slack.fail("chat.postMessage", status=500, times=4)
    for moment in every(utc(2026, 11, 24, 1), utc(2026, 11, 24, 1, 30), dt.timedelta(minutes=1)):
        runner.tick(moment)
    assert [len(slack.posts(channel)) for channel in CHANNELS] == [1, 1, 1]
    failed = [c for c in slack.calls("chat.postMessage") if c.failed]
    assert sorted(c.status for c in failed) == [429, 429, 500, 500, 500, 500]


def test_a_post_is_found_again_behind_150_later_messages(
    runner: Runner, slack: FakeSlack, add_subscription: Callable[..., Subscription]
) -> None:
    """operations.md: a post whose fate is unknown is looked for in the channel's last 200
    messages; 150 people talking after it do not hide it."""
    sub = add_subscription("C1", since=utc(2026, 11, 23, 12))
    runner.tick(utc(2026, 11, 24, 1))
    chatter = slack_client("xoxb-test", slack.api_url)
    for n in range(150):
        chatter.chat_postMessage(channel="C1", text=f"message {n}")
    poster = slack_poster("xoxb-test", slack.api_url)
    key = ledger_key("snapshot", sub.id, "2026-11-24")
    assert poster.find(Target("slack", "T1", "C1"), key) is not None
