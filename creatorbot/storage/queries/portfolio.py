"""What a portfolio shows beside the numbers, for a few creators at once: their running
campaigns and latest feedback (open alerts come with the market's state)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Campaign, Creator, Enrollment, FeedbackResponse


def creators_by_id(ids: Sequence[int], *, session: Session) -> dict[int, Creator]:
    """The creators with these ids."""
    if not ids:
        return {}
    query = select(Creator).where(Creator.id.in_(list(ids)))
    return {c.id: c for c in session.scalars(query)}


def running_campaigns(
    ids: Sequence[int], day: dt.date, *, session: Session
) -> dict[int, list[Campaign]]:
    """The campaigns each creator is enrolled in that run on `day`."""
    if not ids:
        return {}
    query = (
        select(Enrollment.creator_id, Campaign)
        .join(Campaign, Campaign.id == Enrollment.campaign_id)
        .where(
            Enrollment.creator_id.in_(list(ids)),
            Campaign.starts_on <= day,
            Campaign.ends_on >= day,
        )
        .order_by(Campaign.ends_on, Campaign.slug)
    )
    found: dict[int, list[Campaign]] = {}
    for creator_id, campaign in session.execute(query):
        found.setdefault(int(creator_id), []).append(campaign)
    return found


def latest_feedback_of(ids: Sequence[int], *, session: Session) -> dict[int, FeedbackResponse]:
    """Each creator's most recent feedback response."""
    found: dict[int, FeedbackResponse] = {}
    if not ids:
        return found
    query = (
        select(FeedbackResponse)
        .where(FeedbackResponse.creator_id.in_(list(ids)))
        .order_by(FeedbackResponse.created_at.desc(), FeedbackResponse.id.desc())
    )
    for response in session.scalars(query):
        if response.creator_id is not None:
            found.setdefault(response.creator_id, response)
    return found
