"""Reading stored segments: a segment's members (cached in process under the run's stamp), one
creator's memberships, and a segment's rows with their figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.fetch import fetch_all
from creatorbot.storage.models import Creator, CreatorSegment, SegmentRun
from creatorbot.storage.ranking.cache import CACHE


def segment_stamp(market: str, *, session: Session) -> tuple[dt.date, str] | None:
    """The latest day the market's stored segments describe, and their stamp; None if none."""
    row = session.execute(
        select(SegmentRun.end_day, SegmentRun.stamp).where(SegmentRun.market == market)
    ).first()
    return None if row is None else (row[0], row[1])


def segment_members(market: str, segment: str, *, session: Session) -> np.ndarray | None:
    """The creator ids in the market's stored `segment`, ascending; None when the market has no
    stored segments."""
    stamp = segment_stamp(market, session=session)
    if stamp is None:
        return None
    key = ("segment", market, segment)
    found = CACHE.get(key, stamp)
    if found is not None:
        return found
    query = (
        select(CreatorSegment.creator_id)
        .where(CreatorSegment.market == market, CreatorSegment.segment == segment)
        .order_by(CreatorSegment.creator_id)
    )
    ids = np.array([row[0] for row in fetch_all(query, session=session)], dtype=np.int64)
    CACHE.put(key, stamp, ids)
    return ids


def creator_segments(creator_ids: Sequence[int], *, session: Session) -> list[CreatorSegment]:
    """The stored memberships of the creators, by creator then segment."""
    found: list[CreatorSegment] = []
    wanted = list(creator_ids)
    for start in range(0, len(wanted), 500):
        query = (
            select(CreatorSegment)
            .where(CreatorSegment.creator_id.in_(wanted[start : start + 500]))
            .order_by(CreatorSegment.creator_id, CreatorSegment.segment)
        )
        found.extend(session.scalars(query))
    return found


def segment_rows(
    market: str, segment: str, *, session: Session, owners: Sequence[str] | None = None
) -> list[tuple[CreatorSegment, Creator]]:
    """The market's stored `segment` with each member creator; only the creators whose CM or
    AM is one of `owners` (any case) when given."""
    query = (
        select(CreatorSegment, Creator)
        .join(Creator, Creator.id == CreatorSegment.creator_id)
        .where(CreatorSegment.market == market, CreatorSegment.segment == segment)
    )
    if owners is not None:
        from creatorbot.storage.queries.creators import owner_clause

        query = query.where(owner_clause(owners))
    return [(row[0], row[1]) for row in session.execute(query)]
