"""The alerts table: recording anomalies once, acknowledging and snoozing them, and which of a
day's alerts a post carries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.models import Alert, AlertStatus
from creatorbot.storage.queries.anomaly_scan import Finding
from creatorbot.storage.upsert import table_of

CONTINUING_DAYS = 3  # an anomaly alerted this recently is the same one going on
SNOOZE_DAYS = 7
CHUNK = 1_000  # alerts per INSERT, within SQLite's limit on bound values


def record(findings: Sequence[Finding], reasons: Sequence[str], *, session: Session) -> None:
    """Store each finding as an open alert with its reason, unless an alert with the same key
    (market, subject, metric, day) exists: recording twice changes nothing."""
    if not findings:
        return
    rows = [
        {
            "market": f.market,
            "subject_kind": f.subject_kind,
            "subject_key": f.subject_key,
            "metric": f.metric,
            "day": f.day,
            "observed": f.observed,
            "expected": f.expected,
            "impact": f.impact,
            "reason": reason,
            "status": AlertStatus.OPEN,
        }
        for f, reason in zip(findings, reasons, strict=True)
    ]
    insert = insert_of(session)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        session.execute(insert(table_of(Alert)).values(chunk).on_conflict_do_nothing())


def unrecorded(findings: Sequence[Finding], *, session: Session) -> list[Finding]:
    """The findings that have no alert yet (the others `record` would leave as they are), in
    their order; one read per market-day among them."""
    days = {(f.market, f.day) for f in findings}
    known: set[tuple[str, str, str, str, dt.date]] = set()
    for market, day in days:
        query = select(Alert.subject_kind, Alert.subject_key, Alert.metric).where(
            Alert.market == market, Alert.day == day
        )
        known |= {(market, kind, key, metric, day) for kind, key, metric in session.execute(query)}
    return [
        f
        for f in findings
        if (f.market, f.subject_kind, f.subject_key, f.metric, f.day) not in known
    ]


def alerts_on(market: str, day: dt.date, *, session: Session) -> list[Alert]:
    """Every alert of `market` on `day`, most money at stake first."""
    query = select(Alert).where(Alert.market == market, Alert.day == day)
    return sorted(session.scalars(query), key=_rank)


def alert_rank(alert: Alert) -> tuple[int, str, str, str]:
    """The order of a post: most money at stake first."""
    return _rank(alert)


def _rank(alert: Alert) -> tuple[int, str, str, str]:
    return (-alert.impact, alert.subject_kind, alert.subject_key, alert.metric)


def direction(alert: Alert) -> str:
    """`spike` or `drop`, as the alert's figures say."""
    return "spike" if alert.observed > alert.expected else "drop"


def postable(market: str, day: dt.date, *, session: Session) -> list[Alert]:
    """The alerts of `market` on `day` a post carries, most money at stake first: open ones,
    of subjects not snoozed over `day`, that do not continue an anomaly (same subject, metric
    and direction) alerted on one of the CONTINUING_DAYS before. Depends only on the stored
    alerts, so a post rendered again for the same day carries the same alerts."""
    today = alerts_on(market, day, session=session)
    if not today:
        return []
    earlier = session.scalars(
        select(Alert).where(
            Alert.market == market,
            Alert.day >= day - dt.timedelta(days=CONTINUING_DAYS),
            Alert.day < day,
        )
    )
    going_on = {(a.subject_kind, a.subject_key, a.metric, direction(a)) for a in earlier}
    snoozed = _snoozed(market, day, session=session)
    return [
        alert
        for alert in today
        if alert.status == AlertStatus.OPEN
        and (alert.subject_kind, alert.subject_key) not in snoozed
        and (alert.subject_kind, alert.subject_key, alert.metric, direction(alert)) not in going_on
    ]


def _snoozed(market: str, day: dt.date, *, session: Session) -> set[tuple[str, str]]:
    """Subjects of `market` with a snooze that still silences `day`."""
    query = select(Alert.subject_kind, Alert.subject_key).where(
        Alert.market == market,
        Alert.status == AlertStatus.SNOOZED,
        Alert.snoozed_until > day,
    )
    return {(kind, key) for kind, key in session.execute(query)}


def alert_by_id(alert_id: int, *, session: Session) -> Alert | None:
    """The alert with this id, or None."""
    return session.get(Alert, alert_id)


def siblings(alert: Alert, *, session: Session) -> list[Alert]:
    """The alert and every other alert of its subject on its day (one entry of a post)."""
    query = select(Alert).where(
        Alert.market == alert.market,
        Alert.subject_kind == alert.subject_kind,
        Alert.subject_key == alert.subject_key,
        Alert.day == alert.day,
    )
    return sorted(session.scalars(query), key=_rank)


def acknowledge(
    alert: Alert, user: str, *, session: Session, at: dt.datetime | None = None
) -> list[Alert]:
    """Mark the alert and its subject's other alerts of that day as acknowledged by `user`."""
    handled = siblings(alert, session=session)
    _set(handled, session=session, status=AlertStatus.ACKNOWLEDGED, handled_by=user, handled_at=at)
    return handled


def snooze(
    alert: Alert, user: str, until: dt.date, *, session: Session, at: dt.datetime | None = None
) -> list[Alert]:
    """Silence the alert's subject until `until` (alerts of days before it are not posted), and
    mark the subject's alerts of that day as snoozed by `user`."""
    handled = siblings(alert, session=session)
    _set(
        handled,
        session=session,
        status=AlertStatus.SNOOZED,
        snoozed_until=until,
        handled_by=user,
        handled_at=at,
    )
    return handled


def _set(alerts: list[Alert], *, session: Session, **values: object) -> None:
    session.execute(update(Alert).where(Alert.id.in_([a.id for a in alerts])).values(**values))
    for alert in alerts:
        session.refresh(alert)
