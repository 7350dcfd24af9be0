"""Reading stored segments: when they were computed, their members (a few packed arrays per
segment), one creator's memberships, and a segment's members with their creators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.fetch import fetch_all
from creatorbot.storage.models import Creator, SegmentPack, SegmentRun
from creatorbot.storage.queries.creators import owner_clause
from creatorbot.storage.segments.members import ID, Members, Membership, unpack_members


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


def stored_members(
    market: str,
    segments: Sequence[str] | None,
    *,
    session: Session,
    ids_only: bool = False,
) -> dict[str, Members]:
    """The market's stored `segments` (None: every one) by name, in one read; a segment with
    no member is absent. `ids_only`: only the member ids are read."""
    query = select(SegmentPack.segment, SegmentPack.name, SegmentPack.data).where(
        SegmentPack.market == market
    )
    if segments is not None:
        query = query.where(SegmentPack.segment.in_(list(segments)))
    if ids_only:
        query = query.where(SegmentPack.name == ID)
    columns: dict[str, dict[str, bytes]] = {}
    for segment, name, data in fetch_all(query, session=session, binary=True):
        columns.setdefault(str(segment), {})[str(name)] = bytes(data)
    return {segment: unpack_members(segment, packed) for segment, packed in columns.items()}


def segment_members(market: str, segment: str, *, session: Session) -> np.ndarray:
    """The creator ids in the market's stored `segment`, ascending (the fast ranking caches
    them under the `segment_stamp`)."""
    found = stored_members(market, [segment], session=session, ids_only=True).get(segment)
    return np.zeros(0, dtype=np.int64) if found is None else found.sorted_ids()


def memberships_of(found: dict[str, Members], creator_id: int) -> list[Membership]:
    """The memberships of one creator among a market's segments `found`, by segment."""
    mine = []
    for segment in sorted(found):
        at = np.flatnonzero(found[segment].ids == creator_id)
        if len(at):
            mine.append(found[segment].membership(int(at[0])))
    return mine


def creator_segments(market: str, creator_id: int, *, session: Session) -> list[Membership]:
    """The stored memberships of one creator of `market`, by segment."""
    return memberships_of(stored_members(market, None, session=session), creator_id)


def segment_rows(
    market: str, segment: str, *, session: Session, owners: Sequence[str] | None = None
) -> list[tuple[Membership, Creator]]:
    """The market's stored `segment` in its order, each member with their creator; only the
    creators whose CM or AM is one of `owners` (any case) when given."""
    found = stored_members(market, [segment], session=session).get(segment)
    if found is None:
        return []
    wanted = found.ids.tolist()
    creators: dict[int, Creator] = {}
    for start in range(0, len(wanted), 500):
        query = select(Creator).where(Creator.id.in_(wanted[start : start + 500]))
        if owners is not None:
            query = query.where(owner_clause(owners))
        creators.update((c.id, c) for c in session.scalars(query))
    return [
        (found.membership(at), creators[int(i)])
        for at, i in enumerate(found.ids.tolist())
        if int(i) in creators
    ]
