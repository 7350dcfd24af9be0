"""The matchmaking input: a category's creators with two windows of sales and their bookings."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from creatorbot.storage.models import Campaign, Creator, DailyMetric, Enrollment

COLUMNS = [
    "creator_id",
    "handle",
    "display_name",
    "tier",
    "followers",
    "gmv_30d",
    "orders_30d",
    "views_30d",
    "gmv_prev",
    "running",
]
COUNTS = COLUMNS[4:]


def _sum_in(column: InstrumentedAttribute[int], inside: ColumnElement[bool]) -> ColumnElement[int]:
    """SUM of `column` over the rows where `inside` holds (0 when none do)."""
    return func.coalesce(func.sum(case((inside, column), else_=0)), 0)


def match_candidates(
    market: str,
    category: str,
    start: dt.date,
    end: dt.date,
    prev_start: dt.date,
    prev_end: dt.date,
    day: dt.date,
    *,
    session: Session,
) -> pd.DataFrame:
    """The market's creators in `category` (case-insensitive) with daily metrics in either
    window: GMV, orders and video views over [start, end], GMV over [prev_start, prev_end],
    and `running`, how many of the market's campaigns running on `day` they are enrolled in.

    One query: the campaign count is a grouped subquery joined to the metric sums."""
    current = DailyMetric.date.between(start, end)
    previous = DailyMetric.date.between(prev_start, prev_end)
    running = (
        select(Enrollment.creator_id, func.count().label("running"))
        .join(Campaign, Campaign.id == Enrollment.campaign_id)
        .where(Campaign.market == market, Campaign.starts_on <= day, Campaign.ends_on >= day)
        .group_by(Enrollment.creator_id)
        .subquery()
    )
    query = (
        select(
            Creator.id,
            Creator.handle,
            Creator.display_name,
            Creator.tier,
            Creator.followers,
            _sum_in(DailyMetric.gmv, current),
            _sum_in(DailyMetric.orders, current),
            _sum_in(DailyMetric.video_views, current),
            _sum_in(DailyMetric.gmv, previous),
            func.coalesce(func.max(running.c.running), 0),
        )
        .join(DailyMetric, DailyMetric.creator_id == Creator.id)
        .outerjoin(running, running.c.creator_id == Creator.id)
        .where(
            Creator.market == market,
            func.lower(Creator.category) == category.lower(),
            DailyMetric.market == market,
            or_(current, previous),
        )
        .group_by(Creator.id, Creator.handle, Creator.display_name, Creator.tier, Creator.followers)
        .order_by(Creator.handle)
    )
    frame = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=COLUMNS)
    # PostgreSQL sums BIGINT into NUMERIC (Decimal): back to exact integers.
    return frame.astype({name: "int64" for name in COUNTS})
