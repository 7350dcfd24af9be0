"""Creator tiers per market and each creator's tier from their expected 30-day GMV."""

from __future__ import annotations

import numpy as np
import pandas as pd

from creatorbot.storage.demo.metrics import Model, expected_gmv
from creatorbot.storage.demo.population import MARKETS

TIER_NAMES = ("bronze", "silver", "gold", "platinum")
# min_gmv_30d in minor units: RM 0 / 5k / 30k / 150k and €0 / 2.5k / 15k / 75k.
THRESHOLDS = {
    "MY": (0, 500_000, 3_000_000, 15_000_000),
    "IT": (0, 250_000, 1_500_000, 7_500_000),
}
STALE = 0.06  # tiers are reviewed monthly, so some lag a step behind or ahead


def tiers_frame() -> pd.DataFrame:
    """The canonical tiers frame."""
    rows = [
        {"market": market, "tier": name, "rank": rank, "min_gmv_30d": minimum}
        for market in MARKETS
        for rank, (name, minimum) in enumerate(
            zip(TIER_NAMES, THRESHOLDS[market], strict=True), start=1
        )
    ]
    return pd.DataFrame(rows).astype({"rank": "int64", "min_gmv_30d": "int64"})


def assign(rng: np.random.Generator, model: Model) -> np.ndarray:
    """Each creator's tier name: from the GMV expected over the last 30 days, mostly."""
    window = min(30, model.days)
    cols = np.arange(model.days - window, model.days) + model.cal.offset
    pop = model.pop
    gmv = expected_gmv(model, np.arange(len(pop)), cols) * 30 / window
    level = np.zeros(len(pop), dtype=np.int64)
    for m, market in enumerate(MARKETS):
        mine = pop.market == m
        level[mine] = np.searchsorted(THRESHOLDS[market], gmv[mine], side="right") - 1
    stale = rng.random(len(pop)) < STALE
    level = np.where(stale, np.clip(level + rng.choice([-1, 1], len(pop)), 0, 3), level)
    return np.array(TIER_NAMES, dtype=object)[level]
