"""The personal morning digest: each owner's own creators by DM, once a day, however many
ticks race for it."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import Services
from creatorbot.jobs.catalog import jobs
from creatorbot.jobs.posting import Posters
from creatorbot.jobs.runner import Runner
from creatorbot.storage.leader import LeaderLock
from creatorbot.storage.models import SubscriptionKind
from creatorbot.storage.subscriptions import subscribe
from tests.commands.conftest import creator_row, metric_row, seed
from tests.fakes.poster import RecordingPoster
from tests.jobs.conftest import GRACE, every, utc

END = dt.date(2026, 11, 23)
FARAH, MARCO = "farah@example.com", "marco@example.com"
OWNERS = {"aisha": FARAH, "badru": FARAH, "chen": MARCO, "dewi": "ops@example.com"}


def setup(sessions: sessionmaker[Session]) -> RecordingPoster:
    """Four creators (two Farah's, one Marco's, one nobody's on the platform), and Farah and
    Marco each subscribed to their morning portfolio at 09:00 Kuala Lumpur time."""
    creators = [creator_row(h, cm=cm, am=None) for h, cm in OWNERS.items()]
    metrics = [
        metric_row(END - dt.timedelta(days=n), h, 50_000 + 1_000 * i)
        for n in range(7)
        for i, h in enumerate(OWNERS)
    ]
    seed(sessions, creators, metrics)
    with sessions.begin() as session:
        for user in ("U1", "U2"):
            subscribe(
                platform="slack",
                workspace="T1",
                channel=user,
                kind=SubscriptionKind.PORTFOLIO,
                market="MY",
                at_time="09:00",
                locale="en",
                created_by=user,
                now=utc(2026, 11, 23, 12),
                session=session,
                owner=user,
            )
    return RecordingPoster(people={FARAH: "U1", MARCO: "U2"})


def runner(sessions: sessionmaker[Session], poster: RecordingPoster, worker: str) -> Runner:
    posters = Posters({"slack": poster})
    services = Services(sessions=sessions, lookup_user=posters.user_by_email)
    return Runner(services, posters, jobs(), worker=worker, grace=GRACE)


def test_each_owner_gets_their_portfolio_once_a_day_under_racing_ticks(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    """Three processes tick at the same instants for two days, each as the scheduler does
    (under the leader lock), and each also woken twice at once (a `digest run` and its
    heartbeat racing in one process)."""
    poster = setup(sessions)
    moments = every(utc(2026, 11, 24), utc(2026, 11, 26), dt.timedelta(minutes=20))
    barrier = threading.Barrier(3)
    failures: list[BaseException] = []

    def instance(worker: str) -> None:
        racer, lock = runner(sessions, poster, worker), LeaderLock(engine)
        for moment in moments:
            barrier.wait()
            try:
                if lock.acquire():
                    both = [threading.Thread(target=racer.tick, args=(moment,)) for _ in "ab"]
                    for tick in both:
                        tick.start()
                    for tick in both:
                        tick.join()
                    lock.release()
            except BaseException as exc:  # reported below, not lost in the thread
                failures.append(exc)

    threads = [threading.Thread(target=instance, args=(w,)) for w in ("w1", "w2", "w3")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    keys = poster.keys()
    assert len(keys) == 4  # two owners × two mornings
    assert set(Counter(keys).values()) == {1}
    for user, mine in (("U1", {"aisha", "badru"}), ("U2", {"chen"})):
        posts = [p for p in poster.posted if p.target.channel == user]
        assert len(posts) == 2
        for post in posts:
            shown = render(post.reply)
            assert {handle for handle in OWNERS if f"(@{handle})" in shown} == mine


def test_no_post_for_an_owner_no_creator_lists(sessions: sessionmaker[Session]) -> None:
    poster = setup(sessions)
    poster.people.pop(MARCO)  # Marco's email is not a Slack user of the workspace
    runner(sessions, poster, "w1").tick(utc(2026, 11, 24, 1, 5))
    assert [p.target.channel for p in poster.posted] == ["U1"]
