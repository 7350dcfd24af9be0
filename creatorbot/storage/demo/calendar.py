"""Market-wide shopper demand by day: weekends, paydays, double days and mega sales."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from creatorbot.storage.demo.campaigns import CampaignPlan
from creatorbot.storage.demo.population import MARKETS

# Monday … Sunday. Weekends sell ~25% more through videos and much more live.
VIDEO_WEEK = np.array([0.94, 0.92, 0.93, 0.95, 1.0, 1.2, 1.24])
LIVE_WEEK = np.array([0.9, 0.88, 0.9, 0.92, 1.0, 1.2, 1.28])
ACTIVE_WEEK = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 1.06, 1.08])
LIVE_DAYS_WEEK = np.array([0.95, 0.95, 0.95, 0.97, 1.0, 1.15, 1.2])


@dataclass(frozen=True)
class Calendar:
    """Per market (rows, in MARKETS order) and day (columns) multipliers of creator activity.

    Column 0 is `first`; the data's day 0 is column `offset`, its last day column `today`.
    """

    first: dt.date
    offset: int
    today: int
    demand: np.ndarray
    video: np.ndarray
    live: np.ndarray
    active: np.ndarray
    live_days: np.ndarray

    def index(self, day: dt.date) -> int:
        """Column of `day`."""
        return (day - self.first).days


def _parts(first: dt.date, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    days = np.arange(length) + np.datetime64(first, "D")
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    month_start = days.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day = (days - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    return weekday, month, day


def build_calendar(start: dt.date, end: dt.date, plans: tuple[CampaignPlan, ...]) -> Calendar:
    """Demand from `start` (day 0 of the data) to `end`, widened to cover every campaign."""
    first = min([start, *(p.starts_on for p in plans)])
    last = max([end, *(p.ends_on for p in plans)])
    length = (last - first).days + 1
    weekday, month, day = _parts(first, length)
    demand = np.ones((len(MARKETS), length))

    my = demand[MARKETS.index("MY")]
    my[day >= 25] = 1.12  # payday: salaries land on the 25th
    my[(day == 25) | (day == 26)] = 1.25
    my[month == day] = 1.6  # double days: 9.9, 10.10, …
    it = demand[MARKETS.index("IT")]
    it[(month == 1) & (day >= 5)] = 1.2  # winter sales
    it[(month == 8) & (day >= 8) & (day <= 25)] = 0.85  # Ferragosto holidays
    for plan in plans:
        if plan.demand:
            row = demand[MARKETS.index(plan.market)]
            at = (plan.starts_on - first).days
            row[at : at + plan.days] = np.maximum(row[at : at + plan.days], plan.demand)

    sale = demand >= 3
    return Calendar(
        first=first,
        offset=(start - first).days,
        today=(end - first).days,
        demand=demand,
        video=demand * VIDEO_WEEK[weekday],
        live=demand * LIVE_WEEK[weekday],
        active=ACTIVE_WEEK[weekday] * np.where(demand >= 1.5, 1.1, 1.0),
        live_days=LIVE_DAYS_WEEK[weekday] * np.where(sale, 1.3, 1.0),
    )
