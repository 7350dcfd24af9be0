"""Markets and what each one holds: its latest day of data, its tiers and categories."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Creator, DailyMetric, Market, Tier


def all_markets(*, session: Session) -> dict[str, Market]:
    """Every market by code."""
    return {m.code: m for m in session.scalars(select(Market).order_by(Market.code))}


def latest_day(market: str, *, session: Session) -> dt.date | None:
    """The latest local day that has any daily metrics for `market`."""
    return session.scalar(select(func.max(DailyMetric.date)).where(DailyMetric.market == market))


def tier_names(market: str, *, session: Session) -> list[str]:
    """The market's tiers, lowest first (from the tiers table, else from the creators)."""
    names = list(
        session.scalars(select(Tier.tier).where(Tier.market == market).order_by(Tier.rank))
    )
    if names:
        return names
    query = select(Creator.tier).where(Creator.market == market).distinct().order_by(Creator.tier)
    return list(session.scalars(query))


def categories(market: str, *, session: Session) -> list[str]:
    """The categories the market's creators are in."""
    query = (
        select(Creator.category)
        .where(Creator.market == market)
        .distinct()
        .order_by(Creator.category)
    )
    return list(session.scalars(query))


def market_tiers(market: str, *, session: Session) -> list[Tier]:
    """The market's tiers, lowest first."""
    return list(session.scalars(select(Tier).where(Tier.market == market).order_by(Tier.rank)))
