"""The record of sync runs: started, then finished with its outcome. A scheduled attempt is
claimed by inserting its row (the attempt number is unique per source, kind, market and day)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.models import SyncOutcome, SyncRun

ERROR_CHARS = 2_000


def start(
    source: str,
    kind: str,
    market: str,
    day: dt.date,
    *,
    attempt: int | None,
    now: dt.datetime,
    session: Session,
) -> int | None:
    """Record a run as running; its id, or None when that scheduled attempt is taken."""
    insert = insert_of(session)
    statement = (
        insert(SyncRun)
        .values(
            source=source,
            kind=kind,
            market=market,
            day=day,
            attempt=attempt,
            started_at=now,
            outcome=SyncOutcome.RUNNING,
        )
        .on_conflict_do_nothing(index_elements=["source", "kind", "market", "day", "attempt"])
        .returning(SyncRun.id)
    )
    return session.execute(statement).scalar_one_or_none()


def finish(
    run_id: int,
    outcome: SyncOutcome,
    *,
    now: dt.datetime,
    session: Session,
    rows: int | None = None,
    inserted: int | None = None,
    updated: int | None = None,
    error: str | None = None,
) -> None:
    """Record how the run ended."""
    session.execute(
        update(SyncRun)
        .where(SyncRun.id == run_id)
        .values(
            outcome=outcome,
            finished_at=now,
            rows=rows,
            inserted=inserted,
            updated=updated,
            error=error[:ERROR_CHARS] if error else None,
        )
    )


def attempts(
    source: str, kind: str, market: str, day: dt.date, *, session: Session
) -> Sequence[SyncRun]:
    """The scheduled attempts of one source, kind, market and day, first first."""
    query = (
        select(SyncRun)
        .where(
            SyncRun.source == source,
            SyncRun.kind == kind,
            SyncRun.market == market,
            SyncRun.day == day,
            SyncRun.attempt.is_not(None),
        )
        .order_by(SyncRun.attempt)
    )
    return session.scalars(query).all()


def last_run(market: str, day: dt.date, kind: str, *, session: Session) -> SyncRun | None:
    """The latest finished run that synced `kind` for `market` and `day`."""
    query = (
        select(SyncRun)
        .where(
            SyncRun.market == market,
            SyncRun.day == day,
            SyncRun.kind == kind,
            SyncRun.outcome != SyncOutcome.RUNNING,
        )
        .order_by(SyncRun.finished_at.desc(), SyncRun.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def recent(*, session: Session, limit: int = 20) -> Sequence[SyncRun]:
    """The latest runs, newest first."""
    return session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(limit)).all()
