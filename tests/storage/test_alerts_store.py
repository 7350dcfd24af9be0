"""The alerts table on both databases: recording is idempotent, acknowledging and snoozing
silence a subject, and an anomaly going on is posted once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.alert_messages import (
    claim_notice,
    finish_notice,
    pending_notices,
    queue_notice,
)
from creatorbot.storage.alerts import (
    acknowledge,
    alert_by_id,
    postable,
    record,
    snooze,
    unrecorded,
)
from creatorbot.storage.models import Alert, AlertNotice, AlertStatus
from creatorbot.storage.queries.anomaly_scan import Finding

DAY = dt.date(2026, 11, 23)


def finding(
    key: str = "aisyah",
    metric: str = "gmv",
    day: dt.date = DAY,
    observed: int = 100,
    expected: int = 10_000,
    kind: str = "creator",
) -> Finding:
    return Finding("MY", kind, key, metric, day, observed, expected, abs(expected - observed))


def store(sessions: sessionmaker[Session], *found: Finding) -> None:
    with sessions.begin() as session:
        record(list(found), [f"{f.subject_key} {f.metric}" for f in found], session=session)


def posted(sessions: sessionmaker[Session], day: dt.date = DAY) -> list[tuple[str, str]]:
    with sessions.begin() as session:
        return [(a.subject_key, a.metric) for a in postable("MY", day, session=session)]


def ids(sessions: sessionmaker[Session]) -> dict[tuple[str, str, dt.date], int]:
    with sessions.begin() as session:
        rows = session.execute(select(Alert.subject_key, Alert.metric, Alert.day, Alert.id))
        return {(key, metric, day): id_ for key, metric, day, id_ in rows}


def test_recording_twice_keeps_one_alert_and_its_first_reason(
    sessions: sessionmaker[Session],
) -> None:
    store(sessions, finding(), finding(metric="orders", observed=2, expected=200))
    with sessions.begin() as session:
        record([finding(observed=5)], ["again"], session=session)
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Alert)) == 2
        alert = session.scalar(select(Alert).where(Alert.metric == "gmv"))
        assert alert is not None
        assert (alert.observed, alert.reason, alert.status) == (100, "aisyah gmv", AlertStatus.OPEN)


def test_only_findings_without_an_alert_are_left_to_record(
    sessions: sessionmaker[Session],
) -> None:
    store(sessions, finding(), finding(key="budi", kind="slot"))
    later = DAY + dt.timedelta(days=1)
    asked = [
        finding(observed=5),  # the same subject, metric and day: recorded already
        finding(metric="orders"),
        finding(key="budi"),  # a creator, not the slot of that name
        finding(key="budi", kind="slot", day=later),
        finding(key="budi", kind="slot"),
    ]
    with sessions.begin() as session:
        assert unrecorded(asked, session=session) == asked[1:4]


def test_postable_ranks_by_money_at_stake_and_is_the_same_every_time(
    sessions: sessionmaker[Session],
) -> None:
    store(
        sessions,
        finding("small", expected=1_000),
        finding("big", expected=90_000),
        finding("banner", "ctr", kind="slot", observed=2_000, expected=20_000),
    )
    first = posted(sessions)
    assert first == [("big", "gmv"), ("banner", "ctr"), ("small", "gmv")]
    assert posted(sessions) == first


def test_acknowledging_handles_the_subjects_alerts_of_the_day(
    sessions: sessionmaker[Session],
) -> None:
    store(sessions, finding(), finding(metric="orders"), finding("budi"))
    gmv = ids(sessions)[("aisyah", "gmv", DAY)]
    with sessions.begin() as session:
        alert = alert_by_id(gmv, session=session)
        assert alert is not None
        handled = acknowledge(alert, "U1", session=session)
        assert {a.metric for a in handled} == {"gmv", "orders"}
    with sessions.begin() as session:
        for alert in session.scalars(select(Alert).where(Alert.subject_key == "aisyah")):
            assert (alert.status, alert.handled_by) == (AlertStatus.ACKNOWLEDGED, "U1")
    assert posted(sessions) == [("budi", "gmv")]


def test_a_snooze_silences_the_subject_until_its_day(sessions: sessionmaker[Session]) -> None:
    store(sessions, finding())
    with sessions.begin() as session:
        alert = alert_by_id(ids(sessions)[("aisyah", "gmv", DAY)], session=session)
        assert alert is not None
        snooze(alert, "U1", DAY + dt.timedelta(days=7), session=session)
    with sessions.begin() as session:
        alert = session.scalar(select(Alert))
        assert alert is not None
        assert (alert.status, alert.snoozed_until) == (AlertStatus.SNOOZED, dt.date(2026, 11, 30))
    silenced, back = DAY + dt.timedelta(days=2), DAY + dt.timedelta(days=7)
    store(sessions, finding(day=silenced, observed=90_000), finding("budi", day=silenced))
    assert posted(sessions, silenced) == [("budi", "gmv")]
    store(sessions, finding(day=back, observed=90_000))
    assert posted(sessions, back) == [("aisyah", "gmv")]


def test_an_anomaly_going_on_is_posted_once(sessions: sessionmaker[Session]) -> None:
    for back in range(4):
        store(sessions, finding(day=DAY + dt.timedelta(days=back)))
    assert posted(sessions, DAY) == [("aisyah", "gmv")]
    for back in range(1, 4):
        assert posted(sessions, DAY + dt.timedelta(days=back)) == []


def test_an_anomaly_seen_on_any_of_the_three_days_before_is_going_on_and_not_on_the_fourth(
    sessions: sessionmaker[Session],
) -> None:
    """A subject alerted on DAY and again `gap` days later, with quiet days between: the same
    anomaly going on for a gap of 1, 2 or 3 days; news again after 4."""
    for gap in range(1, 6):
        store(sessions, finding(f"gap{gap}"))
        store(sessions, finding(f"gap{gap}", day=DAY + dt.timedelta(days=gap)))
    for gap in range(1, 6):
        news = posted(sessions, DAY + dt.timedelta(days=gap))
        assert news == ([] if gap <= 3 else [(f"gap{gap}", "gmv")]), gap


def test_the_same_subject_is_news_again_in_the_other_direction_or_after_a_pause(
    sessions: sessionmaker[Session],
) -> None:
    store(sessions, finding(day=DAY - dt.timedelta(days=2)))
    spike = finding(observed=50_000, expected=10_000)
    other_metric = finding(metric="orders")
    store(sessions, spike, other_metric)
    assert posted(sessions) == [("aisyah", "gmv"), ("aisyah", "orders")]
    store(sessions, finding(day=DAY + dt.timedelta(days=5)))  # four quiet days in between
    assert posted(sessions, DAY + dt.timedelta(days=5)) == [("aisyah", "gmv")]


def test_a_notice_is_tried_again_with_waits_that_double_and_an_abandoned_claim_is_taken_back(
    sessions: sessionmaker[Session],
) -> None:
    store(sessions, finding())
    start = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
    minute = dt.timedelta(minutes=1)
    with sessions.begin() as session:
        queue_notice(ids(sessions)[("aisyah", "gmv", DAY)], "ack", "U1", now=start, session=session)

    def due(at: dt.datetime) -> list[AlertNotice]:
        with sessions.begin() as session:
            found = pending_notices(now=at, session=session)
            session.expunge_all()
            return found

    def take(at: dt.datetime) -> int:
        [notice] = due(at)
        with sessions.begin() as session:
            assert claim_notice(notice, now=at, session=session)
        with sessions.begin() as session:  # a second process with the same view gets nothing
            assert not claim_notice(notice, now=at, session=session)
        return notice.id

    # Failed at once, then waits of 1, 2, 4 and 8 minutes: five tries, then it is left.
    at, tries = start, []
    while due(at + 60 * minute) and len(tries) < 10:
        notice_id = take(at)
        tries.append(at)
        with sessions.begin() as session:
            finish_notice(notice_id, False, now=at, session=session)
        at = due_at(sessions, notice_id) or at
    assert [(t - start) // minute for t in tries] == [0, 1, 3, 7, 15]
    assert due(start + 24 * 60 * minute) == []

    # A claim whose process died: taken back once its ten minutes have run out.
    with sessions.begin() as session:
        queue_notice(ids(sessions)[("aisyah", "gmv", DAY)], "ack", "U2", now=start, session=session)
    take(start)
    assert due(start + 9 * minute) == []
    again = take(start + 10 * minute)
    with sessions.begin() as session:
        finish_notice(again, True, now=start + 10 * minute, session=session)
    assert due(start + 24 * 60 * minute) == []


def due_at(sessions: sessionmaker[Session], notice_id: int) -> dt.datetime | None:
    with sessions.begin() as session:
        notice = session.get(AlertNotice, notice_id)
        assert notice is not None
        value = notice.due_at
    return None if value is None else value.replace(tzinfo=value.tzinfo or dt.UTC)
