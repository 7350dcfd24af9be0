"""Resource slot performance: click-through and conversion rates, change against the previous
window, and the slots with the best and the lowest click-through rate."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

COUNTS = ("impressions", "clicks", "conversions")
# A window's totals per slot: a frame, or its columns as plain lists (no frame to build for a
# few rows).
Columns = pd.DataFrame | Mapping[str, Sequence[Any]]
# A CTR over a handful of impressions is noise: 1 click in 3 impressions reads as 33%. With
# 1,000 impressions the standard error of a CTR near the usual 1–6% is about 0.3–0.8 percentage
# points, small enough that "best" and "lowest" say something about the slot and not about luck,
# yet low enough that any slot running for a day on a real surface clears it. A fixed count (not
# a share of the biggest slot) keeps the rule easy to state in the answer.
MIN_IMPRESSIONS = 1_000


def compare(current: Columns, previous: Columns) -> pd.DataFrame:
    """Per-slot totals and rates of the current window beside the previous one's.

    Both are frames (or mappings of column lists) with columns slot, surface, impressions,
    clicks, conversions. Every slot of
    either window appears (a slot silent now shows zeros, so a dead slot stays visible). Adds
    `previous_*` counts and rates, `impressions_change` (relative: 0.25 is +25%, NaN when the
    previous window had none) and `ctr_change`, `cvr_change` (differences of the rates, so
    0.004 is +0.4 percentage points; NaN when either rate is undefined). Sorted by impressions,
    highest first, ties by slot name.
    """
    # A market has tens of slots: plain Python over them is a fraction of a millisecond, where
    # a pandas merge, sort and a dozen column operations on so small a frame took ten.
    now = _by_slot(current)
    before = _by_slot(previous)
    rows: list[tuple[Any, ...]] = []
    for slot in now.keys() | before.keys():
        surface, *counts = now.get(slot) or (before[slot][0], 0, 0, 0)
        _, *earlier = before.get(slot) or (surface, 0, 0, 0)
        impressions, clicks, conversions = counts
        past_impressions, past_clicks, past_conversions = earlier
        ctr, cvr = _rate(clicks, impressions), _rate(conversions, clicks)
        past_ctr, past_cvr = (
            _rate(past_clicks, past_impressions),
            _rate(past_conversions, past_clicks),
        )
        rows.append(
            (
                slot,
                surface,
                *counts,
                *earlier,
                ctr,
                cvr,
                past_ctr,
                past_cvr,
                _rate(impressions - past_impressions, past_impressions),
                ctr - past_ctr,
                cvr - past_cvr,
            )
        )
    rows.sort(key=lambda row: row[0])
    rows.sort(key=lambda row: row[2], reverse=True)  # stable: equal impressions keep slot order
    columns = list(zip(*rows, strict=True)) or [()] * len(COMPARED)
    return pd.DataFrame(
        {
            name: np.array(values, dtype=_DTYPES.get(name, np.float64))
            for name, values in zip(COMPARED, columns, strict=True)
        }
    )


COMPARED = (
    "slot",
    "surface",
    *COUNTS,
    *(f"previous_{name}" for name in COUNTS),
    "ctr",
    "cvr",
    "previous_ctr",
    "previous_cvr",
    "impressions_change",
    "ctr_change",
    "cvr_change",
)
_DTYPES: dict[str, type] = {
    "slot": object,
    "surface": object,
    **{name: np.int64 for name in COUNTS},
    **{f"previous_{name}": np.int64 for name in COUNTS},
}


def _by_slot(totals: Columns) -> dict[str, tuple[str, int, int, int]]:
    """Each slot's (surface, impressions, clicks, conversions)."""
    columns = [list(totals[name]) for name in ("slot", "surface", *COUNTS)]
    return {
        slot: (surface, int(impressions), int(clicks), int(conversions))
        for slot, surface, impressions, clicks, conversions in zip(*columns, strict=True)
    }


def _rate(numerator: int, denominator: int) -> float:
    """`numerator / denominator` as floats (as `ratio` divides), NaN when the denominator is
    not above zero."""
    return float(numerator) / float(denominator) if denominator > 0 else math.nan


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
    columns = (slots["slot"].tolist(), slots["impressions"].tolist(), slots["ctr"].tolist())
    eligible = [
        Standout(str(slot), float(ctr))
        for slot, impressions, ctr in zip(*columns, strict=True)
        if impressions >= min_impressions and not math.isnan(ctr)
    ]
    if not eligible:
        return None, None
    best = min(eligible, key=lambda s: (-s.ctr, s.slot))
    if len(eligible) < 2:
        return best, None
    return best, min(eligible, key=lambda s: (s.ctr, s.slot))
