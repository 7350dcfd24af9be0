"""Feedback responses: saving one, and summarising them for a report."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Campaign, Creator, FeedbackResponse


def save_feedback(
    *,
    platform: str,
    user_id: str,
    rating: int,
    topic: str,
    comment: str,
    language: str,
    creator_id: int | None,
    campaign_id: int | None,
    form_id: int | None = None,
    session: Session,
) -> int:
    """Store one response; returns its id once flushed (the caller commits)."""
    response = FeedbackResponse(
        platform=platform,
        user_id=user_id,
        rating=rating,
        topic=topic,
        comment=comment,
        language=language,
        creator_id=creator_id,
        campaign_id=campaign_id,
        form_id=form_id,
        created_at=dt.datetime.now(dt.UTC),
    )
    session.add(response)
    session.flush()
    return response.id


@dataclass(frozen=True)
class Comment:
    """One recent response, as a report lists it."""

    at: dt.datetime
    rating: int
    topic: str
    comment: str
    creator: str | None
    campaign: str | None
    user_id: str


@dataclass(frozen=True)
class FeedbackSummary:
    """How many responses, their average rating, topics and the latest comments."""

    count: int
    average: float | None
    topics: dict[str, int]
    recent: list[Comment]


def feedback_summary(
    *, session: Session, campaign_id: int | None = None, recent: int = 5
) -> FeedbackSummary:
    """Summarise every response (or those about one campaign)."""
    where = [] if campaign_id is None else [FeedbackResponse.campaign_id == campaign_id]
    count, average = session.execute(
        select(func.count(), func.avg(FeedbackResponse.rating)).where(*where)
    ).one()
    topics = Counter(
        dict(
            session.execute(
                select(FeedbackResponse.topic, func.count())
                .where(*where)
                .group_by(FeedbackResponse.topic)
            ).all()
        )
    )
    rows = session.execute(
        select(FeedbackResponse, Creator.handle, Campaign.slug)
        .outerjoin(Creator, Creator.id == FeedbackResponse.creator_id)
        .outerjoin(Campaign, Campaign.id == FeedbackResponse.campaign_id)
        .where(*where, FeedbackResponse.comment != "")
        .order_by(FeedbackResponse.created_at.desc(), FeedbackResponse.id.desc())
        .limit(recent)
    ).all()
    comments = [
        Comment(r.created_at, r.rating, r.topic, r.comment, handle, slug, r.user_id)
        for r, handle, slug in rows
    ]
    return FeedbackSummary(
        int(count),
        float(average) if average is not None else None,
        dict(topics.most_common()),
        comments,
    )


def latest_feedback(creator_id: int, *, session: Session) -> FeedbackResponse | None:
    """The most recent response about a creator."""
    query = (
        select(FeedbackResponse)
        .where(FeedbackResponse.creator_id == creator_id)
        .order_by(FeedbackResponse.created_at.desc(), FeedbackResponse.id.desc())
        .limit(1)
    )
    return session.scalar(query)
