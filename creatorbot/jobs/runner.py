"""The runner: everything due at an instant, each (job, subscription, period) posted once.

A post is claimed in the ledger (committed) before it is built and posted, and marked posted
after. Only the holder of the leader lock runs, so a run found still claimed was left by a
process that died between claim and record: the platform is asked whether the post went out
(by its ledger key) before it is posted again. Missed periods within the grace window are caught
up; older ones are marked skipped. A failed post is retried with backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from creatorbot.commands.core import Call, CommandRequest, Services
from creatorbot.commands.i18n import Lang
from creatorbot.jobs.notices import show_notices
from creatorbot.jobs.periods import Period, as_utc, parse_at, period_from_key, periods_between
from creatorbot.jobs.posting import NotInstalled, Posters, Target
from creatorbot.jobs.registry import JobRun, JobSpec, Post
from creatorbot.storage import ledger
from creatorbot.storage.models import Run, RunStatus, Subscription, SuspendReason
from creatorbot.storage.queries.campaigns import mega_sale_running
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.subscriptions import all_subscriptions, suspend_workspace

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # then the run stays failed, for an admin to see in `digest list`
LOOKBACK = dt.timedelta(days=2)  # how far back missed periods are looked for (and skipped)


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff after the n-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 60))


def ledger_key(job: str, subscription_id: int, period: str) -> str:
    """The stable name of one post, given to the platform so a retry can find it."""
    return f"creatorbot:{job}:{subscription_id}:{period}"


@dataclass
class TickReport:
    """What one tick did, by ledger key."""

    posted: list[str] = field(default_factory=list)
    quiet: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # left claimed by a process now gone
    found: list[str] = field(default_factory=list)  # recovered, and already on the platform
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    noted: int = 0  # acknowledgements and snoozes shown on their alert messages


@dataclass(frozen=True)
class Work:
    """A run this process owns now, and how to do it."""

    run_id: int
    spec: JobSpec
    subscription: Subscription
    period: Period
    recovering: bool
    attempts: int


class Runner:
    """Runs due work; `tick` must only be called by the holder of the leader lock."""

    def __init__(
        self,
        services: Services,
        posters: Posters,
        jobs: Mapping[str, JobSpec],
        *,
        worker: str,
        grace: dt.timedelta,
    ) -> None:
        self.services = services
        self.posters = posters
        self.jobs = dict(jobs)
        self.worker = worker
        self.grace = grace
        self._busy = threading.Lock()  # one tick at a time in this process
        self._zones: dict[str, ZoneInfo] = {}

    def tick(
        self, now: dt.datetime, still_leading: Callable[[], bool] = lambda: True
    ) -> TickReport:
        """Recover, catch up, retry and post whatever is due at `now`. Stops before the next
        post if this process lost the lead (its claims are then recovered by the new leader)."""
        report = TickReport()
        with self._busy:
            subscriptions = self._subscriptions()
            work = self._claim_open(now, subscriptions, report)
            work += self._claim_due(now, subscriptions, report)
            gone: dict[tuple[str, str], str] = {}  # workspaces found refusing the app's posts
            for item in work:
                if not still_leading():
                    logger.warning("lost the scheduler lead; leaving the rest to the new leader")
                    break
                where = (item.subscription.platform, item.subscription.workspace)
                if where in gone:  # refused alike: recorded, not tried
                    self._failed(item, gone[where], now, report, gone=True)
                    continue
                error = self._do(item, now, report)
                if error is not None:
                    gone[where] = error
            if still_leading():
                report.noted = show_notices(self.services, self.posters, now)
        return report

    # --- claiming -------------------------------------------------------------------------

    def _subscriptions(self) -> dict[int, Subscription]:
        with self.services.sessions.begin() as session:
            markets = all_markets(session=session)
            self._zones = {code: ZoneInfo(m.timezone) for code, m in markets.items()}
            return {s.id: s for s in all_subscriptions(session=session)}

    def _claim_open(
        self, now: dt.datetime, subscriptions: Mapping[int, Subscription], report: TickReport
    ) -> list[Work]:
        """Runs already in the ledger: left claimed by a dead process, asked for, or failed."""
        work = []
        with self.services.sessions.begin() as session:
            runs = ledger.open_runs(session=session)
        for run in runs:
            subscription = subscriptions.get(run.subscription_id)
            spec = self.jobs.get(run.job)
            if subscription is None or spec is None or not self._open_is_due(run, now):
                continue
            if subscription.suspended_at is not None:  # left as it is until the app is back
                continue
            with self.services.sessions.begin() as session:
                if not ledger.claim_again(
                    run.id, run.status, worker=self.worker, now=now, session=session
                ):
                    continue
            zone = self._zone(subscription)
            period = period_from_key(run.period, zone, subscription.at_time, now)
            recovering = run.status in (RunStatus.CLAIMED, RunStatus.FAILED)
            if run.status is RunStatus.CLAIMED:
                report.recovered.append(ledger_key(run.job, run.subscription_id, run.period))
            work.append(Work(run.id, spec, subscription, period, recovering, run.attempts + 1))
        return work

    @staticmethod
    def _open_is_due(run: Run, now: dt.datetime) -> bool:
        if run.status is RunStatus.FAILED:
            return run.next_attempt_at is not None and as_utc(run.next_attempt_at) <= now
        return True

    def _claim_due(
        self, now: dt.datetime, subscriptions: Mapping[int, Subscription], report: TickReport
    ) -> list[Work]:
        """Scheduled periods that have no ledger row yet: claimed, or skipped when too old."""
        work = []
        for subscription in subscriptions.values():
            if subscription.paused or subscription.suspended_at is not None:
                continue
            for spec in self._jobs_of(subscription):
                with self.services.sessions.begin() as session:
                    periods = self._periods(spec, subscription, now, session)
                    known = ledger.periods_with_rows(
                        spec.name, subscription.id, [p.key for p in periods], session=session
                    )
                for period in periods:
                    if period.key not in known:
                        item = self._claim_period(spec, subscription, period, now, report)
                        if item is not None:
                            work.append(item)
        return work

    def _jobs_of(self, subscription: Subscription) -> Iterable[JobSpec]:
        return (spec for spec in self.jobs.values() if spec.kind == subscription.kind)

    def _periods(
        self, spec: JobSpec, subscription: Subscription, now: dt.datetime, session: Session
    ) -> list[Period]:
        start = max(as_utc(subscription.created_at), now - LOOKBACK)
        if subscription.resumed_at is not None:  # nothing due while the app was gone
            start = max(start, as_utc(subscription.resumed_at))
        zone = self._zone(subscription)
        found: list[Period] = []
        if spec.cadence is not None:

            def war_room(day: dt.date) -> bool:
                return bool(spec.war_room and subscription.war_room) and mega_sale_running(
                    subscription.market, day, session=session
                )

            found += periods_between(
                start,
                now,
                at=parse_at(subscription.at_time),
                zone=zone,
                cadence=spec.cadence,
                war_room=war_room,
            )
        if spec.extra is not None:
            found += spec.extra(subscription, start, now, session)
        return found

    def _claim_period(
        self,
        spec: JobSpec,
        subscription: Subscription,
        period: Period,
        now: dt.datetime,
        report: TickReport,
    ) -> Work | None:
        key = ledger_key(spec.name, subscription.id, period.key)
        with self.services.sessions.begin() as session:
            if period.due < now - self.grace:
                ledger.skip(spec.name, subscription.id, period.key, now=now, session=session)
                report.skipped.append(key)
                return None
            run_id = ledger.claim_new(
                spec.name, subscription.id, period.key, worker=self.worker, now=now, session=session
            )
        if run_id is None:
            return None
        return Work(run_id, spec, subscription, period, recovering=False, attempts=1)

    # --- doing ----------------------------------------------------------------------------

    def _do(self, item: Work, now: dt.datetime, report: TickReport) -> str | None:
        """Post one run and record how it went; the error when its workspace is gone."""
        subscription = item.subscription
        target = Target(
            subscription.platform, subscription.workspace, subscription.channel, subscription.locale
        )
        key = ledger_key(item.spec.name, subscription.id, item.period.key)
        started = time.perf_counter()
        try:
            poster = self.posters.for_target(target)
            found = poster.find(target, key) if item.recovering else None
            post = Post(None) if found else self._build(item, now)
            ref = found or (poster.post(target, post.reply, key=key) if post.reply else None)
        except Exception as exc:
            logger.warning("post failed", extra={"key": key, "error": str(exc)})
            self._traced(item, key, "failed", started)
            gone = isinstance(exc, NotInstalled)
            self._failed(item, f"{type(exc).__name__}: {exc}", now, report, gone=gone)
            return f"{type(exc).__name__}: {exc}" if gone else None
        with self.services.sessions.begin() as session:
            ledger.posted(
                item.run_id,
                worker=self.worker,
                message_ref=ref,
                data_day=post.data_day,
                now=now,
                session=session,
            )
            if ref and post.after is not None:
                post.after(ref, session)
        (report.found if found else report.posted if ref else report.quiet).append(key)
        logger.info("posted" if ref else "nothing to post", extra={"key": key, "ref": ref})
        self._traced(item, key, "found" if found else "posted" if ref else "quiet", started)
        return None

    def _traced(self, item: Work, key: str, outcome: str, started: float) -> None:
        fields = {"job": item.spec.name, "key": key, "platform": item.subscription.platform}
        self.services.traced("post", {**fields, "outcome": outcome}, time.perf_counter() - started)

    def _failed(
        self, item: Work, error: str, now: dt.datetime, report: TickReport, *, gone: bool
    ) -> None:
        """Record a failed post, retried with backoff; when its workspace no longer takes the
        app's posts, not retried, and the workspace's posts stop until the app is back."""
        retry_at = now + retry_delay(item.attempts) if item.attempts < MAX_ATTEMPTS else None
        subscription = item.subscription
        with self.services.sessions.begin() as session:
            if gone:
                retry_at = None
                suspend_workspace(
                    subscription.platform,
                    subscription.workspace,
                    SuspendReason.REVOKED,
                    now=now,
                    session=session,
                )
            ledger.failed(
                item.run_id, worker=self.worker, error=error, retry_at=retry_at, session=session
            )
        report.failed.append(ledger_key(item.spec.name, subscription.id, item.period.key))

    def _build(self, item: Work, now: dt.datetime) -> Post:
        subscription = item.subscription
        request = CommandRequest(
            text=item.spec.name,
            platform=subscription.platform,
            workspace=subscription.workspace,
            channel=subscription.channel,
            user="creatorbot",
            locale=subscription.locale,
        )
        services = replace(self.services, clock=lambda: now)
        with self.services.sessions.begin() as session:
            call = Call(request, session, services, Lang(subscription.locale))
            return item.spec.build(JobRun(subscription, item.period, call))

    def _zone(self, subscription: Subscription) -> ZoneInfo:
        return self._zones[subscription.market]
