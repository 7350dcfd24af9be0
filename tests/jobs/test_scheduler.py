"""The background scheduler: one per database — a second refuses on SQLite, waits as a standby
on PostgreSQL and leads once the first is gone; `wake()` posts a queued run at once."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.jobs.runner import Runner
from creatorbot.jobs.scheduler import Scheduler, SchedulerRefused
from creatorbot.storage import ledger, staged
from creatorbot.storage.events import claim_event, seen
from creatorbot.storage.leader import LeaderLock
from creatorbot.storage.models import StagedFile, Subscription
from tests.fakes.poster import RecordingPoster
from tests.jobs.conftest import utc

NOW = utc(2026, 11, 24, 3)  # 11:00 in Kuala Lumpur: the 09:00 post is due


def make_scheduler(
    engine: Engine,
    sessions: sessionmaker[Session],
    runner: Runner,
    clock: Callable[[], dt.datetime] = lambda: NOW,
) -> Scheduler:
    return Scheduler(runner, LeaderLock(engine), sessions, clock, tick_seconds=3600)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_second_scheduler_on_sqlite_refuses_to_start(
    engine: Engine, sessions: sessionmaker[Session], make_runner: Callable[..., Runner]
) -> None:
    first = make_scheduler(engine, sessions, make_runner("w1"))
    second = make_scheduler(engine, sessions, make_runner("w2"))
    assert first.start(standby=False)
    try:
        with pytest.raises(SchedulerRefused, match="already running"):
            second.start(standby=False)
    finally:
        first.shutdown()
    assert second.start(standby=False)  # once the first is gone, a new one may start
    second.shutdown()


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_a_standby_on_postgresql_leads_once_the_leader_is_gone(
    engine: Engine,
    sessions: sessionmaker[Session],
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
) -> None:
    add_subscription("C1", since=utc(2026, 11, 23, 12))
    leader = make_scheduler(engine, sessions, make_runner("w1"))
    standby = make_scheduler(engine, sessions, make_runner("w2"))
    assert leader.lock.acquire()
    assert not standby.lock.acquire()
    standby.tick()  # a standby's heartbeat does nothing
    assert poster.posted == []
    leader.lock.release()  # the leader's process died: its connection, and lock, went with it
    standby.tick()
    assert standby.lock.held()
    assert [p.target.channel for p in poster.posted] == ["C1"]
    standby.shutdown()


def test_wake_posts_a_queued_run_without_waiting_for_the_heartbeat(
    engine: Engine,
    sessions: sessionmaker[Session],
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
) -> None:
    sub = add_subscription("C1", since=NOW)  # nothing scheduled is due yet
    scheduler = make_scheduler(engine, sessions, make_runner())
    assert scheduler.start(standby=False)
    try:
        with sessions.begin() as session:
            ledger.queue("snapshot", sub.id, "manual:1", now=NOW, session=session)
        scheduler.wake()
        deadline = time.monotonic() + 5
        while not poster.posted and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown()
    assert [p.key for p in poster.posted] == [f"creatorbot:snapshot:{sub.id}:manual:1"]


def test_housekeeping_forgets_files_dropped_in_chat_once_their_buttons_expired(
    engine: Engine, sessions: sessionmaker[Session], make_runner: Callable[..., Runner]
) -> None:
    with sessions.begin() as session:
        for name, at in (("old.csv", NOW - staged.KEEP_FOR), ("new.csv", NOW)):
            staged.stage(
                platform="slack",
                workspace="T1",
                user=f"U-{name}",
                filename=name,
                kind="daily_metrics",
                content=b"date,market\n",
                now=at,
                session=session,
            )
    scheduler = make_scheduler(engine, sessions, make_runner())
    assert scheduler.lock.acquire()
    try:
        scheduler.housekeeping()
    finally:
        scheduler.lock.release()
    with sessions() as session:
        assert session.scalars(select(StagedFile.filename)).all() == ["new.csv"]


def test_housekeeping_remembers_deliveries_for_seven_days(
    engine: Engine, sessions: sessionmaker[Session], make_runner: Callable[..., Runner]
) -> None:
    """A platform retry up to a week late is still recognised as a duplicate; older ones are
    forgotten."""
    week = dt.timedelta(days=7)
    minute = dt.timedelta(minutes=1)
    ages = {"Ev-6d": dt.timedelta(days=6), "Ev-7d-1m": week - minute, "Ev-7d+1m": week + minute}
    with sessions.begin() as session:
        for event_id, age in ages.items():
            assert claim_event("slack", event_id, NOW - age, session=session)
    scheduler = make_scheduler(engine, sessions, make_runner())
    assert scheduler.lock.acquire()
    try:
        scheduler.housekeeping()
    finally:
        scheduler.lock.release()
    with sessions.begin() as session:
        remembered = {event_id for event_id in ages if seen("slack", event_id, session=session)}
        assert remembered == {"Ev-6d", "Ev-7d-1m"}
        assert not claim_event("slack", "Ev-7d-1m", NOW, session=session)  # still a duplicate
