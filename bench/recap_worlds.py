"""Generated campaign worlds with a known uplift, for the incrementality estimate's tests and
bench: creators of several tiers and categories, a pre-campaign period and a campaign, a
market-wide boost during the campaign, and selective enrolment (creators the team saw bigger
and growing before the start enrol more), so a naive enrolled-vs-rest comparison is far off."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from creatorbot.analytics.incrementality import level_and_trend

TIERS = {"L1": 1.0, "L2": 3.0, "L3": 10.0, "L4": 30.0}
CATEGORIES = ("beauty", "fashion", "home", "food")


@dataclass(frozen=True)
class World:
    """One world: a row per creator (the estimator's input) and the true incremental GMV."""

    creators: pd.DataFrame
    days: int
    truth: int
    naive: float  # enrolled mean during GMV minus the others', times the enrolled


def world(
    seed: int,
    *,
    creators: int = 4000,
    pre: int = 28,
    days: int = 14,
    uplift: float = 0.15,
) -> World:
    """A world whose enrolled creators sell `uplift` more during the campaign than they would
    have without it."""
    rng = np.random.default_rng(seed)
    tier = rng.choice(list(TIERS), creators, p=[0.45, 0.3, 0.17, 0.08])
    category = rng.choice(CATEGORIES, creators)
    base = np.array([TIERS[t] for t in tier]) * rng.lognormal(np.log(8_000), 0.5, creators)
    growth = rng.normal(0.004, 0.008, creators)  # relative change per day
    total = pre + days
    t = np.arange(total) - pre
    shock = rng.lognormal(0.0, 0.08, (len(CATEGORIES), total))
    shock[:, pre:] *= 1.25  # the sale lifts everyone, enrolled or not
    cat_index = np.searchsorted(np.array(CATEGORIES), category, sorter=np.argsort(CATEGORIES))
    cat_index = np.argsort(CATEGORIES)[cat_index]
    trend = np.maximum(0.05, 1 + np.outer(growth, t))
    active = rng.random((creators, total)) > 0.08  # some days a creator sells nothing
    noise = rng.lognormal(-0.045, 0.3, (creators, total))
    gmv = np.floor(base[:, None] * trend * shock[cat_index] * noise * active)
    before = gmv[:, :pre]
    level, slope = level_and_trend(before.sum(axis=1), before @ np.arange(pre), pre)
    # The team picks creators by what it saw before the start: bigger and growing ones.
    z_level = _z(np.log1p(level))
    z_trend = _z(slope / np.maximum(level, 1.0))
    chance = 1 / (1 + np.exp(-(-2.3 + 0.7 * z_level + 1.2 * z_trend)))
    enrolled = rng.random(creators) < chance
    counterfactual = gmv[:, pre:].sum(axis=1)
    lifted = np.floor(gmv[:, pre:] * np.where(enrolled, 1 + uplift, 1.0)[:, None])
    during = lifted.sum(axis=1)
    truth = int((during - counterfactual)[enrolled].sum())
    frame = pd.DataFrame(
        {
            "creator_id": np.arange(1, creators + 1),
            "enrolled": enrolled,
            "tier": tier,
            "category": category,
            "level": level,
            "trend": slope,
            "during": during.astype(np.int64),
        }
    )
    naive = float((during[enrolled].mean() - during[~enrolled].mean()) * enrolled.sum())
    return World(frame, days, truth, naive)


def _z(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / values.std()
