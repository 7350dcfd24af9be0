"""Campaign lookups and campaign totals (GMV of enrolled creators inside the window)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Campaign, Creator, DailyMetric, Enrollment
from creatorbot.storage.queries.metrics import RANKABLE


def campaign_by_slug(slug: str, *, session: Session) -> Campaign | None:
    """The campaign with this slug (case-insensitive), or None."""
    return session.scalar(select(Campaign).where(func.lower(Campaign.slug) == slug.lower()))


def campaign_slugs(*, session: Session, market: str | None = None) -> list[str]:
    """Every campaign slug, optionally of one market."""
    query = select(Campaign.slug).order_by(Campaign.slug)
    if market:
        query = query.where(Campaign.market == market)
    return list(session.scalars(query))


def running_campaigns(market: str, day: dt.date, *, session: Session) -> list[Campaign]:
    """Campaigns of `market` whose window contains `day`, mega sales first, then by start."""
    query = (
        select(Campaign)
        .where(Campaign.market == market, Campaign.starts_on <= day, Campaign.ends_on >= day)
        .order_by(Campaign.starts_on, Campaign.slug)
    )
    found = list(session.scalars(query))
    return sorted(found, key=lambda c: c.kind != "mega_sale")


def campaign_creator_totals(
    campaign: Campaign, through: dt.date, *, session: Session
) -> pd.DataFrame:
    """Every enrolled creator with their campaign metric (`value`), GMV and orders inside the
    window through `through`; creators with no sales yet are included with zeros."""
    metric = campaign.metric if campaign.metric in RANKABLE else "gmv"
    end = min(through, campaign.ends_on)
    sums = (
        select(
            DailyMetric.creator_id,
            func.sum(getattr(DailyMetric, metric)).label("value"),
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
    query = (
        select(
            Creator.id,
            Creator.handle,
            Creator.display_name,
            func.coalesce(sums.c.value, 0),
            func.coalesce(sums.c.gmv, 0),
            func.coalesce(sums.c.orders, 0),
        )
        .join(Enrollment, Enrollment.creator_id == Creator.id)
        .outerjoin(sums, sums.c.creator_id == Creator.id)
        .where(Enrollment.campaign_id == campaign.id)
    )
    columns = ["creator_id", "handle", "display_name", "value", "gmv", "orders"]
    frame = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=columns)
    return frame.astype({"value": "int64", "gmv": "int64", "orders": "int64"})


def campaign_daily(campaign: Campaign, through: dt.date, *, session: Session) -> pd.DataFrame:
    """GMV, orders and the campaign metric of enrolled creators per day of the window."""
    metric = campaign.metric if campaign.metric in RANKABLE else "gmv"
    query = (
        select(
            DailyMetric.date,
            func.sum(DailyMetric.gmv),
            func.sum(DailyMetric.orders),
            func.sum(getattr(DailyMetric, metric)),
        )
        .join(Enrollment, Enrollment.creator_id == DailyMetric.creator_id)
        .where(
            Enrollment.campaign_id == campaign.id,
            DailyMetric.date.between(campaign.starts_on, min(through, campaign.ends_on)),
        )
        .group_by(DailyMetric.date)
        .order_by(DailyMetric.date)
    )
    rows = [tuple(row) for row in session.execute(query)]
    frame = pd.DataFrame(rows, columns=["date", "gmv", "orders", "value"])
    return frame.astype({"gmv": "int64", "orders": "int64", "value": "int64"})


def current_campaigns(market: str | None, today: dt.date, *, session: Session) -> list[Campaign]:
    """Campaigns running on `today` or starting after it, soonest end first."""
    query = select(Campaign).where(Campaign.ends_on >= today)
    if market:
        query = query.where(Campaign.market == market)
    return list(
        session.scalars(query.order_by(Campaign.starts_on, Campaign.ends_on, Campaign.slug))
    )
