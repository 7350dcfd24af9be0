"""The alerts table on both databases: recording is idempotent, acknowledging and snoozing
silence a subject, and an anomaly going on is posted once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.alerts import (
    acknowledge,
    alert_by_id,
    postable,
    record,
    snooze,
    unrecorded,
)
from creatorbot.storage.models import Alert, AlertStatus
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
