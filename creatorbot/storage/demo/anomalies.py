"""Anomalies planted on recent days, so the alert job has something true to find."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from creatorbot.storage.demo.population import MARKETS, Population

PLANTED_COLUMNS = ("market", "handle", "date", "metric", "kind", "factor", "material")


@dataclass(frozen=True)
class Anomaly:
    """One creator-day whose numbers are set to `factor` times an ordinary day's.

    `live` says whether the creator still streams that day; `views` multiplies video views.
    `material` is False for swings too small for a sensible alert threshold.
    """

    creator: int
    day: int
    kind: str
    factor: float
    live: bool
    views: float = 1.0
    material: bool = True

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metrics a detector should flag."""
        return ("gmv", "video_views") if self.views != 1.0 else ("gmv",)


def _ranked(pop: Population, market: str) -> np.ndarray:
    """Creators of `market`, biggest typical GMV first."""
    mine = np.flatnonzero(pop.market == MARKETS.index(market))
    return mine[np.argsort(-pop.gmv_30d[mine], kind="stable")]


def _first(candidates: np.ndarray, taken: set[int]) -> int:
    return next(int(c) for c in candidates if int(c) not in taken)


def choose(pop: Population, days: int) -> tuple[Anomaly, ...]:
    """Pick the planted anomalies (none when there is too little history to see them)."""
    if days < 8:
        return ()
    last = days - 1
    my, it = _ranked(pop, "MY"), _ranked(pop, "IT")
    taken: set[int] = set()

    def pick(ranked: np.ndarray, preferred: np.ndarray) -> int:
        candidate = _first(np.concatenate([ranked[preferred], ranked]), taken)
        taken.add(candidate)
        return candidate

    top_my = min(len(my), 20)
    collapse = pick(my, np.flatnonzero(pop.live_share[my[:top_my]] >= 0.6))
    top_it = min(len(it), 15)
    viral = pick(it, 4 + np.flatnonzero(pop.live_share[it[4:top_it]] < 0.4))
    stockout = pick(it, np.arange(min(len(it), 5)))
    mid = pick(my, np.arange(min(len(my) // 10, 30), len(my)))
    small = pick(my, np.arange(int(len(my) * 0.9), len(my)))
    return (
        Anomaly(collapse, last, "drop", factor=0.1, live=False),
        Anomaly(viral, last, "spike", factor=5.0, live=False, views=8.0),
        Anomaly(stockout, last - 1, "drop", factor=0.15, live=True),
        Anomaly(mid, last - 2, "spike", factor=6.0, live=True),
        Anomaly(small, last, "spike", factor=10.0, live=True, material=False),
    )


def steady(pop: Population, planted: tuple[Anomaly, ...]) -> None:
    """Give planted creators a clean history: active every day, no churn, no trend.

    The collapsing creator streams every day, so a day without a stream stands out.
    """
    for anomaly in planted:
        i = anomaly.creator
        pop.p_active[i] = 1.0
        pop.first_day[i] = min(int(pop.first_day[i]), -30)
        pop.last_day[i] = max(int(pop.last_day[i]), anomaly.day + 10_000)
        pop.growth[i] = 0.0
        if anomaly.kind == "drop" and not anomaly.live and pop.live_share[i] > 0:
            pop.p_live[i] = 1.0


def planted_frame(pop: Population, planted: tuple[Anomaly, ...], start: dt.date) -> pd.DataFrame:
    """The planted anomalies, one row per (creator, day, metric)."""
    rows = [
        {
            "market": MARKETS[int(pop.market[a.creator])],
            "handle": str(pop.handle[a.creator]),
            "date": start + dt.timedelta(days=a.day),
            "metric": metric,
            "kind": a.kind,
            "factor": a.factor if metric == "gmv" else a.views,
            "material": a.material,
        }
        for a in planted
        for metric in a.metrics
    ]
    frame = pd.DataFrame(rows, columns=list(PLANTED_COLUMNS))
    return frame.astype({"factor": "float64", "material": "bool"})
