"""What an enrolment preview reads: creators of a market by handle (or id), who a campaign has,
and who is in another campaign of the market whose window overlaps."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.handles import handle_key
from creatorbot.storage.models import Campaign, Creator, Enrollment


def creators_by_handle(
    market: str, handles: Iterable[str], *, session: Session
) -> dict[str, tuple[int, str]]:
    """(creator id, stored handle) by the handle key of each of `handles` found in `market`."""
    keys = sorted({handle_key(h) for h in handles})
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = select(Creator.id, Creator.handle, Creator.handle_key).where(
            Creator.market == market, Creator.handle_key.in_(chunk)
        )
        for creator_id, handle, key in session.execute(query):
            found[key] = (int(creator_id), str(handle))
    return found


def enrolled_ids(campaign_id: int, *, session: Session) -> set[int]:
    """The creators a campaign has."""
    query = select(Enrollment.creator_id).where(Enrollment.campaign_id == campaign_id)
    return {int(c) for c in session.scalars(query)}


def in_overlapping(
    campaign: Campaign, creators: Iterable[int], *, session: Session
) -> dict[int, str]:
    """The slug of another campaign of the same market, its window overlapping `campaign`'s,
    that each of `creators` is already in (the first by slug)."""
    wanted = sorted(set(creators))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = (
            select(Enrollment.creator_id, Campaign.slug)
            .join(Campaign, Campaign.id == Enrollment.campaign_id)
            .where(
                Campaign.market == campaign.market,
                Campaign.id != campaign.id,
                Campaign.starts_on <= campaign.ends_on,
                Campaign.ends_on >= campaign.starts_on,
                Enrollment.creator_id.in_(chunk),
            )
            .order_by(Campaign.slug)
        )
        for creator_id, slug in session.execute(query):
            found.setdefault(int(creator_id), str(slug))
    return found


def creators_by_id(market: str, ids: Iterable[int], *, session: Session) -> dict[int, str]:
    """The stored handle of each of `ids` that is a creator of `market`."""
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        query = select(Creator.id, Creator.handle).where(
            Creator.market == market, Creator.id.in_(chunk)
        )
        found.update({int(cid): str(handle) for cid, handle in session.execute(query)})
    return found
