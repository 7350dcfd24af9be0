"""The one background scheduler: a tick every few seconds runs whatever the ledger says is due.

Subscriptions live in the database, not in APScheduler: its job is only the heartbeat. Each tick
checks that this process still holds the leader lock (a standby takes it when the leader dies)
and hands the moment to the runner, which decides per subscription and period. A daily
housekeeping job forgets old platform deliveries and trims the audit log to its retention; the
warehouse sync, when sources are declared, ticks beside the posts (a long sync never holds
them up).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.jobs.runner import Runner
from creatorbot.storage import staged
from creatorbot.storage.audit import trim
from creatorbot.storage.events import forget_events
from creatorbot.storage.failures import database_unreachable, first_line
from creatorbot.storage.leader import LEADING_ELSEWHERE, LeaderLock

logger = logging.getLogger(__name__)

TICK_SECONDS = 20
SYNC_SECONDS = 60
REMEMBER_EVENTS = dt.timedelta(days=7)  # far beyond Slack's retries and Lark's re-pushes
AUDIT_RETENTION = dt.timedelta(days=365)


class SchedulerRefused(RuntimeError):
    """Another scheduler already runs on this database and no standby is possible here."""


class Scheduler:
    """Starts as leader or standby; `wake()` makes the next tick happen now."""

    def __init__(
        self,
        runner: Runner,
        lock: LeaderLock,
        sessions: sessionmaker[Session],
        clock: Callable[[], dt.datetime],
        *,
        tick_seconds: int = TICK_SECONDS,
        audit_retention: dt.timedelta = AUDIT_RETENTION,
        sync: Callable[[dt.datetime], object] | None = None,
    ) -> None:
        self.runner = runner
        self.lock = lock
        self.sessions = sessions
        self.clock = clock
        self.audit_retention = audit_retention
        self._again = threading.Event()
        self.aps = BackgroundScheduler(
            timezone=dt.UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self.aps.add_job(self.tick, "interval", seconds=tick_seconds, id="tick")
        self.aps.add_job(self.housekeeping, "cron", hour=3, minute=17, id="housekeeping")
        self.sync = sync
        if sync is not None:
            self.aps.add_job(self.sync_tick, "interval", seconds=SYNC_SECONDS, id="sync")

    def start(self, *, standby: bool) -> bool:
        """Start ticking; True when this process leads. Without `standby` (SQLite, where a
        second scheduler has nothing to wait for) a held lock refuses the start."""
        leading = self.lock.acquire()
        if not leading and not standby:
            raise SchedulerRefused(LEADING_ELSEWHERE)
        logger.info("scheduler started", extra={"role": "leader" if leading else "standby"})
        self.aps.start()
        self.wake()
        return leading

    def tick(self) -> None:
        """One heartbeat: lead if the lock is free, then run what is due (again, if a wake-up
        came while it ran)."""
        try:
            if not self.lock.held():
                if not self.lock.acquire():
                    return  # standby: another instance leads
                logger.info("this instance now leads the scheduler")
            self._again.clear()
            self.runner.tick(self.clock(), still_leading=self.lock.held)
            while self._again.is_set():
                self._again.clear()
                self.runner.tick(self.clock(), still_leading=self.lock.held)
        except Exception as exc:  # the next tick tries again
            if database_unreachable(exc):
                logger.error(
                    "scheduler tick skipped: database unreachable", extra={"error": first_line(exc)}
                )
            else:
                logger.exception("scheduler tick failed")

    def every(self, seconds: int, name: str, work: Callable[[Callable[[], bool]], object]) -> None:
        """Run `work(still_leading)` every `seconds` while this instance leads (the inbox); a
        failure is logged and the next run tries again."""

        def run() -> None:
            try:
                if self.lock.held():
                    work(self.lock.held)
            except Exception as exc:
                if database_unreachable(exc):
                    logger.error(
                        "%s skipped: database unreachable", name, extra={"error": first_line(exc)}
                    )
                else:
                    logger.exception("%s failed", name)

        self.aps.add_job(run, "interval", seconds=seconds, id=name)

    def housekeeping(self) -> None:
        """Forget platform deliveries too old to be retried, audit entries older than the
        retention, and files dropped in chat whose buttons have expired."""
        if not self.lock.held():
            return
        now = self.clock()
        with self.sessions.begin() as session:
            forgotten = forget_events(now - REMEMBER_EVENTS, session=session)
            trimmed = trim(now - self.audit_retention, session=session)
            dropped = staged.purge(now, session=session)
        logger.info(
            "housekeeping done",
            extra={"rows": forgotten, "audit_trimmed": trimmed, "staged_files": dropped},
        )

    def sync_tick(self) -> None:
        """Run the warehouse syncs that are due, on the leader only."""
        if self.sync is None or not self.lock.held():
            return
        try:
            self.sync(self.clock())
        except Exception as exc:  # the next tick tries again
            if database_unreachable(exc):
                logger.error(
                    "sync tick skipped: database unreachable", extra={"error": first_line(exc)}
                )
            else:
                logger.exception("sync tick failed")

    def wake(self) -> None:
        """Tick now (a `digest run` was asked for) rather than at the next heartbeat; during a
        tick, the tick runs once more."""
        self._again.set()
        self.aps.modify_job("tick", next_run_time=dt.datetime.now(dt.UTC))

    def shutdown(self) -> None:
        """Finish the tick in flight, stop, and let a standby lead."""
        if self.aps.running:
            self.aps.shutdown(wait=True)
        self.lock.release()
