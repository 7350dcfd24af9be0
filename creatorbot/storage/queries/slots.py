"""Affiliate resource slot traffic: the latest day with slot data, and totals per slot."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from creatorbot.analytics.windows import Window
from creatorbot.storage.models import SlotMetric

COLUMNS = ["slot", "surface", "impressions", "clicks", "conversions"]
COUNTS = ("impressions", "clicks", "conversions")


def latest_slot_day(market: str, *, session: Session) -> dt.date | None:
    """The latest local day that has any slot metrics for `market`."""
    return session.scalar(select(func.max(SlotMetric.date)).where(SlotMetric.market == market))


def slot_windows(
    market: str, window: Window, *, session: Session
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each slot's impressions, clicks and conversions summed over `window` and over the window
    of equal length before it, both from one read: a frame per window, one row per slot that
    has at least one row in it, ordered by slot."""
    before = window.previous()
    now = SlotMetric.date >= window.start  # else: the window before
    # The surface is an attribute of the slot, not part of its key: a slot re-filed under
    # another surface mid-window must stay one row, so take one surface per window (stably,
    # the greatest name) rather than grouping by it.
    query = (
        select(
            SlotMetric.slot,
            *(
                column
                for inside in (now, ~now)
                for column in (
                    func.count(case((inside, 1))),
                    func.max(case((inside, SlotMetric.surface))),
                    *(
                        func.sum(case((inside, getattr(SlotMetric, name)), else_=0))
                        for name in COUNTS
                    ),
                )
            ),
        )
        .where(SlotMetric.market == market, SlotMetric.date.between(before.start, window.end))
        .group_by(SlotMetric.slot)
        .order_by(SlotMetric.slot)
    )
    rows = session.execute(query).all()
    width = 2 + len(COUNTS)  # rows, surface, counts: per window
    return tuple(  # type: ignore[return-value]
        _frame([(row[0], *row[at + 2 : at + 1 + width]) for row in rows if row[at + 1]])
        for at in (0, width)
    )


def _frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) or [()] * len(COLUMNS)
    return pd.DataFrame(
        {
            # PostgreSQL sums BIGINT as NUMERIC: the counts are made integers here.
            name: np.array(values, dtype=object if name in ("slot", "surface") else np.int64)
            for name, values in zip(COLUMNS, columns, strict=True)
        }
    )
