"""Two real `creatorbot run` replicas of two worker processes each, on one PostgreSQL, behind
no load balancer (the test delivers to both): an event delivered to both is answered once, a
scheduled post goes out once, and when the leading replica is killed outright (SIGKILL, in the
middle of a post) the other takes its scheduled work over within the leader lock's lease,
without posting twice. Without PostgreSQL: a failure in CI, a skip elsewhere."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from creatorbot.bot.app import build
from creatorbot.bot.settings import Settings
from creatorbot.storage.db import make_sessionmaker
from creatorbot.storage.models import Run, RunStatus, Subscription, SubscriptionKind
from creatorbot.storage.subscriptions import subscribe
from tests.bot.bot_process import BotProcess
from tests.bot.world import seed_world
from tests.conftest import DEFAULT_PG, private_schema
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import event, post, signed_headers

SECRET = "replicas-signing-secret"
TICK = 1  # the schedulers' heartbeat (s): the lease a standby waits out is about this long
START = 60.0  # four processes starting on a loaded 2-core machine
TAKEOVER = 20.0  # the lock freed when the dead leader's connection closes, then a tick
EVENTS = 6


@pytest.fixture
def database() -> Iterator[tuple[Engine, str]]:
    """A migrated schema of its own, and the URL the bots reach it by."""
    with private_schema("replicas") as (engine, schema):
        base = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
        yield engine, f"{base}?options=-csearch_path%3D{schema}"


def due_now(now: dt.datetime) -> tuple[str, str]:
    """A market and an HH:MM already passed today there (the post is due at once)."""
    for market, zone in (("MY", "Asia/Kuala_Lumpur"), ("IT", "Europe/Rome")):
        local = now.astimezone(ZoneInfo(zone))
        if local.hour or local.minute >= 2:
            return market, (local - dt.timedelta(minutes=1)).strftime("%H:%M")
    raise AssertionError("unreachable: the two markets are hours apart")


def subscribe_now(engine: Engine, channel: str) -> None:
    """`channel` subscribed yesterday to a snapshot due a minute ago."""
    now = dt.datetime.now(dt.UTC)
    market, at = due_now(now)
    with make_sessionmaker(engine).begin() as session:
        subscribe(
            platform="slack",
            workspace="T1",
            channel=channel,
            kind=SubscriptionKind.SNAPSHOT,
            market=market,
            at_time=at,
            locale="en",
            created_by="U1",
            now=now - dt.timedelta(days=1),
            session=session,
        )


def run_of(engine: Engine, channel: str) -> Run | None:
    with make_sessionmaker(engine)() as session:
        return session.scalars(
            select(Run).join(Subscription).where(Subscription.channel == channel)
        ).one_or_none()


def claimant(run: Run | None) -> int:
    """The process id that last claimed a run (`host:pid`)."""
    assert run is not None and run.claimed_by
    return int(run.claimed_by.rpartition(":")[2])


def mention(n: int) -> bytes:
    return event(
        {
            "type": "app_mention",
            "user": "U1",
            "text": "<@UBOT> leaderboard MY top 1",
            "channel": f"CE{n}",
            "ts": f"1700000000.{n:06d}",
            "team": "T1",
        },
        event_id=f"EvReplica{n}",
    )


def deliver_to_all(replicas: list[BotProcess], body: bytes) -> list[int]:
    """The same signed delivery to every replica at the same moment; their HTTP statuses."""
    statuses: list[int] = []

    def send(replica: BotProcess) -> None:
        status, _, _ = post(f"{replica.url}/slack/events", body, signed_headers(body, SECRET))
        statuses.append(status)

    threads = [threading.Thread(target=send, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def posts_with(fake: FakeSlack, channel: str, words: str) -> list[dict[str, Any]]:
    return [p for p in fake.posts(channel) if words in str(p.get("blocks"))]


def test_two_replicas_answer_once_post_once_and_take_over(
    database: tuple[Engine, str], tmp_path: Path
) -> None:
    engine, url = database
    app = build(Settings(DATABASE_URL=url, _env_file=None))
    seed_world(app)
    app.close()
    subscribe_now(engine, "CS1")
    with FakeSlack() as fake:
        fake.add_user("U1", locale="en-US")
        settings = {
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": "xoxb-replicas",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
            "CREATORBOT_PROCESSES": "2",
            "CREATORBOT_SCHEDULER_TICK_SECONDS": str(TICK),
            "CREATORBOT_RANKING_WARM": "false",
            "LOG_LEVEL": "INFO",
        }
        replicas = [BotProcess.start(tmp_path, name, settings) for name in ("a", "b")]
        try:
            for replica in replicas:
                replica.wait("two workers", lambda r=replica: len(r.workers()) == 2, START)
                replica.wait("ready", lambda r=replica: r.get("/readyz") == 200, START)

            # Each event delivered to both replicas at once: one answer each.
            for n in range(EVENTS):
                assert deliver_to_all(replicas, mention(n)) == [200, 200]
            fake.wait_for(lambda: all(fake.posts(f"CE{n}") for n in range(EVENTS)), 30)

            # The scheduled post: once, by whichever replica leads.
            fake.wait_for(lambda: bool(posts_with(fake, "CS1", "Daily ranking snapshot")), 30)
            leader_pid = claimant(run_of(engine, "CS1"))
            [leader] = [r for r in replicas if r.owns(leader_pid)]
            [survivor] = [r for r in replicas if r is not leader]

            # The leader dies outright while Slack stores its next post, before it hears back.
            def kill_the_leader(method: str, params: dict[str, object]) -> None:
                if method == "chat.postMessage" and params.get("channel") == "CS2":
                    fake.on_call = None
                    leader.kill()

            fake.on_call = kill_the_leader
            subscribe_now(engine, "CS2")
            leader.wait("the leader killed", lambda: leader.process.poll() is not None, 30)
        except AssertionError:
            for replica in replicas:
                replica.kill()
            raise
        try:
            killed_at = leader.process.returncode
            survivor.wait(
                "CS2's post taken over",
                lambda: (
                    (run := run_of(engine, "CS2")) is not None
                    and run.status is RunStatus.POSTED
                    and survivor.owns(claimant(run))
                ),
                TAKEOVER,
            )
            # The survivor answers alone now, once per event still.
            assert deliver_to_all([survivor], mention(EVENTS)) == [200]
            fake.wait_for(lambda: bool(fake.posts(f"CE{EVENTS}")), 30)
            assert survivor.get("/readyz") == 200
        finally:
            stopped = survivor.stop()
            leader.kill()

    assert killed_at == -9
    assert stopped == 0  # SIGTERM drains every worker and the supervisor exits cleanly
    answers = {n: fake.posts(f"CE{n}") for n in range(EVENTS + 1)}
    assert {n: len(posts) for n, posts in answers.items()} == dict.fromkeys(answers, 1)
    assert all("Amir" in str(posts[0]["blocks"]) for posts in answers.values())
    assert len(fake.posts("CS1")) == 1
    assert len(fake.posts("CS2")) == 1  # it went out once; the survivor asked, not posted again
    assert run_of(engine, "CS1").status is RunStatus.POSTED  # type: ignore[union-attr]
