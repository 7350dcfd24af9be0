"""Operational figures read for the metrics: the run ledger by status, the last successful sync
and import, and each market's latest day of data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import AuditEntry, Market, Run, SyncOutcome, SyncRun
from creatorbot.storage.queries.markets import latest_day

IMPORTED = "answered"  # the audit outcome of an import that wrote its rows
UNKNOWN_KIND = "unknown"


@dataclass(frozen=True)
class Freshness:
    """A market's latest day with data (None: none yet) and its local today."""

    market: str
    latest: dt.date | None
    today: dt.date


def runs_by_status(*, session: Session) -> list[tuple[str, str, int]]:
    """(job, status, runs) over the whole ledger."""
    query = select(Run.job, Run.status, func.count()).group_by(Run.job, Run.status)
    return [(job, str(status), int(n)) for job, status, n in session.execute(query)]


def retried_runs(*, session: Session) -> list[tuple[str, int]]:
    """(job, runs that needed more than one attempt)."""
    query = select(Run.job, func.count()).where(Run.attempts > 1).group_by(Run.job)
    return [(job, int(n)) for job, n in session.execute(query)]


def last_syncs(*, session: Session) -> list[tuple[str, str, dt.datetime]]:
    """(kind, market, when its last successful warehouse sync finished)."""
    query = (
        select(SyncRun.kind, SyncRun.market, func.max(SyncRun.finished_at))
        .where(SyncRun.outcome == SyncOutcome.OK, SyncRun.finished_at.is_not(None))
        .group_by(SyncRun.kind, SyncRun.market)
    )
    return [(kind, market, _utc(at)) for kind, market, at in session.execute(query) if at]


def last_imports(
    since: dt.datetime, kinds: frozenset[str], *, session: Session
) -> dict[str, dt.datetime]:
    """Kind → when its last import that wrote rows (command line, inbox or chat) ended, from the
    audit log since `since` (its `at` index bounds the read). The log names the kind as the
    first word of the arguments; a file recognised from its header may say `-` (unknown)."""
    query = select(AuditEntry.arguments, AuditEntry.at).where(
        AuditEntry.at >= since, AuditEntry.command == "import", AuditEntry.outcome == IMPORTED
    )
    found: dict[str, dt.datetime] = {}
    for arguments, at in session.execute(query):
        first = (arguments or "").split(" ", 1)[0]
        kind = first if first in kinds else UNKNOWN_KIND
        when = _utc(at)
        if kind not in found or when > found[kind]:
            found[kind] = when
    return found


def freshness(now: dt.datetime, *, session: Session) -> list[Freshness]:
    """Each market's latest day with daily metrics, beside its local today."""
    from zoneinfo import ZoneInfo

    markets = session.execute(select(Market.code, Market.timezone).order_by(Market.code))
    return [
        Freshness(code, latest_day(code, session=session), now.astimezone(ZoneInfo(zone)).date())
        for code, zone in markets
    ]


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive date-times; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
