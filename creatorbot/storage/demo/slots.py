"""Daily traffic of the affiliate resource slots (EC Center banners, landing page, pop-up, push)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from creatorbot.storage.demo.calendar import Calendar
from creatorbot.storage.demo.campaigns import CampaignPlan
from creatorbot.storage.demo.population import MARKETS

SLOT_COLUMNS = ("date", "market", "slot", "surface", "impressions", "clicks", "conversions")


@dataclass(frozen=True)
class Slot:
    """A resource slot and its ordinary daily impressions, click-through and conversion rates."""

    name: str
    surface: str
    impressions: float
    ctr: float
    cvr: float


SLOTS = (
    Slot("EC Center banner A", "ec_center", 900_000, 0.018, 0.06),
    Slot("EC Center banner B", "ec_center", 600_000, 0.011, 0.04),
    Slot("Campaign landing page", "landing_page", 250_000, 0.045, 0.09),
    Slot("Pop-up", "pop_up", 400_000, 0.03, 0.025),
    Slot("Push notification", "notification", 1_500_000, 0.065, 0.015),
)
MARKET_TRAFFIC = {"MY": 1.0, "IT": 0.6}


def slot_metrics_frame(
    rng: np.random.Generator,
    cal: Calendar,
    plans: tuple[CampaignPlan, ...],
    creators_per_market: dict[str, int],
    start: dt.date,
    days: int,
) -> pd.DataFrame:
    """One row per (day, market, slot) over the data's days."""
    cols = np.arange(days) + cal.offset
    dates = (np.datetime64(start, "D") + np.arange(days)).astype(object)
    parts = []
    for m, market in enumerate(MARKETS):
        demand = cal.video[m, cols]
        sale = cal.demand[m, cols] >= 1.5
        running = np.zeros(days, dtype=bool)
        for plan in plans:
            if plan.market == market:
                first, last = cal.index(plan.starts_on), cal.index(plan.ends_on)
                running |= (cols >= first) & (cols <= last)
        scale = MARKET_TRAFFIC[market] * np.sqrt(max(creators_per_market[market], 1) / 1200)
        for slot in SLOTS:
            lift = np.ones(days)
            if slot.surface == "landing_page":
                lift = np.where(running, 2.5, 0.6)  # it points at whatever campaign is on
            elif slot.surface == "notification":
                lift = np.where(sale, 1.8, 1.0)
            impressions = np.rint(
                slot.impressions * scale * demand * lift * np.exp(0.08 * rng.standard_normal(days))
            ).astype(np.int64)
            ctr = slot.ctr * np.where(sale, 1.25, 1.0) * np.exp(0.1 * rng.standard_normal(days))
            cvr = slot.cvr * np.where(sale, 1.3, 1.0) * np.exp(0.12 * rng.standard_normal(days))
            clicks = rng.binomial(impressions, np.minimum(ctr, 1.0)).astype(np.int64)
            conversions = rng.binomial(clicks, np.minimum(cvr, 1.0)).astype(np.int64)
            parts.append(
                pd.DataFrame(
                    {
                        "date": dates,
                        "market": market,
                        "slot": slot.name,
                        "surface": slot.surface,
                        "impressions": impressions,
                        "clicks": clicks,
                        "conversions": conversions,
                    },
                    columns=list(SLOT_COLUMNS),
                )
            )
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values(["date", "market", "slot"], kind="stable", ignore_index=True)
