"""Rate-limit hits counted in the database, so every process and replica shares one count: one
upsert per hit decides and counts it (a sliding window of two minutes' counts), and earlier
minutes' rows are pruned by the bucket index."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from creatorbot.storage.models import RateHit

MAX_SCOPE, MAX_SUBJECT = 32, 128

# The stored row seen from `:bucket` (a row of a later minute, from a replica whose clock is a
# little ahead, counts as this one): the hits of this minute, and of the one before.
_NOW = "CASE WHEN rate_hits.bucket >= :bucket THEN rate_hits.hits ELSE 0 END"
_BEFORE = (
    "CASE WHEN rate_hits.bucket >= :bucket THEN rate_hits.earlier"
    " WHEN rate_hits.bucket = :bucket - 1 THEN rate_hits.hits ELSE 0 END"
)
# Room for one more: the minute before weighed by how much of it the sliding minute still
# covers, plus this minute's, plus this hit.
_ROOM = f"({_BEFORE}) * :weight + ({_NOW}) + 1 <= :limit"
# Every SET expression reads the row as it was (PostgreSQL and SQLite alike).
HIT = text(
    "INSERT INTO rate_hits (scope, subject, bucket, hits, earlier, allowed) "
    "VALUES (:scope, :subject, :bucket, 1, 0, 1) "
    "ON CONFLICT (scope, subject) DO UPDATE SET "
    f"hits = ({_NOW}) + CASE WHEN {_ROOM} THEN 1 ELSE 0 END, "
    f"earlier = {_BEFORE}, "
    f"allowed = CASE WHEN {_ROOM} THEN 1 ELSE 0 END, "
    "bucket = CASE WHEN rate_hits.bucket > :bucket THEN rate_hits.bucket ELSE :bucket END "
    "RETURNING allowed"
)


def count_hit(
    scope: str, subject: str, *, bucket: int, weight: float, limit: int, session: Session
) -> bool:
    """Count one hit of `subject` under `scope` in minute `bucket` if it is within `limit`
    (the minute before weighed by `weight`, the share of it the sliding minute covers);
    whether it was. One statement; a refused hit is not counted."""
    values = {
        "scope": scope[:MAX_SCOPE],
        "subject": subject[:MAX_SUBJECT],
        "bucket": bucket,
        "weight": weight,
        "limit": limit,
    }
    return bool(session.execute(HIT, values).scalar_one())


@dataclass(frozen=True)
class Standing:
    """A subject's counts as stored: the minute, its hits and the minute before's."""

    bucket: int
    hits: int
    earlier: int


def standing(scope: str, subject: str, *, session: Session) -> Standing | None:
    """What is counted for `subject` under `scope`, or None."""
    row = session.execute(
        select(RateHit.bucket, RateHit.hits, RateHit.earlier).where(
            RateHit.scope == scope[:MAX_SCOPE], RateHit.subject == subject[:MAX_SUBJECT]
        )
    ).first()
    return Standing(*row) if row is not None else None


def prune_hits(before: int, *, session: Session) -> int:
    """Forget subjects last counted before minute `before` (nothing of theirs counts any more);
    how many."""
    result = session.execute(delete(RateHit).where(RateHit.bucket < before))
    return int(getattr(result, "rowcount", 0) or 0)
