"""A market's stored segments as a process keeps them: each segment's packed members read once
per computation (cached under its stamp), a segment's first members for a board, and one
creator's memberships for the card."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.analytics.segments import SEGMENTS
from creatorbot.storage.models import Creator
from creatorbot.storage.ranking.cache import CACHE
from creatorbot.storage.ranking.owned import owned_mask
from creatorbot.storage.ranking.people import people
from creatorbot.storage.ranking.state import MarketState
from creatorbot.storage.segments.members import Members, Membership
from creatorbot.storage.segments.read import memberships_of, stored_members

Board = tuple[list[tuple[Membership, Creator]], int]


def members(
    market: str, segments: Sequence[str], stamp: str, *, session: Session
) -> dict[str, Members]:
    """The market's `segments` computed under `stamp` (a segment with no member absent); those
    not cached yet read in one statement."""
    found: dict[str, Members] = {}
    missing = []
    for segment in segments:
        cached = CACHE.get(("segment members", market, segment), stamp)
        if cached is None:
            missing.append(segment)
        elif len(cached):
            found[segment] = cached
    if missing:
        read = stored_members(market, missing, session=session)
        for segment in missing:
            kept = read.get(segment) or Members(segment, np.zeros(0, np.int64), {}, None)
            CACHE.put(("segment members", market, segment), stamp, kept)
            if len(kept):
                found[segment] = kept
    return found


def segment_boards(
    market: str,
    segments: Sequence[str],
    state: MarketState,
    *,
    session: Session,
    limit: int,
    owners: Sequence[str] | None = None,
) -> dict[str, Board]:
    """Each segment's first `limit` members in its order with their creators, and how many
    members it has (of `owners` only, when given: CM or AM, any case); every creator shown
    read in one statement."""
    if state.run is None:
        return {segment: ([], 0) for segment in segments}
    found = members(market, segments, state.run.stamp, session=session)
    mine = None
    if owners is not None:
        group = people(market, session=session, stamp=state.people)
        mask = owned_mask(market, owners, group, session=session)
        mine = group.ids[mask]  # ascending
    chosen: dict[str, tuple[np.ndarray, int]] = {}
    for segment in segments:
        kept = found.get(segment)
        if kept is None:
            chosen[segment] = (np.zeros(0, dtype=np.int64), 0)
            continue
        places = np.arange(len(kept))
        if mine is not None:
            places = places[np.isin(kept.ids, mine, assume_unique=True)]
        chosen[segment] = (places[:limit], len(places))
    wanted = sorted({int(found[s].ids[at]) for s, (places, _) in chosen.items() for at in places})
    creators = (
        {c.id: c for c in session.scalars(select(Creator).where(Creator.id.in_(wanted)))}
        if wanted
        else {}
    )
    boards: dict[str, Board] = {}
    for segment, (places, count) in chosen.items():
        rows = []
        for at in places.tolist():
            member = found[segment].membership(at)
            creator = creators.get(member.creator_id)
            if creator is not None:  # gone since the segments were computed
                rows.append((member, creator))
        boards[segment] = (rows, count)
    return boards


def creator_memberships(
    market: str, creator_id: int, stamp: str | None, *, session: Session
) -> list[Membership]:
    """The creator's memberships of the market's segments computed under `stamp` (None: the
    market has none), by segment."""
    if stamp is None:
        return []
    return memberships_of(members(market, SEGMENTS, stamp, session=session), creator_id)
