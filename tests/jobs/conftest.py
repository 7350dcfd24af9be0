"""Jobs under an injected clock: a runner with a recording poster and a trivial job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import Services
from creatorbot.commands.reply import Reply, Text
from creatorbot.jobs.posting import Posters
from creatorbot.jobs.registry import JobRun, JobSpec, Post
from creatorbot.jobs.runner import Runner
from creatorbot.storage.models import Subscription, SubscriptionKind
from creatorbot.storage.subscriptions import subscribe
from tests.fakes.poster import RecordingPoster

GRACE = dt.timedelta(hours=3)


def hello(run: JobRun) -> Post:
    """A post naming its subscription and period, so tests can read what went out."""
    return Post(Reply((Text(f"#{run.subscription.id} {run.period.key}"),)))


HELLO = {"snapshot": JobSpec("snapshot", SubscriptionKind.SNAPSHOT, hello, war_room=True)}


@pytest.fixture
def poster() -> RecordingPoster:
    """The platform every test subscription posts to."""
    return RecordingPoster()


@pytest.fixture
def make_runner(sessions: sessionmaker[Session], poster: RecordingPoster) -> Callable[..., Runner]:
    """A runner named `worker` over the test database."""

    def make(worker: str = "w1", jobs: dict[str, JobSpec] | None = None) -> Runner:
        return Runner(
            Services(sessions=sessions),
            Posters({"slack": poster}),
            jobs or HELLO,
            worker=worker,
            grace=GRACE,
        )

    return make


@pytest.fixture
def add_subscription(sessions: sessionmaker[Session]) -> Callable[..., Subscription]:
    """Subscribe a Slack channel, effective from `since`."""

    def add(
        channel: str,
        market: str = "MY",
        at: str = "09:00",
        *,
        since: dt.datetime,
        kind: SubscriptionKind = SubscriptionKind.SNAPSHOT,
        war_room: bool = False,
    ) -> Subscription:
        with sessions.begin() as session:
            subscription = subscribe(
                platform="slack",
                workspace="T1",
                channel=channel,
                kind=kind,
                market=market,
                at_time=at,
                locale="en",
                created_by="U1",
                now=since,
                session=session,
            )
            subscription.war_room = war_room
            return subscription

    return add


def utc(*parts: int) -> dt.datetime:
    """A UTC instant."""
    return dt.datetime(*parts, tzinfo=dt.UTC)  # type: ignore[misc]


def every(start: dt.datetime, end: dt.datetime, step: dt.timedelta) -> list[dt.datetime]:
    """The instants from start to end (inclusive) at `step`."""
    moments = []
    while start <= end:
        moments.append(start)
        start += step
    return moments
