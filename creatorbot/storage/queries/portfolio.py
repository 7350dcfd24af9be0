"""What a portfolio shows beside the numbers, for a few creators at once: their running
campaigns and latest feedback, with the creators (open alerts come with the market's
state)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.jsonrows import json_row, json_rows, loaded
from creatorbot.storage.models import Campaign, Creator, Enrollment, FeedbackResponse


@dataclass(frozen=True)
class Feedback:
    """A creator's latest feedback, as a portfolio line names it."""

    rating: int
    topic: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Shown:
    """A creator a portfolio shows, with the names of the campaigns they are enrolled in that
    run on their market's day (ending first) and their latest feedback."""

    creator: Creator
    campaigns: list[str]
    feedback: Feedback | None


def shown_creators(
    ids: Sequence[int], days: dict[str, dt.date], *, session: Session
) -> dict[int, Shown]:
    """The creators with these ids, each with what `Shown` holds (`days`: each market's day
    the campaigns must run on), in one statement: on PostgreSQL each is a round trip."""
    if not ids or not days:
        return {}
    dialect = session.get_bind().dialect.name
    campaigns = (
        select(
            json_rows(dialect, Campaign.name, Campaign.starts_on, Campaign.ends_on, Campaign.slug)
        )
        .select_from(Enrollment)
        .join(Campaign, Campaign.id == Enrollment.campaign_id)
        .where(
            Enrollment.creator_id == Creator.id,
            Campaign.starts_on <= max(days.values()),
            Campaign.ends_on >= min(days.values()),
        )
        .correlate(Creator)
        .scalar_subquery()
    )
    feedback = (
        select(
            json_row(
                dialect,
                FeedbackResponse.rating,
                FeedbackResponse.topic,
                FeedbackResponse.created_at,
            )
        )
        .where(FeedbackResponse.creator_id == Creator.id)
        .order_by(FeedbackResponse.created_at.desc(), FeedbackResponse.id.desc())
        .limit(1)
        .correlate(Creator)
        .scalar_subquery()
    )
    query = select(Creator, campaigns, feedback).where(Creator.id.in_(list(ids)))
    found: dict[int, Shown] = {}
    for creator, enrolled, latest in session.execute(query):
        day = days.get(creator.market)
        running = sorted(
            (str(ends), str(slug), str(name))
            for name, starts, ends, slug in loaded(enrolled)
            if day is not None and str(starts) <= day.isoformat() <= str(ends)
        )
        last = loaded(latest)
        found[creator.id] = Shown(
            creator,
            [name for _, _, name in running],
            Feedback(int(last[0]), str(last[1]), _moment(last[2])) if last else None,
        )
    return found


def _moment(value: str) -> dt.datetime:
    """A timestamp as JSON gives it back (ISO text, with a space or a T)."""
    return dt.datetime.fromisoformat(value)
