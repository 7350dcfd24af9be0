"""Affiliate resource slot traffic: the latest day with slot data, and totals per slot."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import SlotMetric

COLUMNS = ["slot", "surface", "impressions", "clicks", "conversions"]
COUNTS = ("impressions", "clicks", "conversions")


def latest_slot_day(market: str, *, session: Session) -> dt.date | None:
    """The latest local day that has any slot metrics for `market`."""
    return session.scalar(select(func.max(SlotMetric.date)).where(SlotMetric.market == market))


def slot_totals(market: str, start: dt.date, end: dt.date, *, session: Session) -> pd.DataFrame:
    """Each slot's impressions, clicks and conversions summed over [start, end], one row per
    slot that has at least one row in the window, ordered by slot."""
    query = (
        select(
            SlotMetric.slot,
            # The surface is an attribute of the slot, not part of its key: a slot re-filed under
            # another surface mid-window must stay one row, so take one surface (stably, the
            # greatest name) rather than grouping by it.
            func.max(SlotMetric.surface).label("surface"),
            *(func.sum(getattr(SlotMetric, name)).label(name) for name in COUNTS),
        )
        .where(SlotMetric.market == market, SlotMetric.date.between(start, end))
        .group_by(SlotMetric.slot)
        .order_by(SlotMetric.slot)
    )
    rows = session.execute(query).all()
    columns = list(zip(*rows, strict=True)) or [()] * len(COLUMNS)
    return pd.DataFrame(
        {
            # PostgreSQL sums BIGINT as NUMERIC: the counts are made integers here.
            name: np.array(values, dtype=object if name in ("slot", "surface") else np.int64)
            for name, values in zip(COLUMNS, columns, strict=True)
        }
    )
