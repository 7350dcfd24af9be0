"""Reading stored segments: when they were computed, a segment's members, one creator's
memberships, and a segment's rows with their figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.fetch import fetch_all
from creatorbot.storage.models import Creator, CreatorSegment, SegmentRun
from creatorbot.storage.queries.creators import owner_clause


def segment_stamp(market: str, *, session: Session) -> tuple[dt.date, str] | None:
    """The latest day the market's stored segments describe, and their stamp; None if none."""
    row = session.execute(
        select(SegmentRun.end_day, SegmentRun.stamp).where(SegmentRun.market == market)
    ).first()
    return None if row is None else (row[0], row[1])


def stored_figures(market: str, *, session: Session) -> bytes | None:
    """The packed figures of the market's latest segments (`figures.unpack_figures`)."""
    query = select(SegmentRun.figures).where(SegmentRun.market == market)
    found = fetch_all(query, session=session, binary=True)
    return bytes(found[0][0]) if found else None


def segment_members(market: str, segment: str, *, session: Session) -> np.ndarray:
    """The creator ids in the market's stored `segment`, ascending (the fast ranking caches
    them under the `segment_stamp`)."""
    query = (
        select(CreatorSegment.creator_id)
        .where(CreatorSegment.market == market, CreatorSegment.segment == segment)
        .order_by(CreatorSegment.creator_id)
    )
    return np.array([row[0] for row in fetch_all(query, session=session)], dtype=np.int64)


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
        query = query.where(owner_clause(owners))
    return [(row[0], row[1]) for row in session.execute(query)]


def segment_board(
    market: str,
    segment: str,
    *,
    session: Session,
    limit: int,
    owners: Sequence[str] | None = None,
) -> tuple[list[tuple[CreatorSegment, Creator]], int]:
    """The first `limit` members of the market's stored `segment` by their rank, with their
    creators, and how many members there are (of `owners` only, when given)."""
    where = [CreatorSegment.market == market, CreatorSegment.segment == segment]
    if owners is not None:
        where.append(CreatorSegment.creator_id.in_(select(Creator.id).where(owner_clause(owners))))
    query = (
        select(CreatorSegment, Creator)
        .join(Creator, Creator.id == CreatorSegment.creator_id)
        .where(*where)
        .order_by(CreatorSegment.rank)
        .limit(limit)
    )
    rows = [(row[0], row[1]) for row in session.execute(query)]
    count = session.scalar(select(func.count()).select_from(CreatorSegment).where(*where))
    return rows, int(count or 0)
