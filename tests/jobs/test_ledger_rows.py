"""What the run ledger keeps of each run, as `digest list` and `creatorbot jobs` show it: a retried
run's state, a failure's error, a skipped period's reason, and which runs are listed in which
order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import ledger
from creatorbot.storage.models import Run, RunStatus, Subscription
from tests.jobs.conftest import utc

NOW = utc(2026, 11, 24, 3)
LATER = NOW + dt.timedelta(minutes=10)


def claim(job: str, subscription: Subscription, *, session: Session) -> int:
    """A new run of `job` for the subscription's 24 November, claimed by worker w1."""
    run_id = ledger.claim_new(
        job, subscription.id, "2026-11-24", worker="w1", now=NOW, session=session
    )
    assert run_id is not None
    return run_id


def row(sessions: sessionmaker[Session], run_id: int) -> Run:
    with sessions() as session:
        run = session.get(Run, run_id)
        assert run is not None
        session.expunge(run)
        return run


def test_a_failed_run_keeps_its_error_and_retry_time_until_claimed_again(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> None:
    subscription = add_subscription("C1", since=NOW)
    with sessions.begin() as session:
        run_id = claim("snapshot", subscription, session=session)
        assert ledger.failed(
            run_id, worker="w1", error="channel_not_found\nmore", retry_at=LATER, session=session
        )
    failed = row(sessions, run_id)
    assert (failed.status, failed.error, failed.attempts) == (
        RunStatus.FAILED,
        "channel_not_found\nmore",
        1,
    )
    assert failed.next_attempt_at is not None
    with sessions.begin() as session:
        early = LATER - dt.timedelta(seconds=1)  # not due yet
        assert not ledger.claim_again(
            run_id, RunStatus.FAILED, worker="w2", now=early, session=session
        )
        assert ledger.claim_again(run_id, RunStatus.FAILED, worker="w2", now=LATER, session=session)
    again = row(sessions, run_id)
    assert (again.status, again.claimed_by, again.attempts) == (RunStatus.CLAIMED, "w2", 2)
    assert again.next_attempt_at is None  # a claimed run waits for no retry time


def test_a_skipped_period_says_it_was_missed(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> None:
    subscription = add_subscription("C1", since=NOW)
    with sessions.begin() as session:
        ledger.skip("snapshot", subscription.id, "2026-11-20", now=NOW, session=session)
        (skipped,) = ledger.runs_of([subscription.id], session=session)
        assert skipped.status is RunStatus.SKIPPED
        assert skipped.error is not None and "missed" in skipped.error.lower()
        assert (skipped.attempts, skipped.claimed_by) == (0, None)


def test_runs_of_some_subscriptions_oldest_first_and_in_some_states(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> None:
    one = add_subscription("C1", since=NOW).id
    two = add_subscription("C2", since=NOW).id
    three = add_subscription("C3", since=NOW).id
    with sessions.begin() as session:
        a = ledger.queue("snapshot", two, "manual:1", now=NOW, session=session)
        b = ledger.claim_new("snapshot", one, "2026-11-24", worker="w", now=NOW, session=session)
        c = ledger.queue("snapshot", one, "manual:2", now=NOW, session=session)
        ledger.queue("snapshot", three, "manual:3", now=NOW, session=session)
    with sessions() as session:
        assert [r.id for r in ledger.runs_of([one, two], session=session)] == [a, b, c]
        pending = ledger.runs_of([one, two], session=session, statuses=[RunStatus.PENDING])
        assert [r.id for r in pending] == [a, c]
        claimed = ledger.runs_of((s for s in [one]), session=session, statuses=[RunStatus.CLAIMED])
        assert [r.id for r in claimed] == [b]
        both = ledger.runs_of(
            [one, two], session=session, statuses=[RunStatus.PENDING, RunStatus.CLAIMED]
        )
        assert [r.id for r in both] == [a, b, c]  # by age, whatever their states
        assert ledger.runs_of([], session=session) == []


def test_the_latest_runs_newest_first(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> None:
    subscription = add_subscription("C1", since=NOW).id
    with sessions.begin() as session:
        ids = [
            ledger.queue("snapshot", subscription, f"manual:{n}", now=NOW, session=session)
            for n in range(5)
        ]
    with sessions() as session:
        assert [r.id for r in ledger.recent_runs(session=session, limit=3)] == ids[::-1][:3]
        assert [r.id for r in ledger.recent_runs(session=session, limit=30)] == ids[::-1]


def test_a_post_is_recorded_with_its_message_day_and_time_and_clears_an_old_error(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> None:
    subscription = add_subscription("C1", since=NOW)
    with sessions.begin() as session:
        run_id = claim("snapshot", subscription, session=session)
        ledger.failed(run_id, worker="w1", error="rate_limited", retry_at=NOW, session=session)
        assert ledger.claim_again(run_id, RunStatus.FAILED, worker="w1", now=NOW, session=session)
        assert ledger.posted(
            run_id,
            worker="w1",
            message_ref="C1:1732438800.000100",
            data_day=dt.date(2026, 11, 23),
            now=LATER,
            session=session,
        )
    run = row(sessions, run_id)
    assert (run.status, run.message_ref, run.data_day, run.error) == (
        RunStatus.POSTED,
        "C1:1732438800.000100",
        dt.date(2026, 11, 23),
        None,
    )
    at = run.posted_at
    assert at is not None
    assert (at if at.tzinfo else at.replace(tzinfo=dt.UTC)) == LATER  # reminders count from it


def test_nothing_to_post_is_recorded_as_quiet(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> None:
    subscription = add_subscription("C1", since=NOW)
    with sessions.begin() as session:
        run_id = claim("alerts", subscription, session=session)
        assert not ledger.posted(
            run_id, worker="w2", message_ref=None, data_day=None, now=LATER, session=session
        )  # not the claimer's
        assert ledger.posted(
            run_id, worker="w1", message_ref=None, data_day=None, now=LATER, session=session
        )
    run = row(sessions, run_id)
    assert (run.status, run.message_ref) == (RunStatus.QUIET, None)


def test_a_run_is_finished_once_by_its_claimer(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> None:
    subscription = add_subscription("C1", since=NOW)
    with sessions.begin() as session:
        run_id = claim("snapshot", subscription, session=session)
        assert ledger.failed(run_id, worker="w1", error="timeout", retry_at=None, session=session)
        assert not ledger.posted(
            run_id, worker="w1", message_ref="C1:1", data_day=None, now=LATER, session=session
        )
    run = row(sessions, run_id)
    assert (run.status, run.error, run.message_ref) == (RunStatus.FAILED, "timeout", None)


def test_the_periods_of_one_job_and_subscription_that_have_rows(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> None:
    one = add_subscription("C1", since=NOW).id
    two = add_subscription("C2", since=NOW).id
    with sessions.begin() as session:
        ledger.claim_new("snapshot", one, "2026-11-21", worker="w", now=NOW, session=session)
        ledger.claim_new("snapshot", one, "2026-11-22", worker="w", now=NOW, session=session)
        ledger.skip("snapshot", one, "2026-11-23", now=NOW, session=session)
        ledger.claim_new("snapshot", two, "2026-11-24", worker="w", now=NOW, session=session)
        ledger.claim_new("feedback", one, "2026-11-24", worker="w", now=NOW, session=session)
    days = ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25"]
    with sessions() as session:
        found = ledger.periods_with_rows("snapshot", one, iter(days), session=session)
        assert found == {"2026-11-22", "2026-11-23"}
        assert ledger.periods_with_rows("snapshot", one, [], session=session) == set()


def test_open_runs_are_the_waiting_ones_oldest_first(
    sessions: sessionmaker[Session], add_subscription: Callable[..., Subscription]
) -> None:
    one = add_subscription("C1", since=NOW).id
    with sessions.begin() as session:
        pending = ledger.queue("snapshot", one, "manual:1", now=NOW, session=session)
        claimed = ledger.claim_new(
            "snapshot", one, "2026-11-22", worker="w", now=NOW, session=session
        )
        failed = ledger.claim_new(
            "snapshot", one, "2026-11-23", worker="w", now=NOW, session=session
        )
        done = ledger.claim_new("snapshot", one, "2026-11-24", worker="w", now=NOW, session=session)
        later = ledger.queue("snapshot", one, "manual:2", now=NOW, session=session)
        ledger.skip("snapshot", one, "2026-11-20", now=NOW, session=session)
        assert failed is not None and done is not None
        ledger.failed(failed, worker="w", error="x", retry_at=LATER, session=session)
        ledger.posted(done, worker="w", message_ref="C1:1", data_day=None, now=NOW, session=session)
    with sessions() as session:
        waiting = [r.id for r in ledger.open_runs(session=session)]
    assert waiting == [pending, claimed, failed, later]
