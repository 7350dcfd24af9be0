"""Slack's users.info and conversations.info failing, rate-limited or slow, under the real bot:
a command is still answered (in English when the asker's language is unknown), a channel Slack
will not describe gets no public post, and a failed look-up does not stand for the hour."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from creatorbot.bot.slack import convert
from tests.bot.slack_harness import SlackBot, running_bot
from tests.fakes.slack_requests import slash_command

ITALIAN = "Classifica GMV · IT"  # U2's Slack is in Italian
ENGLISH = "GMV leaderboard · IT"
SORRY = "Sorry, I couldn't answer that just now."


@pytest.fixture
def slack(tmp_path: Path, database_url: str | None, slack_waits: list[float]) -> Iterator[SlackBot]:
    with running_bot(tmp_path, database_url=database_url) as bot:
        yield bot


def ask(bot: SlackBot, text: str, *, user: str = "U2", channel: str = "C1") -> tuple[str, float]:
    """What `/creatorbot TEXT` answers, and how long the bot took to acknowledge it."""
    url = bot.fake.response_url("ask")
    body = slash_command("/creatorbot", text, user_id=user, channel_id=channel, response_url=url)
    status, _, seconds = bot.send(body)
    assert status == 200
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1, timeout=15)
    return json.dumps(bot.fake.responses(url)[0], ensure_ascii=False), seconds


@pytest.mark.parametrize(
    "fault",
    [{"status": 500}, {"status": 200, "error": "user_not_found"}],
    ids=["500", "not-ok"],
)
def test_a_profile_slack_will_not_give_is_answered_in_english(
    slack: SlackBot, fault: dict[str, int | str]
) -> None:
    slack.fake.fail("users.info", **fault)  # type: ignore[arg-type]
    shown, _ = ask(slack, "leaderboard IT")
    assert ENGLISH in shown
    assert SORRY not in shown


def test_a_profile_rate_limited_for_a_while_is_waited_for(
    slack: SlackBot, slack_waits: list[float]
) -> None:
    slack.fake.fail("users.info", status=429, times=3, retry_after=5)
    shown, _ = ask(slack, "leaderboard IT")
    assert ITALIAN in shown
    assert len(slack_waits) == 3 and all(5 <= wait < 6 for wait in slack_waits)


def test_a_slow_profile_delays_the_answer_not_the_acknowledgement(slack: SlackBot) -> None:
    slack.fake.delay("users.info", 3.5)  # longer than the 3 seconds Slack waits for the ack
    started = time.monotonic()
    shown, acked_in = ask(slack, "leaderboard IT")
    assert acked_in < 1.5
    assert time.monotonic() - started >= 3.5
    assert ITALIAN in shown


def test_a_profile_slack_failed_to_give_is_asked_for_again_on_a_later_command(
    slack: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    moved = [0.0]
    clock = SimpleNamespace(monotonic=lambda: time.monotonic() + moved[0])
    monkeypatch.setattr(convert, "time", clock)  # what the bot remembers, half a minute on
    slack.fake.fail("users.info", status=500)
    assert ENGLISH in ask(slack, "leaderboard IT")[0]
    moved[0] = 31.0
    assert ITALIAN in ask(slack, "leaderboard IT")[0]
    assert len(slack.fake.calls("users.info")) == 2


@pytest.mark.parametrize(
    "fault",
    [{"status": 500}, {"status": 200, "error": "channel_not_found"}],
    ids=["500", "not-ok"],
)
def test_a_channel_slack_will_not_describe_gets_no_subscription(
    slack: SlackBot, fault: dict[str, int | str]
) -> None:
    slack.fake.fail("conversations.info", **fault)  # type: ignore[arg-type]
    refused, _ = ask(slack, "digest subscribe snapshot MY", user="U1", channel="C5")
    assert "Slack Connect" in refused
    assert "Subscribed" not in refused
