"""`digest`: what a channel subscribes to, as its members manage it in chat."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage import ledger
from creatorbot.storage.models import Run, RunStatus, Subscription, SubscriptionKind

NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)


class Chat:
    """Commands typed in one Slack channel, with a counter of `digest run` wake-ups."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.woken = 0
        self.sessions = sessions
        self.router = Router(
            commands(),
            Services(
                sessions=sessions,
                clock=lambda: NOW,
                wake_jobs=self.wake,
                admins=frozenset({"U1"}),  # subscriptions are for admins
            ),
        )

    def wake(self) -> None:
        # Called after the commit: the queued run must already be visible to another session.
        with self.sessions() as session:
            assert session.scalars(select(Run).where(Run.status == RunStatus.PENDING)).first()
        self.woken += 1

    def say(self, text: str, channel: str = "C1", locale: str = "en") -> tuple[bool, str]:
        reply = self.router.handle(
            CommandRequest(
                text=text,
                platform="slack",
                workspace="T1",
                channel=channel,
                user="U1",
                locale=locale,
            )
        )
        return reply.ok, render(reply)


@pytest.fixture
def chat(sessions: sessionmaker[Session]) -> Chat:
    return Chat(sessions)


def subscriptions(sessions: sessionmaker[Session]) -> list[Subscription]:
    with sessions() as session:
        return list(session.scalars(select(Subscription).order_by(Subscription.id)))


def test_subscribe_stores_the_channel_market_time_and_language(
    chat: Chat, sessions: sessionmaker[Session]
) -> None:
    ok, text = chat.say("digest subscribe snapshot MY at 8:30")
    assert ok
    assert "daily ranking snapshot" in text and "08:30" in text and "Asia/Kuala_Lumpur" in text
    [sub] = subscriptions(sessions)
    assert (sub.platform, sub.workspace, sub.channel) == ("slack", "T1", "C1")
    assert (sub.kind, sub.market, sub.at_time, sub.locale) == (
        SubscriptionKind.SNAPSHOT,
        "MY",
        "08:30",
        "en",
    )
    assert sub.created_at.replace(tzinfo=dt.UTC) == NOW  # nothing before it is ever posted


def test_defaults_are_nine_in_the_morning_and_the_market_of_the_language(
    chat: Chat, sessions: sessionmaker[Session]
) -> None:
    ok, _ = chat.say("digest subscribe alerts", locale="it")
    assert ok
    [sub] = subscriptions(sessions)
    assert (sub.market, sub.at_time, sub.locale) == ("IT", "09:00", "it")


def test_list_pause_resume_war_room_and_unsubscribe(
    chat: Chat, sessions: sessionmaker[Session]
) -> None:
    chat.say("digest subscribe snapshot MY")
    chat.say("digest subscribe feedback IT at 17:00")
    ok, text = chat.say("digest list")
    assert ok and "#1" in text and "#2" in text and "17:00" in text
    assert text.count("#1") == 1, text  # once, in its own column
    assert chat.say("digest pause 1")[0]
    assert "paused" in chat.say("digest list")[1]
    assert chat.say("digest resume 1")[0]
    ok, text = chat.say("digest war-room 1 on")
    assert ok and "every hour" in text
    assert [s.war_room for s in subscriptions(sessions)] == [True, False]
    ok, text = chat.say("digest war-room 2 on")
    assert not ok and "snapshot subscriptions only" in text
    assert chat.say("digest unsubscribe 2")[0]
    assert [s.id for s in subscriptions(sessions)] == [1]


def test_another_channels_subscription_cannot_be_touched(
    chat: Chat, sessions: sessionmaker[Session]
) -> None:
    chat.say("digest subscribe snapshot MY", channel="C1")
    ok, text = chat.say("digest unsubscribe 1", channel="C2")
    assert not ok and "no subscription #1" in text
    assert len(subscriptions(sessions)) == 1


def test_run_queues_a_post_and_wakes_the_scheduler_after_the_commit(
    chat: Chat, sessions: sessionmaker[Session]
) -> None:
    chat.say("digest subscribe snapshot MY")
    ok, text = chat.say("digest run 1")
    assert ok and "Posting now" in text
    assert chat.woken == 1
    with sessions() as session:
        [run] = session.scalars(select(Run)).all()
        assert (run.job, run.status, run.period) == (
            "snapshot",
            RunStatus.PENDING,
            "manual:2026-11-24T01:30:00",
        )
    ok, text = chat.say("digest run 1")  # the same second: already on its way
    assert not ok and "on its way" in text


def test_list_shows_failed_posts_with_the_error_and_the_retry(
    chat: Chat, sessions: sessionmaker[Session]
) -> None:
    chat.say("digest subscribe snapshot MY")
    with sessions.begin() as session:
        run_id = ledger.claim_new("snapshot", 1, "2026-11-24", worker="w", now=NOW, session=session)
        assert run_id is not None
        ledger.failed(
            run_id,
            worker="w",
            error="PostFailed: Slack 500: internal_error",
            retry_at=NOW + dt.timedelta(minutes=4),
            session=session,
        )
        ledger.skip("snapshot", 1, "2026-11-23", now=NOW, session=session)
    ok, text = chat.say("digest list")
    assert ok
    # In Malaysia's calendar and clock, never the ledger's keys or UTC.
    assert "too late to post: #1 23 Nov 2026" in text
    assert "#1 24 Nov 2026 failed after 1 attempt" in text
    assert "Slack 500: internal_error" in text and "retrying at 24 Nov 2026 09:34" in text
    assert "UTC" not in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("digest subscribe snapshto", "Did you mean `snapshot`?"),
        ("digest subscribe", "Subscribe to what?"),
        ("digest subscribe snapshot MY at 25:00", "not a time of day"),
        ("digest subscribe snapshot XX", "I don't understand “XX”"),
        ("digest pause", "Which subscription?"),
        ("digest pause abc", "not a subscription number"),
        ("digest war-room 1 maybe", "Say `on` or `off`"),
        ("digest frobnicate", "I don't understand “frobnicate”"),
    ],
)
def test_bad_input_gets_a_clear_answer(chat: Chat, text: str, expected: str) -> None:
    ok, answer = chat.say(text)
    assert not ok
    assert expected in answer


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("it", "Ho iscritto questo canale"), ("ms", "Saluran ini kini melanggan")],
)
def test_italian_and_malay_answers(chat: Chat, locale: str, expected: str) -> None:
    ok, text = chat.say("digest subscribe snapshot MY", locale=locale)
    assert ok and expected in text
    ok, text = chat.say("digest list", locale=locale)
    assert ok and "#1" in text
