"""Who signs up for which campaign, the lift they get, and the campaign and enrollment frames."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from creatorbot.storage import writer
from creatorbot.storage.demo.calendar import Calendar
from creatorbot.storage.demo.campaigns import CampaignPlan
from creatorbot.storage.demo.metrics import Boost, Model, expected_gmv
from creatorbot.storage.demo.population import MARKETS, Population

CAMPAIGN_COLUMNS = (*writer.CAMPAIGN_COLUMNS, "reward_tiers")
SIZE_PULL = 1.3  # bigger creators are far likelier to join: log-odds per standard deviation


@dataclass(frozen=True)
class Signups:
    """The creators (global indices) who signed up for one campaign, and on which data day."""

    plan: CampaignPlan
    creators: np.ndarray
    day: np.ndarray


def sign_up(
    rng: np.random.Generator, pop: Population, plans: tuple[CampaignPlan, ...], start: dt.date
) -> tuple[Signups, ...]:
    """Each campaign's signups: creators of its market already there and still there at the
    start, chosen with odds rising with size; signed up up to four weeks before the start."""
    out = []
    for plan in plans:
        begins = (plan.starts_on - start).days
        eligible = (
            (pop.market == MARKETS.index(plan.market))
            & (pop.first_day <= begins)
            & (pop.last_day >= begins)
        )
        if plan.audience == "live":
            eligible &= pop.live_share > 0.05
        elif plan.audience == "video":
            eligible &= pop.live_share < 0.95
        odds = math.log(plan.reach / (1 - plan.reach)) + SIZE_PULL * pop.size
        chosen = eligible & (rng.random(len(pop)) < 1 / (1 + np.exp(-odds)))
        creators = np.flatnonzero(chosen)
        lead = rng.integers(0, 29, len(creators))
        day = np.maximum(begins - lead, pop.first_day[creators])
        out.append(Signups(plan=plan, creators=creators, day=day))
    return tuple(out)


def boosts(cal: Calendar, signups: tuple[Signups, ...], creators: int) -> tuple[Boost, ...]:
    """The lift of every campaign for its enrolled creators."""
    out = []
    for s in signups:
        enrolled = np.zeros(creators, dtype=bool)
        enrolled[s.creators] = True
        out.append(
            Boost(
                enrolled=enrolled,
                first=cal.index(s.plan.starts_on),
                last=cal.index(s.plan.ends_on),
                effect=s.plan.effect,
            )
        )
    return tuple(out)


def nice(value: float) -> int:
    """Round to two significant digits, as a team would set a target."""
    if value < 1:
        return 0
    step = 10 ** max(int(math.floor(math.log10(value))) - 1, 0)
    return int(round(value / step) * step)


def campaigns_frame(
    rng: np.random.Generator, model: Model, signups: tuple[Signups, ...]
) -> pd.DataFrame:
    """The canonical campaigns frame. Targets are the expected GMV of the signups, give or
    take a quarter, so some campaigns pace ahead and some behind."""
    rows = []
    for s in signups:
        plan = s.plan
        cols = np.arange(model.cal.index(plan.starts_on), model.cal.index(plan.ends_on) + 1)
        expected = float(expected_gmv(model, s.creators, cols).sum())
        stretch = rng.uniform(0.85, 1.25)
        rows.append(
            {
                "slug": plan.slug,
                "name": plan.name,
                "market": plan.market,
                "kind": plan.kind,
                "starts_on": plan.starts_on,
                "ends_on": plan.ends_on,
                "metric": plan.metric,
                "gmv_target": nice(expected * stretch / 100) * 100,
                "creator_target": max(nice(len(s.creators) * rng.uniform(1.05, 1.3)), 5),
                "reward_tiers": list(plan.reward_tiers) if plan.reward_tiers else None,
            }
        )
    frame = pd.DataFrame(rows, columns=list(CAMPAIGN_COLUMNS))
    return frame.astype({"gmv_target": "int64", "creator_target": "int64"})


def enrollments_frame(
    pop: Population, signups: tuple[Signups, ...], start: dt.date, days: int
) -> pd.DataFrame:
    """The canonical enrollments frame: signups made by the last day with data."""
    dates = np.datetime64(start, "D")
    parts = []
    for s in signups:
        known = s.day <= days - 1
        parts.append(
            pd.DataFrame(
                {
                    "campaign": np.full(int(known.sum()), s.plan.slug, dtype=object),
                    "handle": pop.handle[s.creators[known]].astype(object),
                    "enrolled_on": (dates + s.day[known].astype("timedelta64[D]")).astype(object),
                },
                columns=list(writer.ENROLLMENT_COLUMNS),
            )
        )
    return pd.concat(parts, ignore_index=True)
