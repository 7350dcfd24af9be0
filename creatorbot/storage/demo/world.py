"""The demo world: its spec, and the pure, deterministic generation of every canonical frame."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from creatorbot.storage import writer
from creatorbot.storage.demo import anomalies, enrollments, metrics, slots, tiers
from creatorbot.storage.demo.calendar import build_calendar
from creatorbot.storage.demo.campaigns import plan_campaigns
from creatorbot.storage.demo.population import CATEGORIES, MARKETS, build_population

# Bump when the generator changes, so `ensure_demo` rebuilds worlds made by an older one.
DEMO_VERSION = 2
CREATOR_COLUMNS = (*writer.CREATOR_COLUMNS, *writer.CONTACT_COLUMNS)
# Independent random streams, so changing one part of the world leaves the others as they were.
POPULATION, SIGNUPS, TIERS, TARGETS, SLOTS = 1, 2, 3, 4, 5


@dataclass(frozen=True, kw_only=True)
class DemoSpec:
    """What to generate: how many creators, how many days of data ending on `end`, which seed."""

    creators: int = 2000
    days: int = 90
    seed: int = 7
    end: dt.date

    def __post_init__(self) -> None:
        if self.creators < 20:
            raise ValueError("a demo world needs at least 20 creators")
        if not 1 <= self.days <= 3660:
            raise ValueError("days must be between 1 and 3660")
        if self.seed < 0:
            raise ValueError("seed must not be negative")

    @property
    def start(self) -> dt.date:
        """The first day with data."""
        return self.end - dt.timedelta(days=self.days - 1)


@dataclass(frozen=True, eq=False)
class World:
    """Canonical frames, in the shapes `storage.writer` takes, plus the planted anomalies.

    Daily metrics are drawn on demand from `model`, block by block of creators: iterate
    `daily_metric_chunks()` for big worlds; `daily_metrics` holds them all in one frame.
    """

    spec: DemoSpec
    creators: pd.DataFrame
    tiers: pd.DataFrame
    campaigns: pd.DataFrame
    enrollments: pd.DataFrame
    slot_metrics: pd.DataFrame
    planted: pd.DataFrame
    model: metrics.Model = field(repr=False)

    @cached_property
    def handles(self) -> np.ndarray:
        """Creator handles as an object array, in creator order."""
        return self.creators["handle"].to_numpy(dtype=object)

    def daily_blocks(self) -> Iterator[metrics.DailyBlock]:
        """The daily rows as numeric blocks (global creator index, day index, metric arrays)."""
        return metrics.blocks(self.model)

    def daily_metric_chunks(self, rows: int = 500_000) -> Iterator[pd.DataFrame]:
        """The daily metrics as canonical frames of about `rows` rows (whole blocks of creators)."""
        pending: list[metrics.DailyBlock] = []
        size = 0
        for block in self.daily_blocks():
            pending.append(block)
            size += len(block)
            if size >= rows:
                yield self._frame(pending)
                pending, size = [], 0
        if pending:
            yield self._frame(pending)

    def _frame(self, blocks: list[metrics.DailyBlock]) -> pd.DataFrame:
        frames = [metrics.to_frame(self.model, b, self.handles) for b in blocks]
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)

    @cached_property
    def daily_metrics(self) -> pd.DataFrame:
        """Every daily row in one canonical frame, in creator order (Malaysia first), then date."""
        return self._frame(list(self.daily_blocks()))


def build_world(spec: DemoSpec) -> World:
    """Generate the world `spec` describes. Pure: no database, same spec → same frames."""

    def rng(stream: int) -> np.random.Generator:
        return np.random.default_rng([spec.seed, stream])

    start = spec.start
    pop = build_population(rng(POPULATION), spec.creators, spec.days)
    planted = anomalies.choose(pop, spec.days)
    anomalies.steady(pop, planted)
    plans = plan_campaigns(spec.end)
    cal = build_calendar(start, spec.end, plans)
    signups = enrollments.sign_up(rng(SIGNUPS), pop, plans, start)
    model = metrics.Model(
        seed=spec.seed,
        start=start,
        days=spec.days,
        pop=pop,
        cal=cal,
        boosts=enrollments.boosts(cal, signups, len(pop)),
        planted=planted,
    )
    creators = pd.DataFrame(
        {
            "market": np.array(MARKETS, dtype=object)[pop.market],
            "handle": pop.handle.astype(object),
            "display_name": pop.display_name.astype(object),
            "tier": tiers.assign(rng(TIERS), model),
            "category": np.array(CATEGORIES, dtype=object)[pop.category],
            "followers": pop.followers.astype(np.int64),
            "cm": pop.cm.astype(object),
            "am": pop.am.astype(object),
            "joined_on": pop.joined_on(start),
            "email": pop.email.astype(object),
            "phone": pop.phone.astype(object),
        },
        columns=list(CREATOR_COLUMNS),
    )
    per_market = {m: int((pop.market == i).sum()) for i, m in enumerate(MARKETS)}
    return World(
        spec=spec,
        creators=creators,
        tiers=tiers.tiers_frame(),
        campaigns=enrollments.campaigns_frame(rng(TARGETS), model, signups),
        enrollments=enrollments.enrollments_frame(pop, signups, start, spec.days),
        slot_metrics=slots.slot_metrics_frame(rng(SLOTS), cal, plans, per_market, start, spec.days),
        planted=anomalies.planted_frame(pop, planted, start),
        model=model,
    )
