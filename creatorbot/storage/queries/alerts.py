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
