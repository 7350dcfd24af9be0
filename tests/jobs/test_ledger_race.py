"""Two claimers racing for one run of the ledger, each on its own connection: exactly one wins,
whichever way their steps interleave, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import ledger
from creatorbot.storage.models import Run, RunStatus, Subscription
from tests.jobs.conftest import utc

NOW = utc(2026, 11, 24, 3)


@pytest.fixture
def pending(sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]) -> int:
    """A `digest run` asked for and not claimed yet."""
    subscription = add_subscription("C1", since=NOW)
    with sessions.begin() as session:
        run_id = ledger.queue("snapshot", subscription.id, "manual:1", now=NOW, session=session)
    assert run_id is not None
    return run_id


def seen_state(sessions: sessionmaker[Session], run_id: int) -> RunStatus:
    """What a claimer reads before it claims (the runner reads, then claims, in two steps)."""
    with sessions.begin() as session:
        run = session.get(Run, run_id)
        assert run is not None
        return run.status


def holder(sessions: sessionmaker[Session], run_id: int) -> tuple[RunStatus, str | None, int]:
    with sessions() as session:
        run = session.get(Run, run_id)
        assert run is not None
        return run.status, run.claimed_by, run.attempts


def test_both_saw_it_pending_the_second_to_claim_loses(
    sessions: sessionmaker[Session], pending: int
) -> None:
    seen_by_a, seen_by_b = seen_state(sessions, pending), seen_state(sessions, pending)
    assert seen_by_a is seen_by_b is RunStatus.PENDING
    with sessions.begin() as session:
        assert ledger.claim_again(pending, seen_by_a, worker="a", now=NOW, session=session)
    with sessions.begin() as session:
        assert not ledger.claim_again(pending, seen_by_b, worker="b", now=NOW, session=session)
    assert holder(sessions, pending) == (RunStatus.CLAIMED, "a", 1)


def test_a_claim_made_while_the_other_is_uncommitted_waits_for_it_and_loses(
    engine: Engine, sessions: sessionmaker[Session], pending: int
) -> None:
    """A has updated the row and not committed; B's update starts, must wait for A's lock, and
    finds the row no longer pending once A commits."""
    seen = seen_state(sessions, pending)
    b_started = threading.Event()
    outcome: dict[str, bool] = {}

    def claim_b() -> None:
        with sessions.begin() as session:
            b_started.set()
            outcome["b"] = ledger.claim_again(pending, seen, worker="b", now=NOW, session=session)

    with sessions.begin() as session_a:
        assert ledger.claim_again(pending, seen, worker="a", now=NOW, session=session_a)
        racer = threading.Thread(target=claim_b)
        racer.start()
        assert b_started.wait(10)
        _wait_until_blocked(engine, racer)
    racer.join(30)  # A committed on leaving the block: B may go on
    assert not racer.is_alive()
    assert outcome == {"b": False}
    assert holder(sessions, pending) == (RunStatus.CLAIMED, "a", 1)


def test_two_claimers_of_a_new_period_one_row_one_winner(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> None:
    subscription = add_subscription("C1", since=NOW - dt.timedelta(days=1))
    with sessions.begin() as first, sessions.begin() as second:
        won = ledger.claim_new(
            "snapshot", subscription.id, "2026-11-24", worker="a", now=NOW, session=first
        )
        first.commit()
        lost = ledger.claim_new(
            "snapshot", subscription.id, "2026-11-24", worker="b", now=NOW, session=second
        )
    assert won is not None and lost is None
    with sessions() as session:
        claimed = session.scalars(select(Run.claimed_by).where(Run.period == "2026-11-24"))
        assert claimed.all() == ["a"]


def _wait_until_blocked(engine: Engine, racer: threading.Thread) -> None:
    """Until B is held up by A's lock: on PostgreSQL a backend waits on a lock; on SQLite (one
    writer at a time) B's thread is still inside its update after a moment, waiting out its busy
    timeout. Either way B has not finished before A commits."""
    if engine.dialect.name == "postgresql":
        deadline = dt.datetime.now() + dt.timedelta(seconds=10)
        with engine.connect() as probe:
            while dt.datetime.now() < deadline:
                waiting = probe.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                    )
                )
                probe.commit()
                if waiting:
                    return
        raise AssertionError("the second claimer never waited for the first's lock")
    racer.join(0.3)
    assert racer.is_alive(), "the second claimer did not wait for the first's write"
