"""The audit log: appended to, read by admins, and trimmed to its retention; never edited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import AuditEntry


@dataclass(frozen=True)
class Audited:
    """One command or interaction, as it is written to the log."""

    at: dt.datetime
    platform: str
    workspace: str
    channel: str
    user_id: str
    command: str
    arguments: str
    allowed: bool
    outcome: str  # answered, refused, repeated, denied, rate_limited, failed
    rows: int | None
    latency_ms: int | None


def append(entry: Audited, *, session: Session) -> None:
    """Write one entry (one INSERT, without the ORM's unit of work: it is on every command's
    path)."""
    session.execute(
        insert(AuditEntry).values(
            at=entry.at,
            platform=entry.platform[:16],
            workspace=entry.workspace[:64],
            channel=entry.channel[:64],
            user_id=entry.user_id[:64],
            command=entry.command[:32],
            arguments=entry.arguments,
            allowed=entry.allowed,
            outcome=entry.outcome[:16],
            rows=entry.rows,
            latency_ms=entry.latency_ms,
        )
    )


def entries(
    *,
    since: dt.datetime,
    user_id: str | None = None,
    limit: int = 50,
    session: Session,
) -> tuple[list[AuditEntry], int]:
    """The latest entries since `since` (of one user, if given), newest first, and how many
    there are in all."""
    query = select(AuditEntry).where(AuditEntry.at >= since)
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    found = list(session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())))
    return found[:limit], len(found)


def trim(before: dt.datetime, *, session: Session) -> int:
    """Delete entries older than the retention allows; how many went."""
    result = session.execute(delete(AuditEntry).where(AuditEntry.at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]
