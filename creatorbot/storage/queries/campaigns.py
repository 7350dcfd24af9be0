"""Campaign lookups and campaign totals (GMV of enrolled creators inside the window)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Campaign, DailyMetric, Enrollment


def campaign_by_slug(slug: str, *, session: Session) -> Campaign | None:
    """The campaign with this slug (case-insensitive), or None."""
    return session.scalar(select(Campaign).where(func.lower(Campaign.slug) == slug.lower()))


def campaign_slugs(*, session: Session, market: str | None = None) -> list[str]:
    """Every campaign slug, optionally of one market."""
    query = select(Campaign.slug).order_by(Campaign.slug)
    if market:
        query = query.where(Campaign.market == market)
    return list(session.scalars(query))


@dataclass(frozen=True)
class CampaignTotals:
    """What a campaign's enrolled creators did inside its window, up to a day."""

    gmv: int
    orders: int
    enrolled: int
    active: int


def campaign_totals(campaign: Campaign, through: dt.date, *, session: Session) -> CampaignTotals:
    """GMV and orders of enrolled creators from the campaign's start through `through`
    (clipped to its end); active = enrolled creators with GMV in that span."""
    end = min(through, campaign.ends_on)
    enrolled = session.scalar(
        select(func.count()).select_from(Enrollment).where(Enrollment.campaign_id == campaign.id)
    )
    in_window = (
        select(
            DailyMetric.creator_id,
            func.sum(DailyMetric.gmv).label("gmv"),
            func.sum(DailyMetric.orders).label("orders"),
        )
        .join(Enrollment, Enrollment.creator_id == DailyMetric.creator_id)
        .where(
            Enrollment.campaign_id == campaign.id,
            DailyMetric.date.between(campaign.starts_on, end),
        )
        .group_by(DailyMetric.creator_id)
        .subquery()
    )
    gmv, orders, active = session.execute(
        select(
            func.coalesce(func.sum(in_window.c.gmv), 0),
            func.coalesce(func.sum(in_window.c.orders), 0),
            func.count().filter(in_window.c.gmv > 0),
        )
    ).one()
    return CampaignTotals(int(gmv), int(orders), int(enrolled or 0), int(active))


def running_campaigns(market: str, day: dt.date, *, session: Session) -> list[Campaign]:
    """Campaigns of `market` whose window contains `day`, mega sales first, then by start."""
    query = (
        select(Campaign)
        .where(Campaign.market == market, Campaign.starts_on <= day, Campaign.ends_on >= day)
        .order_by(Campaign.starts_on, Campaign.slug)
    )
    found = list(session.scalars(query))
    return sorted(found, key=lambda c: c.kind != "mega_sale")
