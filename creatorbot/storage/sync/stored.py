"""How many rows of a kind a market holds (for some days): counted before and after a sync,
the difference is what it inserted, without reading back every key it wrote."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import (
    Campaign,
    Creator,
    DailyMetric,
    Enrollment,
    SlotMetric,
    Tier,
)

_TABLES: dict[str, Any] = {
    "creators": Creator,
    "daily_metrics": DailyMetric,
    "campaigns": Campaign,
    "tiers": Tier,
    "slot_metrics": SlotMetric,
}


def stored_rows(kind: str, market: str, days: Collection[dt.date] = (), *, session: Session) -> int:
    """The rows of `kind` stored for `market` (on `days`, for the kinds that have a date)."""
    if kind == "enrollments":
        query = (
            select(func.count())
            .select_from(Enrollment)
            .join(Campaign, Campaign.id == Enrollment.campaign_id)
            .where(Campaign.market == market)
        )
        return int(session.scalar(query) or 0)
    model = _TABLES[kind]
    query = select(func.count()).select_from(model).where(model.market == market)
    if hasattr(model, "date"):
        if not days:
            return 0
        query = query.where(model.date.in_(sorted(days)))
    return int(session.scalar(query) or 0)
