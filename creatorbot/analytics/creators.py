"""One creator's numbers: totals of a window against the window before, tier progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from creatorbot.analytics.windows import Window


@dataclass(frozen=True)
class Change:
    """A window's total beside the previous window's."""

    current: int
    previous: int

    @property
    def ratio(self) -> float | None:
        """Relative change (0.1 = +10%); None when there was nothing before."""
        return None if self.previous == 0 else (self.current - self.previous) / self.previous


def window_change(daily: pd.DataFrame, column: str, end: dt.date, days: int) -> Change:
    """`column` summed over the `days` ending on `end`, and over the `days` before those."""
    current = Window(end - dt.timedelta(days=days - 1), end)
    before = current.previous()

    # Plain Python over at most a few dozen days: several times quicker than pandas masks.
    days_and_values = list(zip(daily["date"].tolist(), daily[column].tolist(), strict=True))

    def total(window: Window) -> int:
        return sum(int(v) for day, v in days_and_values if window.start <= day <= window.end)

    return Change(total(current), total(before))


@dataclass(frozen=True)
class TierStep:
    """The tier above a creator's and the 30-day GMV still missing to reach it."""

    name: str
    threshold: int
    missing: int


def next_tier(current: str, gmv_30d: int, tiers: Sequence[tuple[str, int, int]]) -> TierStep | None:
    """`tiers` are (name, rank, min_gmv_30d); None at the top tier or for an unknown tier."""
    ordered = sorted(tiers, key=lambda tier: tier[1])
    names = [name.lower() for name, _, _ in ordered]
    if current.lower() not in names:
        return None
    position = names.index(current.lower())
    if position + 1 >= len(ordered):
        return None
    name, _, threshold = ordered[position + 1]
    return TierStep(name, threshold, max(0, threshold - gmv_30d))
