"""Deliveries already handled: a platform may send the same event again, it is handled once."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Table, delete
from sqlalchemy.orm import Session

from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.models import SeenEvent


def claim_event(platform: str, event_id: str, now: dt.datetime, *, session: Session) -> bool:
    """Record `event_id` as handled; False if it already was (by this or another replica)."""
    table = cast(Table, SeenEvent.__table__)  # not upsert.table_of: that module loads pandas
    insert = insert_of(session)
    stmt = (
        insert(table)
        .values(platform=platform, event_id=event_id, seen_at=now)
        .on_conflict_do_nothing(index_elements=["platform", "event_id"])
        .returning(table.c.event_id)
    )
    # RETURNING yields the row only when it was inserted (rowcount is not reliable here).
    return session.execute(stmt).first() is not None


def forget_events(before: dt.datetime, *, session: Session) -> int:
    """Drop the memory of deliveries older than `before` (no platform retries that late)."""
    result = session.execute(delete(SeenEvent).where(SeenEvent.seen_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]


def seen(platform: str, event_id: str, *, session: Session) -> bool:
    """Whether `event_id` was recorded as handled (and not yet forgotten)."""
    return session.get(SeenEvent, (platform, event_id)) is not None
