"""Campaign payouts from the final standings: reward tiers, prize bands, ties and the budget cap.

The rules, as the recap and the payout file state them:

- **tiers** (incentive programs): a creator earns the reward of the highest tier whose
  threshold their metric reached.
- **bands** (competitions): creators with a metric above zero are ranked, highest first. Each
  finishing position p has the reward of the band with rank_from ≤ p ≤ rank_to (0 outside
  every band).
- **ties**: creators with the same metric share the positions they occupy together, p to
  p + k − 1, and are all shown at rank p. The rewards of those positions are pooled and split
  equally, rounded down to the minor unit; the few minor units the rounding leaves
  (`tie_remainder`, fewer than k per tie) are not paid. So a tie never costs more than the
  published prize table, and tied creators are treated alike whatever their handles.
- **both**: a campaign with tiers and bands pays each creator the sum of the two.
- **budget cap**: when what was earned exceeds the cap, every creator's reward is scaled by
  cap ÷ earned and rounded down to the minor unit (pro rata): nobody is dropped and the order
  of the ranking is kept. The minor units the rounding leaves under the cap
  (`cap_remainder`, fewer than one per paid creator) are reported, not paid.

All amounts are integer minor units; every division is exact integer arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

COLUMNS = ["creator_id", "handle", "value", "rank", "tier", "earned", "paid"]


@dataclass(frozen=True)
class Payouts:
    """Every enrolled creator's reward (`creators`, COLUMNS, by rank then handle, then those
    who scored nothing; `rank` 0 and `tier` 0 when none) and the totals finance needs."""

    creators: pd.DataFrame
    earned: int  # before the cap
    paid: int  # after it
    cap: int | None
    tie_remainder: int  # pooled band rewards left by splitting ties, not paid
    cap_remainder: int  # what the pro-rata rounding leaves under the cap, not paid

    @property
    def capped(self) -> bool:
        """Whether the budget cap cut the rewards."""
        return self.cap is not None and self.earned > self.cap

    @property
    def paid_creators(self) -> int:
        """How many creators are paid anything."""
        return int((self.creators["paid"] > 0).sum())


def ranking_order(frame: pd.DataFrame) -> np.ndarray:
    """Row positions by value (highest first), then handle among equal values above zero;
    creators at zero follow in the order given. Sorting a hundred thousand handles took most of
    a payout's time, and equal values are few."""
    values = frame["value"].to_numpy(dtype=np.int64)
    order = np.argsort(-values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(ordered)]
    handles = frame["handle"].to_numpy()
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end - start > 1 and ordered[start] > 0:
            run = order[start:end]
            order[start:end] = run[np.argsort(handles[run], kind="stable")]
    return order


def shared_ranks(values: Sequence[int] | np.ndarray) -> np.ndarray:
    """The competition rank of each value in descending order ("1224"): equal values share the
    best position they occupy. `values` must already be sorted descending."""
    ordered = np.asarray(values, dtype=np.int64)
    n = len(ordered)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    first = np.flatnonzero(starts)
    return np.repeat(first + 1, np.diff(np.r_[first, n])).astype(np.int64)


def tiers_reached(values: np.ndarray, thresholds: Sequence[int]) -> np.ndarray:
    """How many of the ascending `thresholds` each value reached (`campaigns.reached_tier`)."""
    ordered = np.asarray(thresholds, dtype=np.int64)
    return np.searchsorted(ordered, np.asarray(values, dtype=np.int64), side="right")


def band_rewards(n: int, bands: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """The reward of each finishing position 1..n from (rank_from, rank_to, reward) bands."""
    out = np.zeros(n, dtype=np.int64)
    for first, last, reward in bands:
        lo, hi = max(first, 1), min(last, n)
        if lo <= hi:
            out[lo - 1 : hi] = reward
    return out


def payouts(
    standings: pd.DataFrame,
    tiers: Sequence[tuple[int, int]] = (),
    bands: Sequence[tuple[int, int, int]] = (),
    cap: int | None = None,
) -> Payouts:
    """Apply the rules above to `standings` (one row per enrolled creator: creator_id, handle,
    value — the campaign's metric over its whole window). `tiers` are (threshold, reward),
    `bands` (rank_from, rank_to, reward); `cap` None means no cap."""
    frame = standings[["creator_id", "handle", "value"]].copy()
    frame["value"] = frame["value"].astype("int64")
    frame = frame.iloc[ranking_order(frame)].reset_index(drop=True)
    values = frame["value"].to_numpy()
    scored = int((values > 0).sum())
    rank = np.zeros(len(frame), dtype=np.int64)
    rank[:scored] = shared_ranks(values[:scored])
    frame["rank"] = rank
    thresholds = sorted(threshold for threshold, _ in tiers)
    by_level = [0] + [reward for _, reward in sorted(tiers)]
    levels = tiers_reached(values, thresholds)
    frame["tier"] = levels
    earned = np.asarray(by_level, dtype=np.int64)[levels]
    tie_remainder = 0
    if bands and scored:
        band, tie_remainder = _pooled(values[:scored], band_rewards(scored, bands))
        earned[:scored] += band
    frame["earned"] = earned
    total = int(earned.sum())
    if cap is not None and total > cap:
        paid = [int(e) * cap // total for e in earned.tolist()]
        frame["paid"] = np.asarray(paid, dtype=np.int64)
        cap_remainder = cap - sum(paid)
    else:
        frame["paid"] = earned
        cap_remainder = 0
    return Payouts(
        frame[COLUMNS],
        total,
        int(frame["paid"].sum()),
        cap,
        tie_remainder,
        cap_remainder,
    )


def _pooled(values: np.ndarray, by_position: np.ndarray) -> tuple[np.ndarray, int]:
    """Each position's band reward with ties pooled and split equally (rounded down), and what
    the rounding left over. `values` sorted descending, one per position."""
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    sizes = np.diff(np.r_[starts, len(values)])
    pools = np.add.reduceat(by_position, starts)
    shares = pools // sizes
    return np.repeat(shares, sizes), int((pools - shares * sizes).sum())
