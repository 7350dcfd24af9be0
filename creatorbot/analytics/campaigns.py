"""Campaign arithmetic: pacing against a target, reward tiers of an incentive program, and the
gaps between neighbours in a competition. Pure: numbers and frames in, numbers and frames out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

NUDGE_WITHIN = Fraction(1, 10)  # "close to the next tier": within 10% of its threshold


@dataclass(frozen=True)
class Pacing:
    """Where a campaign stands: days elapsed of its total, the linear projection of its end
    total, and whether that reaches the target."""

    elapsed_days: int
    total_days: int
    to_date: int
    projected: int
    target: int | None

    @property
    def over(self) -> bool:
        """Every day of the campaign is in: its figures are totals, nothing is projected."""
        return self.elapsed_days >= self.total_days

    @property
    def on_track(self) -> bool | None:
        """True when the projection reaches the target (None without a target)."""
        return None if self.target is None else self.projected >= self.target

    @property
    def needed_per_day(self) -> int | None:
        """What each remaining day must bring to reach the target (None when done or no target)."""
        remaining = self.total_days - self.elapsed_days
        if self.target is None or remaining <= 0:
            return None
        return max(0, -(-(self.target - self.to_date) // remaining))  # ceiling division


def pacing(
    to_date: int, starts: dt.date, ends: dt.date, through: dt.date, target: int | None
) -> Pacing:
    """Project the end total at the run-rate so far: to_date ÷ elapsed days × total days
    (exact integer arithmetic, rounded down). Before the start, nothing is projected. A target
    of 0 (or less) is no target: nothing can be measured against it."""
    total_days = (ends - starts).days + 1
    elapsed = min(max((through - starts).days + 1, 0), total_days)
    projected = to_date * total_days // elapsed if elapsed else 0
    return Pacing(
        elapsed, total_days, to_date, projected, target if target and target > 0 else None
    )


def reached_tier(value: int, thresholds: Sequence[int]) -> int:
    """How many reward tiers `value` has reached (thresholds ascending)."""
    return sum(1 for threshold in thresholds if value >= threshold)


@dataclass(frozen=True)
class TierReport:
    """An incentive program's state: creators per tier, who to nudge, and the payouts."""

    per_tier: list[int]  # creators that reached exactly tier i+1 (index 0 = the first tier)
    below_first: int
    nudge: pd.DataFrame  # creators within NUDGE_WITHIN of their next tier, closest first
    payout: int  # rewards earned so far
    projected_payout: int  # rewards if every creator keeps their run-rate to the end
    nudge_total: int  # how many are within NUDGE_WITHIN (`nudge` may hold only the closest)


def tier_report(
    totals: pd.DataFrame,
    tiers: Sequence[tuple[int, int]],
    elapsed_days: int,
    total_days: int,
    value: str = "value",
) -> TierReport:
    """Tiers are (threshold, reward) pairs; `totals` has one row per enrolled creator with the
    program's metric in `value`. A creator earns the reward of the highest tier reached."""
    thresholds = [threshold for threshold, _ in sorted(tiers)]
    rewards = [reward for _, reward in sorted(tiers)]
    values = [int(v) for v in totals[value]]
    reached = [reached_tier(v, thresholds) for v in values]
    per_tier = [reached.count(i + 1) for i in range(len(thresholds))]
    projected = [
        reached_tier(v * total_days // elapsed_days if elapsed_days else 0, thresholds)
        for v in values
    ]

    def paid(levels: list[int]) -> int:
        return sum(rewards[level - 1] for level in levels if level)

    next_threshold = [thresholds[level] if level < len(thresholds) else None for level in reached]
    near = [
        t is not None and v < t and Fraction(t - v, t) <= NUDGE_WITHIN
        for v, t in zip(values, next_threshold, strict=True)
    ]
    upcoming = pd.Series(next_threshold, index=totals.index, dtype="Int64")
    nudge = totals.assign(next_threshold=upcoming, tier=reached)[near].copy()
    nudge["missing"] = nudge["next_threshold"].astype("int64") - nudge[value]
    nudge = closest_first(nudge)
    return TierReport(per_tier, reached.count(0), nudge, paid(reached), paid(projected), len(nudge))


def closest_first(nudge: pd.DataFrame) -> pd.DataFrame:
    """Creators to nudge in the order they are shown: least missing first, then by handle."""
    return nudge.sort_values(["missing", "handle"], kind="mergesort").reset_index(drop=True)


# The same report from counts, for a program too big to hold in memory: `at_least[x]` is how
# many enrolled creators have a value of at least x, for every x in `count_points`.


def nudge_floor(threshold: int) -> int:
    """The least value within NUDGE_WITHIN below `threshold` (t − v ≤ t·W ⇔ v ≥ t·(1 − W))."""
    floor = threshold * (1 - NUDGE_WITHIN)
    return -(-floor.numerator // floor.denominator)


def projection_floor(threshold: int, elapsed_days: int, total_days: int) -> int:
    """The least value to date whose projection reaches `threshold`, for elapsed_days > 0:
    v·total // elapsed ≥ t ⇔ v·total ≥ t·elapsed ⇔ v ≥ ⌈t·elapsed / total⌉."""
    return -(-threshold * elapsed_days // total_days)


def nudge_bands(thresholds: Sequence[int]) -> list[tuple[int, int, int]]:
    """(level, low, threshold) per tier: creators that reached `level` tiers and are within
    NUDGE_WITHIN of the next are those with a value in [low, threshold). Empty bands left out."""
    bands = []
    ordered = sorted(thresholds)
    for level, threshold in enumerate(ordered):
        low = nudge_floor(threshold)
        if level:
            low = max(low, ordered[level - 1])
        if low < threshold:
            bands.append((level, low, threshold))
    return bands


def count_points(tiers: Sequence[tuple[int, int]], elapsed_days: int, total_days: int) -> set[int]:
    """The values whose at-least counts `tier_counts` needs (nudge bands need their own)."""
    thresholds = [threshold for threshold, _ in tiers]
    points = set(thresholds)
    if elapsed_days:
        points |= {projection_floor(t, elapsed_days, total_days) for t in thresholds}
    return points


def tier_counts(
    tiers: Sequence[tuple[int, int]],
    enrolled: int,
    at_least: Mapping[int, int],
    elapsed_days: int,
    total_days: int,
) -> tuple[list[int], int, int, int]:
    """Creators per tier, below the first tier, payout and projected payout — as `tier_report`
    counts them — from at-least counts (see `count_points`)."""
    thresholds = [threshold for threshold, _ in sorted(tiers)]
    rewards = [reward for _, reward in sorted(tiers)]

    def per_level(floors: list[int]) -> list[int]:
        reached = [at_least[floor] for floor in floors] + [0]
        return [reached[i] - reached[i + 1] for i in range(len(floors))]

    def paid(counts: list[int]) -> int:
        return sum(count * reward for count, reward in zip(counts, rewards, strict=True))

    per_tier = per_level(thresholds)
    if elapsed_days:
        projected = per_level([projection_floor(t, elapsed_days, total_days) for t in thresholds])
    else:  # nothing is projected: everyone at 0
        level = reached_tier(0, thresholds)
        projected = [enrolled if i + 1 == level else 0 for i in range(len(thresholds))]
    below_first = enrolled - sum(per_tier)
    return per_tier, below_first, paid(per_tier), paid(projected)


def neighbour_gaps(ranked: pd.DataFrame, value: str = "value") -> pd.Series:
    """For a frame in rank order: how far each row is behind the row above (None for the first)."""
    gaps = ranked[value].shift(1) - ranked[value]
    return gaps.astype("Int64")
