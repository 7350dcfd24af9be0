"""The runner under an injected clock: one post per local day, catch-up, skips, retries,
recovery of a run a dead process left claimed, war-room hours, and two instances."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import Services
from creatorbot.commands.reply import Reply, Text
from creatorbot.jobs.posting import Posters, Target
from creatorbot.jobs.runner import Runner, ledger_key
from creatorbot.storage import ledger
from creatorbot.storage.leader import LeaderLock
from creatorbot.storage.models import Campaign, CampaignKind, Run, RunStatus, Subscription
from tests.fakes.poster import RecordingPoster
from tests.jobs.conftest import GRACE, HELLO, every, utc

MINUTE = dt.timedelta(minutes=1)


def runs(sessions: sessionmaker[Session]) -> dict[str, RunStatus]:
    with sessions.begin() as session:
        return {r.period: r.status for r in session.scalars(select(Run).order_by(Run.id))}


def test_a_daily_post_goes_out_once_at_its_local_time(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
) -> None:
    # 09:00 in Kuala Lumpur is 01:00 UTC.
    sub = add_subscription("C1", "MY", "09:00", since=utc(2026, 11, 23, 12))
    runner = make_runner()
    assert runner.tick(utc(2026, 11, 24, 0, 59)).posted == []
    assert runner.tick(utc(2026, 11, 24, 1, 0)).posted == [
        ledger_key("snapshot", sub.id, "2026-11-24")
    ]
    for moment in every(utc(2026, 11, 24, 1, 1), utc(2026, 11, 25, 0, 59), 7 * MINUTE):
        runner.tick(moment)
    runner.tick(utc(2026, 11, 25, 1, 0))
    assert poster.keys() == [
        ledger_key("snapshot", sub.id, "2026-11-24"),
        ledger_key("snapshot", sub.id, "2026-11-25"),
    ]


def test_periods_before_the_subscription_are_never_posted(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
) -> None:
    add_subscription("C1", "MY", "09:00", since=utc(2026, 11, 24, 2))  # 10:00 local
    make_runner().tick(utc(2026, 11, 24, 3))
    assert poster.posted == []


def test_missed_periods_are_caught_up_within_grace_and_skipped_beyond(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    add_subscription("C1", "MY", "09:00", since=utc(2026, 11, 20))
    runner = make_runner()
    # Down since before the 23rd's post; back at 03:30 UTC on the 24th (11:30 local).
    report = runner.tick(utc(2026, 11, 24, 3, 30))
    assert [k.rsplit(":", 1)[1] for k in report.posted] == ["2026-11-24"]
    assert [k.rsplit(":", 1)[1] for k in report.skipped] == ["2026-11-23"]
    assert runs(sessions)["2026-11-23"] is RunStatus.SKIPPED
    runner.tick(utc(2026, 11, 24, 3, 31))
    assert len(poster.posted) == 1


def rome_posts(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
    at: str,
    start: dt.datetime,
    end: dt.datetime,
) -> list[tuple[dt.date, dt.datetime]]:
    """Tick every 10 minutes over a Rome weekend; (period day, instant posted) of each post."""
    sub = add_subscription("C1", "IT", at, since=start)
    runner = make_runner()
    posted_at = []
    for moment in every(start, end, 10 * MINUTE):
        for key in runner.tick(moment).posted:
            posted_at.append((dt.date.fromisoformat(key.rsplit(":", 1)[1]), moment))
    assert all(p.key.split(":")[2] == str(sub.id) for p in poster.posted)
    return posted_at


def test_a_spring_forward_weekend_in_rome_posts_once_a_day(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
) -> None:
    # 2026-03-29: 02:00 → 03:00 in Rome; 02:30 does not exist that day.
    posts = rome_posts(
        make_runner,
        add_subscription,
        poster,
        "02:30",
        utc(2026, 3, 27, 12),
        utc(2026, 3, 31, 12),
    )
    days = [day for day, _ in posts]
    assert days == [dt.date(2026, 3, d) for d in (28, 29, 30, 31)]
    rome = ZoneInfo("Europe/Rome")
    local = {day: moment.astimezone(rome) for day, moment in posts}
    assert local[dt.date(2026, 3, 28)].strftime("%H:%M") == "02:30"
    assert local[dt.date(2026, 3, 29)].strftime("%H:%M") == "03:30"  # the gap, an hour on
    assert local[dt.date(2026, 3, 30)].strftime("%H:%M") == "02:30"


def test_a_fall_back_weekend_in_rome_posts_once_a_day(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
) -> None:
    # 2026-10-25: 03:00 → 02:00 in Rome; 02:30 happens twice that night.
    posts = rome_posts(
        make_runner,
        add_subscription,
        poster,
        "02:30",
        utc(2026, 10, 23, 12),
        utc(2026, 10, 27, 12),
    )
    assert Counter(day for day, _ in posts) == {dt.date(2026, 10, d): 1 for d in (24, 25, 26, 27)}
    fold_day = dict(posts)[dt.date(2026, 10, 25)]
    assert fold_day == utc(2026, 10, 25, 0, 30)  # the first 02:30 (CEST, +02:00)


def test_a_failing_platform_is_retried_with_backoff_and_posts_once(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    for channel in ("C1", "C2", "C3"):
        add_subscription(channel, since=utc(2026, 11, 23, 12))
    poster.fail_next(5)  # 500s for a while
    runner = make_runner()
    for moment in every(utc(2026, 11, 24, 1), utc(2026, 11, 24, 2), MINUTE):
        runner.tick(moment)
    assert sorted(p.target.channel for p in poster.posted) == ["C1", "C2", "C3"]
    with sessions.begin() as session:
        done = session.scalars(select(Run)).all()
        assert {r.status for r in done} == {RunStatus.POSTED}
        assert sum(r.attempts for r in done) == 3 + 5


def test_a_post_the_platform_stored_before_failing_is_not_posted_again(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
) -> None:
    add_subscription("C1", since=utc(2026, 11, 23, 12))
    poster.fail_next(1, stored=True)  # the connection reset after Slack kept the message
    runner = make_runner()
    for moment in every(utc(2026, 11, 24, 1), utc(2026, 11, 24, 1, 30), MINUTE):
        runner.tick(moment)
    assert len(poster.posted) == 1


def test_a_run_left_claimed_by_a_dead_process_is_recovered_once(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    one = add_subscription("C1", since=utc(2026, 11, 23, 12))
    two = add_subscription("C2", since=utc(2026, 11, 23, 12))
    now = utc(2026, 11, 24, 1)
    # The dead process claimed both periods and got C1's post out before it died.
    with sessions.begin() as session:
        for sub in (one, two):
            ledger.claim_new(
                "snapshot", sub.id, "2026-11-24", worker="dead", now=now, session=session
            )
    poster.post(
        Target("slack", "T1", "C1"),
        Reply((Text("posted before the crash"),)),
        key=ledger_key("snapshot", one.id, "2026-11-24"),
    )
    report = make_runner("w2").tick(now + MINUTE)
    assert len(report.recovered) == 2
    assert sorted(p.target.channel for p in poster.posted) == ["C1", "C2"]
    assert set(runs(sessions).values()) == {RunStatus.POSTED}


def test_war_room_posts_hourly_on_mega_sale_days_and_daily_outside(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        session.add(
            Campaign(
                slug="my-1111",
                name="11.11",
                market="MY",
                kind=CampaignKind.MEGA_SALE,
                starts_on=dt.date(2026, 11, 11),
                ends_on=dt.date(2026, 11, 12),
                metric="gmv",
                gmv_target=0,
                creator_target=0,
            )
        )
    add_subscription("C1", "MY", "09:00", since=utc(2026, 11, 9, 12), war_room=True)
    runner = make_runner()
    for moment in every(utc(2026, 11, 9, 12), utc(2026, 11, 14, 12), 15 * MINUTE):
        runner.tick(moment)
    periods = [p.key.rsplit(":", 1)[1] for p in poster.posted]
    per_day = Counter(period[:10] for period in periods)
    assert per_day == {
        "2026-11-10": 1,
        "2026-11-11": 24,
        "2026-11-12": 24,
        "2026-11-13": 1,
        "2026-11-14": 1,
    }
    # The war room opens at local midnight of the first day and closes after the last.
    assert "2026-11-11T00" in periods and "2026-11-12T23" in periods
    assert "2026-11-13" in periods and "2026-11-10" in periods


def test_two_instances_post_each_slot_once_and_the_standby_takes_over(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
    engine: Engine,
) -> None:
    """Two instances tick at the same instants for two days; the leader dies after the first
    day and the standby leads from its next tick on."""
    for channel in ("C1", "C2"):
        add_subscription(channel, "MY", "09:00", since=utc(2026, 11, 23, 12))
        add_subscription(channel, "IT", "09:00", since=utc(2026, 11, 23, 12))
    moments = every(utc(2026, 11, 24), utc(2026, 11, 26), 20 * MINUTE)
    dies_at = utc(2026, 11, 25)
    barrier = threading.Barrier(2)
    ticked: dict[str, int] = Counter()
    dead: list[str] = []

    def instance(worker: str) -> None:
        runner, lock = make_runner(worker), LeaderLock(engine)
        for moment in moments:
            barrier.wait()
            if moment >= dies_at and lock.held() and not dead:
                dead.append(worker)  # the leader's process is gone, and its lock with it
                lock.release()
            if worker not in dead and lock.acquire():
                runner.tick(moment, still_leading=lock.held)
                ticked[worker] += 1
        lock.release()

    threads = [threading.Thread(target=instance, args=(w,)) for w in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(poster.keys()) == 8  # 4 subscriptions × 2 days
    assert set(Counter(poster.keys()).values()) == {1}
    assert ticked["w1"] > 0 and ticked["w2"] > 0  # one led the first day, the other the second


def test_a_post_that_keeps_failing_is_tried_8_times_then_left_failed(
    make_runner: Callable[..., Runner],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    """Tried at 09:00 local, then after 1, 2, 4, 8, 16, 32 and 60 minutes (operations.md): eight
    attempts, the last at 11:03; nothing more in the hours after."""
    add_subscription("C1", since=utc(2026, 11, 23, 12))
    poster.fail_next(1_000)
    runner = make_runner()
    start = utc(2026, 11, 24, 1)  # 09:00 in Kuala Lumpur
    tried_at: list[int] = []
    seen = 0
    for moment in every(start, start + dt.timedelta(hours=6), MINUTE):
        runner.tick(moment)
        with sessions.begin() as session:
            attempts = sum(r.attempts for r in session.scalars(select(Run)))
        if attempts > seen:
            tried_at.append(int((moment - start) / MINUTE))
            seen = attempts
    assert tried_at == [0, 1, 3, 7, 15, 31, 63, 123]
    assert poster.posted == []
    with sessions.begin() as session:
        assert [r.status for r in session.scalars(select(Run))] == [RunStatus.FAILED]


def test_each_post_is_traced_with_its_job_platform_and_outcome(
    sessions: sessionmaker[Session],
    add_subscription: Callable[..., Subscription],
    poster: RecordingPoster,
) -> None:
    traced: list[tuple[str, dict[str, object], float]] = []
    sub = add_subscription("C1", "MY", "09:00", since=utc(2026, 11, 23, 12))
    runner = Runner(
        Services(sessions=sessions, traced=lambda what, f, s: traced.append((what, dict(f), s))),
        Posters({"slack": poster}),
        HELLO,
        worker="w1",
        grace=GRACE,
    )

    runner.tick(utc(2026, 11, 24, 1, 0))

    assert [(what, fields) for what, fields, _ in traced] == [
        (
            "post",
            {
                "job": "snapshot",
                "key": ledger_key("snapshot", sub.id, "2026-11-24"),
                "platform": "slack",
                "outcome": "posted",
            },
        )
    ]
    assert traced[0][2] >= 0
