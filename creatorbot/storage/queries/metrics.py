"""Metric totals per creator over a window of days, the input of every leaderboard."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Creator, DailyMetric, Enrollment, SegmentPack
from creatorbot.storage.queries.creators import owner_clause

if TYPE_CHECKING:
    import pandas as pd

# The daily metrics a leaderboard can rank by, in the order help lists them.
RANKABLE = (
    "gmv",
    "orders",
    "items_sold",
    "live_gmv",
    "video_gmv",
    "live_minutes",
    "video_views",
    "new_followers",
)
MONEY = frozenset({"gmv", "live_gmv", "video_gmv"})


def totals_query(
    market: str,
    metric: str,
    start: dt.date,
    end: dt.date,
    *,
    tier: str | None = None,
    category: str | None = None,
    campaign_id: int | None = None,
    owners: tuple[str, tuple[str, ...]] | None = None,
) -> Select[tuple[int, str, str, str, int]]:
    """SELECT creator_id, handle, display_name, tier, value: each creator's `metric` summed
    over [start, end], for creators with at least one row in the window (`owners`: ("cm" or
    "am", names) keeps the creators that role lists one of the names for)."""
    if metric not in RANKABLE:
        raise ValueError(f"not a rankable metric: {metric}")
    value = func.sum(getattr(DailyMetric, metric)).label("value")
    query = (
        select(Creator.id.label("creator_id"), Creator.handle, Creator.display_name, Creator.tier)
        .add_columns(value)
        .join(DailyMetric, DailyMetric.creator_id == Creator.id)
        .where(DailyMetric.market == market, DailyMetric.date.between(start, end))
        .group_by(Creator.id, Creator.handle, Creator.display_name, Creator.tier)
    )
    if tier is not None:
        query = query.where(func.lower(Creator.tier) == tier.lower())
    if category is not None:
        query = query.where(func.lower(Creator.category) == category.lower())
    if campaign_id is not None:
        enrolled = select(Enrollment.creator_id).where(Enrollment.campaign_id == campaign_id)
        query = query.where(Creator.id.in_(enrolled))
    if owners is not None:
        role, names = owners
        query = query.where(owner_clause(names, (role,)))
    return query


COLUMNS = ["creator_id", "handle", "display_name", "tier", "value"]


def metric_totals(
    market: str,
    metric: str,
    start: dt.date,
    end: dt.date,
    *,
    session: Session,
    tier: str | None = None,
    category: str | None = None,
    campaign_id: int | None = None,
    segment: str | None = None,
    owners: tuple[str, tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """Each creator's `metric` summed over the window, as a frame (see `totals_query`); only
    the members of the market's stored `segment` when given."""
    query = totals_query(
        market,
        metric,
        start,
        end,
        tier=tier,
        category=category,
        campaign_id=campaign_id,
        owners=owners,
    )
    # Here: RANKABLE and MONEY are read where numpy and pandas are not needed.
    import numpy as np
    import pandas as pd

    from creatorbot.storage.packed import unpack

    rows = session.execute(query).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=COLUMNS)
    frame["value"] = frame["value"].astype("int64")
    if segment is not None:
        # The members are packed arrays, not rows to join: the segment's creators kept here.
        packed = session.scalar(
            select(SegmentPack.data).where(
                SegmentPack.market == market,
                SegmentPack.segment == segment,
                SegmentPack.name == "creator_id",
            )
        )
        members = unpack(packed) if packed is not None else np.zeros(0, dtype=np.int64)
        frame = frame[frame["creator_id"].isin(members)].reset_index(drop=True)
    return frame
