"""The warehouse sync: one run of a source's kind for a market and day, recorded and audited;
and the daily schedule, which runs each source's kinds for yesterday once the source's hour has
passed in each market it serves (only the scheduler's leader ticks it)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import CommandRequest
from creatorbot.commands.trail import record
from creatorbot.storage.failures import first_line
from creatorbot.storage.importers import KINDS, ImportFailed, ImportResult
from creatorbot.storage.models import SyncOutcome
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.sync import Source, SyncFailed, runs, sync_source

logger = logging.getLogger(__name__)

RETRY_AFTER = dt.timedelta(minutes=30)  # a failed scheduled run is tried again after this
MAX_ATTEMPTS = 12  # scheduled attempts of one day; then the freshness alert is the signal
STALE = dt.timedelta(hours=2)  # a run still `running` after this was left by a dead process
SCHEDULER = "creatorbot"  # the user named in the audit log for scheduled runs


@dataclass(frozen=True)
class SyncReport:
    """How one sync run went: `message` is what the command line prints."""

    source: str
    kind: str
    market: str
    day: dt.date
    outcome: SyncOutcome
    message: str
    result: ImportResult | None = None


def run_sync(
    sessions: sessionmaker[Session],
    source: Source,
    kind: str,
    *,
    market: str,
    day: dt.date,
    clock: Callable[[], dt.datetime],
    attempt: int | None = None,
    user: str = "operator",
) -> SyncReport | None:
    """Sync one kind for one market and day in a transaction of its own, recording the run
    (a scheduled `attempt` is claimed first: None when another process has it)."""
    with sessions.begin() as session:
        run_id = runs.start(
            source.name, kind, market, day, attempt=attempt, now=clock(), session=session
        )
    if run_id is None:
        return None
    started = time.perf_counter()
    result: ImportResult | None = None
    error: str | None
    try:
        with sessions.begin() as session:
            result = sync_source(source, kind, market=market, day=day, session=session)
    except SyncFailed as exc:
        outcome, error, message, audited = SyncOutcome.FAILED, exc.reason, str(exc), "failed"
    except ImportFailed as exc:
        error = _problems(exc)
        outcome, message, audited = SyncOutcome.FAILED, str(exc), "refused"
    except DBAPIError as exc:  # the bot's own database; rolled back on the way out
        error = f"the bot's database: {first_line(exc)}"
        outcome, message, audited = SyncOutcome.FAILED, f"{source.name} {kind}: {error}", "failed"
    else:
        outcome, error, audited = SyncOutcome.OK, None, "answered"
        message = (
            f"Synced {result.rows} {kind} rows of {market} for {day} from {source.name}: "
            f"{result.inserted} new, {result.updated} updated."
        )
    rows = result.rows if result else None
    try:
        with sessions.begin() as session:
            runs.finish(
                run_id,
                outcome,
                now=clock(),
                rows=rows,
                inserted=result.inserted if result else None,
                updated=result.updated if result else None,
                error=error,
                session=session,
            )
    except DBAPIError as exc:
        logger.error("sync run not recorded", extra={"error": first_line(exc)})
    record(
        sessions,
        CommandRequest(text="", platform="console", user=user),
        command="sync",
        arguments=f"{source.name} {kind} {market} {day.isoformat()}",
        allowed=True,
        outcome=audited,
        rows=rows,
        latency_ms=round((time.perf_counter() - started) * 1000),
        at=clock(),
    )
    logger.info("sync %s", outcome.value, extra={"source": source.name, "kind": kind})
    return SyncReport(source.name, kind, market, day, outcome, message, result)


def _problems(exc: ImportFailed) -> str:
    """A failed sync's rows in one line: how many problems, and the first."""
    count = f"{exc.total_errors:,} problem{'s' if exc.total_errors != 1 else ''} in its rows"
    return f"{count} ({exc.errors[0]})" if exc.errors else count


def yesterday(market_zone: str, now: dt.datetime) -> dt.date:
    """The market-local day before `now`'s."""
    return now.astimezone(ZoneInfo(market_zone)).date() - dt.timedelta(days=1)


class SyncSchedule:
    """Each source's kinds, for yesterday of each market it serves, once that market's local
    time passed the source's hour; a failed day is tried again every RETRY_AFTER."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        sources: Mapping[str, Source],
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.sessions = sessions
        self.sources = dict(sources)
        self.clock = clock

    def tick(self, now: dt.datetime) -> list[SyncReport]:
        """Run whatever is due at `now`; the runs this process did."""
        if not self.sources:
            return []
        with self.sessions.begin() as session:
            zones = {code: m.timezone for code, m in all_markets(session=session).items()}
        done: list[SyncReport] = []
        for source in self.sources.values():
            for market, zone in sorted(zones.items()):
                local = now.astimezone(ZoneInfo(zone))
                if not source.serves(market) or local.time() < source.at:
                    continue
                day = local.date() - dt.timedelta(days=1)
                for kind in (k for k in KINDS if k in source.queries):  # creators first
                    report = self._due(source, kind, market, day, now)
                    if report is not None:
                        done.append(report)
        return done

    def _due(
        self, source: Source, kind: str, market: str, day: dt.date, now: dt.datetime
    ) -> SyncReport | None:
        with self.sessions.begin() as session:
            tried = runs.attempts(source.name, kind, market, day, session=session)
        attempt = next_attempt([(r.outcome, r.started_at, r.finished_at) for r in tried], now)
        if attempt is None:
            return None
        report = run_sync(
            self.sessions,
            source,
            kind,
            market=market,
            day=day,
            clock=lambda: now,
            attempt=attempt,
            user=SCHEDULER,
        )
        if report is not None and report.outcome is SyncOutcome.FAILED:
            logger.warning(
                "scheduled sync failed",
                extra={"source": source.name, "kind": kind, "market": market, "attempt": attempt},
            )
        return report


def next_attempt(
    tried: list[tuple[SyncOutcome, dt.datetime, dt.datetime | None]], now: dt.datetime
) -> int | None:
    """The attempt number due at `now` given the day's attempts so far, or None."""
    if not tried:
        return 1
    if any(outcome is SyncOutcome.OK for outcome, _, _ in tried) or len(tried) >= MAX_ATTEMPTS:
        return None
    outcome, started, finished = tried[-1]
    if outcome is SyncOutcome.RUNNING:
        return len(tried) + 1 if _utc(started) <= now - STALE else None
    return len(tried) + 1 if finished is None or _utc(finished) <= now - RETRY_AFTER else None


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
