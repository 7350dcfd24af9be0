"""Alerts still waiting for someone."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Alert, AlertStatus


def open_alert_counts(handles: Iterable[str], *, session: Session) -> dict[str, int]:
    """How many open alerts each creator (by handle) has."""
    wanted = list(set(handles))
    if not wanted:
        return {}
    query = (
        select(Alert.subject_key, func.count())
        .where(
            Alert.subject_kind == "creator",
            Alert.status == AlertStatus.OPEN,
            Alert.subject_key.in_(wanted),
        )
        .group_by(Alert.subject_key)
    )
    return {key: int(n) for key, n in session.execute(query)}


def open_alerts(market: str, kind: str, key: str, *, session: Session) -> list[Alert]:
    """A subject's open alerts (e.g. a creator by handle), newest first."""
    query = (
        select(Alert)
        .where(
            Alert.market == market,
            Alert.subject_kind == kind,
            Alert.subject_key == key,
            Alert.status == AlertStatus.OPEN,
        )
        .order_by(Alert.day.desc(), Alert.id.desc())
    )
    return list(session.scalars(query))
