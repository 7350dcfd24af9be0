"""The scheduled warehouse sync: once per market-local day after the source's hour, on the
leader only, claimed so that two processes sync a day once; a failed day is tried again later
and the data freshness alert names the source that failed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.alerts import alert_post
from creatorbot.commands.core import Call, CommandRequest, Services
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Text
from creatorbot.jobs.runner import Runner
from creatorbot.jobs.scheduler import Scheduler
from creatorbot.jobs.sync import SyncSchedule
from creatorbot.storage.importers import import_file
from creatorbot.storage.leader import LeaderLock
from creatorbot.storage.models import AuditEntry, SyncOutcome, SyncRun
from creatorbot.storage.sync import Source
from creatorbot.storage.sync.sources import Query
from tests.jobs.conftest import utc
from tests.storage.warehouse import (
    COLUMNS,
    DAY,
    SELECT,
    canonical_csv,
    creator_days,
    expected,
    seed_creators,
    sqlite_warehouse,
    stored,
)

# Kuala Lumpur is UTC+8: 06:00 there on 6 December is 22:00 UTC on the 5th.
SIX_AM = utc(2026, 12, 5, 22)
DOWN = "postgresql+psycopg://reader:secret@127.0.0.1:1/dwh"


def source(url: str, table: str = "creator_day") -> Source:
    query = Query(SELECT.format(table=table), COLUMNS)
    return Source("dwh-my", url, {"daily_metrics": query}, markets=("MY",), at=dt.time(6, 0))


def schedule(sessions: sessionmaker[Session], src: Source) -> SyncSchedule:
    return SyncSchedule(sessions, {src.name: src}, clock=lambda: SIX_AM)


def sync_runs(sessions: sessionmaker[Session]) -> list[tuple[str, dt.date, int | None, str]]:
    with sessions.begin() as session:
        query = select(SyncRun.market, SyncRun.day, SyncRun.attempt, SyncRun.outcome)
        return [(m, d, a, o.value) for m, d, a, o in session.execute(query.order_by(SyncRun.id))]


def test_the_day_is_synced_once_after_the_hour(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = creator_days(10)
    seed_creators(sessions, tmp_path, rows)
    sync = schedule(sessions, source(*sqlite_warehouse(tmp_path / "w.sqlite3", rows)))

    assert sync.tick(SIX_AM - dt.timedelta(minutes=1)) == []  # 05:59 in Kuala Lumpur
    assert sync_runs(sessions) == []

    done = sync.tick(SIX_AM + dt.timedelta(minutes=10))

    assert [(r.market, r.day, r.outcome) for r in done] == [("MY", DAY, SyncOutcome.OK)]
    with sessions.begin() as session:
        assert stored(session) == expected(rows)
    for later in (dt.timedelta(minutes=30), dt.timedelta(hours=12)):
        assert sync.tick(SIX_AM + later) == []  # the same local day: done already
    assert sync_runs(sessions) == [("MY", DAY, 1, "ok")]
    with sessions.begin() as session:
        audit = session.execute(select(AuditEntry.command, AuditEntry.user_id, AuditEntry.rows))
        assert audit.all()[-1] == ("sync", "creatorbot", 10)
    # The next local day reads the next day (which the warehouse does not have yet).
    tomorrow = sync.tick(SIX_AM + dt.timedelta(days=1))
    assert [(r.day, r.outcome) for r in tomorrow] == [(DAY + dt.timedelta(days=1), "failed")]


def test_two_processes_sync_the_day_once(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    rows = creator_days(10)
    seed_creators(sessions, tmp_path, rows)
    src = source(*sqlite_warehouse(tmp_path / "w.sqlite3", rows))
    processes = [schedule(sessions, src), schedule(sessions, src)]
    start = threading.Barrier(2)
    done: list[int] = []

    def tick(sync: SyncSchedule) -> None:
        start.wait()
        done.append(len(sync.tick(SIX_AM)))

    threads = [threading.Thread(target=tick, args=(p,)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(done) == [0, 1]
    assert sync_runs(sessions) == [("MY", DAY, 1, "ok")]


def test_a_warehouse_that_is_down_is_retried_and_named_by_the_freshness_alert(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    rows = creator_days(5)
    seed_creators(sessions, tmp_path, rows)
    earlier = creator_days(5, day=DAY - dt.timedelta(days=1))
    with sessions.begin() as session:  # the day before arrived: only 5 December is missing
        import_file("daily_metrics", canonical_csv(tmp_path / "d.csv", earlier), session=session)
    sync = schedule(sessions, source(DOWN))

    (report,) = sync.tick(SIX_AM + dt.timedelta(minutes=10))

    assert report.outcome is SyncOutcome.FAILED
    assert report.message.startswith("dwh-my daily_metrics: the warehouse could not be read")
    assert "refused" in report.message.lower() and "secret" not in report.message
    with sessions.begin() as session:
        assert stored(session) == {}
        call = Call(CommandRequest(text="alerts"), session, Services(sessions), Lang("en"))
        post = alert_post("MY", call, local_today=DAY + dt.timedelta(days=1))
    assert post.reply is not None
    said = " ".join(b.text for b in post.reply.blocks if isinstance(b, Text))
    assert "2026" in said and "has not arrived yet" in said
    assert "The last sync from `dwh-my` failed at 06:10: " in said
    assert "refused" in said.lower()

    assert sync.tick(SIX_AM + dt.timedelta(minutes=30)) == []  # too soon to try again
    (again,) = sync.tick(SIX_AM + dt.timedelta(minutes=41))
    assert again.outcome is SyncOutcome.FAILED
    assert sync_runs(sessions) == [("MY", DAY, 1, "failed"), ("MY", DAY, 2, "failed")]


def test_only_the_leader_syncs(
    engine: Engine,
    sessions: sessionmaker[Session],
    make_runner: Callable[..., Runner],
) -> None:
    ticks: list[dt.datetime] = []
    scheduler = Scheduler(
        make_runner(),
        LeaderLock(engine),
        sessions,
        lambda: SIX_AM,
        tick_seconds=3600,
        sync=ticks.append,
    )
    leader = LeaderLock(engine)
    assert leader.acquire()
    try:
        scheduler.sync_tick()  # a standby
        assert ticks == []
    finally:
        leader.release()
    assert scheduler.lock.acquire()
    try:
        scheduler.sync_tick()
    finally:
        scheduler.lock.release()
    assert ticks == [SIX_AM]


@pytest.mark.parametrize("hour", [5, 6])
def test_the_hour_is_the_markets_local_time(
    sessions: sessionmaker[Session], tmp_path: Path, hour: int
) -> None:
    rows = creator_days(2)
    seed_creators(sessions, tmp_path, rows)
    src = source(*sqlite_warehouse(tmp_path / "w.sqlite3", rows))
    moment = SIX_AM + dt.timedelta(hours=hour - 6)  # `hour`:00 in Kuala Lumpur, 6 December
    done = schedule(sessions, src).tick(moment)
    assert [r.day for r in done] == ([DAY] if hour >= 6 else [])


def test_a_failed_day_is_tried_12_times_30_minutes_apart_then_left_to_the_alert(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """operations.md: a failed scheduled sync is retried every 30 minutes, up to 12 times."""
    seed_creators(sessions, tmp_path, creator_days(5))
    sync = schedule(sessions, source(DOWN))
    tried_at: list[int] = []
    for minutes in range(0, 12 * 60, 5):
        if sync.tick(SIX_AM + dt.timedelta(minutes=minutes)):
            tried_at.append(minutes)
    assert tried_at == [30 * n for n in range(12)]
    assert [attempt for _, _, attempt, _ in sync_runs(sessions)] == list(range(1, 13))
