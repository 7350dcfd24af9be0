"""Wires the jobs floor into a running bot: posters per platform, the runner, the scheduler."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import TYPE_CHECKING

from creatorbot.bot.app import App
from creatorbot.bot.console import ConsolePoster
from creatorbot.jobs.catalog import jobs
from creatorbot.jobs.posting import Poster, Posters
from creatorbot.jobs.runner import Runner, TickReport
from creatorbot.jobs.scheduler import Scheduler
from creatorbot.storage.leader import LeaderLock

if TYPE_CHECKING:
    from creatorbot.jobs.sync import SyncSchedule

logger = logging.getLogger(__name__)


def worker_id() -> str:
    """This process, as the ledger names who claimed a run."""
    return f"{socket.gethostname()}:{os.getpid()}"


def make_runner(app: App, posters: dict[str, Poster]) -> Runner:
    """A runner over every declared job, posting through `posters` (the console's included);
    owners are looked up through them too."""
    for platform, poster in posters.items():
        app.people.posters.setdefault(platform, poster)
    return Runner(
        app.services,
        Posters({"console": ConsolePoster(), **posters}),
        jobs(),
        worker=worker_id(),
        grace=dt.timedelta(minutes=app.settings.jobs_grace_minutes),
    )


def start_scheduler(
    app: App, posters: dict[str, Poster], lock: LeaderLock | None = None
) -> Scheduler:
    """The background scheduler: leader, or on PostgreSQL a standby; `digest run` wakes it.
    On SQLite a second one refuses to start (SchedulerRefused), unless `lock` (the scheduler's
    lock, taken before the bot listened) is given."""
    scheduler = Scheduler(
        make_runner(app, posters),
        lock or LeaderLock(app.engine),
        app.sessions,
        app.services.clock,
        tick_seconds=app.settings.scheduler_tick_seconds,
        audit_retention=dt.timedelta(days=app.settings.audit_retention_days),
        sync=schedule.tick if (schedule := sync_schedule(app)) else None,
    )
    scheduler.start(standby=app.engine.dialect.name == "postgresql")
    app.wake_jobs.target = scheduler.wake
    return scheduler


def sync_schedule(app: App) -> SyncSchedule | None:
    """The daily warehouse sync, when a sources file is set (`creatorbot run` has checked it)."""
    sources = app.settings.warehouse_sources(os.environ)
    if not sources:
        return None
    from creatorbot.jobs.sync import SyncSchedule  # the import path: only with sources

    logger.info("warehouse sync scheduled", extra={"sources": ",".join(sources)})
    return SyncSchedule(app.long_sessions, sources, app.services.clock)


def run_once(app: App, runner: Runner, at: dt.datetime) -> TickReport | None:
    """Run what is due at `at` under the leader lock; None when a scheduler holds it."""
    lock = LeaderLock(app.engine)
    if not lock.acquire():
        return None
    try:
        return runner.tick(at, still_leading=lock.held)
    finally:
        lock.release()
