"""Resource slot performance: click-through and conversion rates, change against the previous
window, and the slots with the best and the lowest click-through rate."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

COUNTS = ("impressions", "clicks", "conversions")
# A CTR over a handful of impressions is noise: 1 click in 3 impressions reads as 33%. With
# 1,000 impressions the standard error of a CTR near the usual 1–6% is about 0.3–0.8 percentage
# points, small enough that "best" and "lowest" say something about the slot and not about luck,
# yet low enough that any slot running for a day on a real surface clears it. A fixed count (not
# a share of the biggest slot) keeps the rule easy to state in the answer.
MIN_IMPRESSIONS = 1_000


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """`numerator / denominator` as floats, NaN where the denominator is zero."""
    return numerator.astype("float64") / denominator.where(denominator > 0).astype("float64")


def with_rates(totals: pd.DataFrame) -> pd.DataFrame:
    """Add `ctr` (clicks / impressions) and `cvr` (conversions / clicks), NaN when undefined."""
    rated = totals.copy()
    rated["ctr"] = ratio(rated["clicks"], rated["impressions"])
    rated["cvr"] = ratio(rated["conversions"], rated["clicks"])
    return rated


def compare(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Per-slot totals and rates of the current window beside the previous one's.

    Both frames have columns slot, surface, impressions, clicks, conversions. Every slot of
    either window appears (a slot silent now shows zeros, so a dead slot stays visible). Adds
    `previous_*` counts and rates, `impressions_change` (relative: 0.25 is +25%, NaN when the
    previous window had none) and `ctr_change`, `cvr_change` (differences of the rates, so
    0.004 is +0.4 percentage points; NaN when either rate is undefined). Sorted by impressions,
    highest first, ties by slot name.
    """
    merged = current.merge(previous, on="slot", how="outer", suffixes=("", "_before"))
    merged["surface"] = merged["surface"].fillna(merged["surface_before"])
    for name in COUNTS:
        merged[name] = merged[name].fillna(0).astype("int64")
        merged[f"previous_{name}"] = merged[f"{name}_before"].fillna(0).astype("int64")
    merged = with_rates(merged)
    merged["previous_ctr"] = ratio(merged["previous_clicks"], merged["previous_impressions"])
    merged["previous_cvr"] = ratio(merged["previous_conversions"], merged["previous_clicks"])
    grown = merged["impressions"] - merged["previous_impressions"]
    merged["impressions_change"] = ratio(grown, merged["previous_impressions"])
    merged["ctr_change"] = merged["ctr"] - merged["previous_ctr"]
    merged["cvr_change"] = merged["cvr"] - merged["previous_cvr"]
    merged = merged.drop(columns=[c for c in merged.columns if c.endswith("_before")])
    ordered = merged.sort_values(["impressions", "slot"], ascending=[False, True], kind="mergesort")
    return ordered.reset_index(drop=True)


@dataclass(frozen=True)
class Totals:
    """Traffic summed across slots, with its rates (None when undefined)."""

    impressions: int
    clicks: int
    conversions: int

    @property
    def ctr(self) -> float | None:
        """Clicks per impression."""
        return self.clicks / self.impressions if self.impressions else None

    @property
    def cvr(self) -> float | None:
        """Conversions per click."""
        return self.conversions / self.clicks if self.clicks else None


def totals(slots: pd.DataFrame) -> Totals:
    """The current window's traffic across every slot."""
    return Totals(*(int(slots[name].sum()) for name in COUNTS))


@dataclass(frozen=True)
class Standout:
    """A slot called out for its click-through rate."""

    slot: str
    ctr: float


def standouts(
    slots: pd.DataFrame, min_impressions: int = MIN_IMPRESSIONS
) -> tuple[Standout | None, Standout | None]:
    """(best, lowest) slot by CTR among slots with at least `min_impressions` impressions; ties
    go to the slot name first in order. Lowest is None unless two or more slots qualify."""
    eligible = slots[(slots["impressions"] >= min_impressions) & slots["ctr"].notna()]
    if eligible.empty:
        return None, None
    ranked = eligible.sort_values(["ctr", "slot"], ascending=[False, True], kind="mergesort")
    best = _standout(ranked.iloc[0])
    if len(ranked) < 2:
        return best, None
    lowest = eligible.sort_values(["ctr", "slot"], ascending=[True, True], kind="mergesort")
    return best, _standout(lowest.iloc[0])


def _standout(row: pd.Series) -> Standout:
    return Standout(str(row["slot"]), float(row["ctr"]))
