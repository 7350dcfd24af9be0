"""The run ledger: one row per (job, subscription, period), claimed before anything is posted.

Every change of state is a conditional write, so two processes can never both own a run: a new
period is claimed by inserting its row (a second insert finds the key taken), an existing row only
by an UPDATE whose WHERE names the state the claimer saw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.models import Run, RunStatus


def _insert(
    job: str,
    subscription_id: int,
    period: str,
    status: RunStatus,
    *,
    now: dt.datetime,
    session: Session,
    **values: object,
) -> int | None:
    """Insert a run unless its (job, subscription, period) exists; the new id, else None."""
    insert = insert_of(session)
    statement = (
        insert(Run)
        .values(
            job=job,
            subscription_id=subscription_id,
            period=period,
            status=status,
            attempts=values.pop("attempts", 0),
            claimed_at=now,
            **values,
        )
        .on_conflict_do_nothing(index_elements=["job", "subscription_id", "period"])
        .returning(Run.id)
    )
    return session.execute(statement).scalar_one_or_none()


def claim_new(
    job: str, subscription_id: int, period: str, *, worker: str, now: dt.datetime, session: Session
) -> int | None:
    """Claim a period nobody has touched yet; its run id, or None when it has a row already."""
    return _insert(
        job,
        subscription_id,
        period,
        RunStatus.CLAIMED,
        now=now,
        session=session,
        attempts=1,
        claimed_by=worker,
    )


def claim_again(
    run_id: int, seen: RunStatus, *, worker: str, now: dt.datetime, session: Session
) -> bool:
    """Claim an existing run still in the state `seen` (pending, failed and due, or claimed by
    a process that is gone); False when someone else changed it first."""
    condition = [Run.id == run_id, Run.status == seen]
    if seen is RunStatus.FAILED:
        condition.append(Run.next_attempt_at <= now)
    statement = (
        update(Run)
        .where(*condition)
        .values(
            status=RunStatus.CLAIMED,
            claimed_by=worker,
            claimed_at=now,
            attempts=Run.attempts + 1,
            next_attempt_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def queue(
    job: str, subscription_id: int, period: str, *, now: dt.datetime, session: Session
) -> int | None:
    """Ask for a post outside the schedule (`digest run`): a pending row the runner claims."""
    return _insert(job, subscription_id, period, RunStatus.PENDING, now=now, session=session)


def skip(
    job: str, subscription_id: int, period: str, *, now: dt.datetime, session: Session
) -> None:
    """Record a period missed beyond the grace window (unless it has a row already)."""
    _insert(
        job,
        subscription_id,
        period,
        RunStatus.SKIPPED,
        now=now,
        session=session,
        error="missed: the scheduler was not running within the grace window",
    )


def _finish(run_id: int, worker: str, session: Session, **values: object) -> bool:
    statement = (
        update(Run)
        .where(Run.id == run_id, Run.status == RunStatus.CLAIMED, Run.claimed_by == worker)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def posted(
    run_id: int,
    *,
    worker: str,
    message_ref: str | None,
    data_day: dt.date | None,
    now: dt.datetime,
    session: Session,
) -> bool:
    """The post went out (or, with no `message_ref`, there was nothing to post)."""
    return _finish(
        run_id,
        worker,
        session,
        status=RunStatus.POSTED if message_ref else RunStatus.QUIET,
        message_ref=message_ref,
        data_day=data_day,
        posted_at=now,
        error=None,
    )


def failed(
    run_id: int,
    *,
    worker: str,
    error: str,
    retry_at: dt.datetime | None,
    session: Session,
) -> bool:
    """The post failed; it is tried again from `retry_at` (never, when None)."""
    return _finish(
        run_id,
        worker,
        session,
        status=RunStatus.FAILED,
        error=error[:2000],
        next_attempt_at=retry_at,
    )


def runs_of(
    subscription_ids: Iterable[int], *, session: Session, statuses: Iterable[RunStatus] = ()
) -> list[Run]:
    """The runs of some subscriptions (optionally only in some states), oldest first."""
    query = select(Run).where(Run.subscription_id.in_(list(subscription_ids)))
    wanted = list(statuses)
    if wanted:
        query = query.where(Run.status.in_(wanted))
    return list(session.scalars(query.order_by(Run.id)))


def open_runs(*, session: Session) -> list[Run]:
    """Runs waiting for work: pending, failed (due or not) and claimed, oldest first."""
    waiting = (RunStatus.PENDING, RunStatus.FAILED, RunStatus.CLAIMED)
    return list(session.scalars(select(Run).where(Run.status.in_(waiting)).order_by(Run.id)))


def periods_with_rows(
    job: str, subscription_id: int, periods: Iterable[str], *, session: Session
) -> set[str]:
    """Which of these periods already have a row, in any state."""
    wanted = list(periods)
    if not wanted:
        return set()
    query = select(Run.period).where(
        Run.job == job, Run.subscription_id == subscription_id, Run.period.in_(wanted)
    )
    return set(session.scalars(query))


def recent_runs(*, session: Session, limit: int = 20) -> list[Run]:
    """The ledger's latest rows, newest first."""
    return list(session.scalars(select(Run).order_by(Run.id.desc()).limit(limit)))
