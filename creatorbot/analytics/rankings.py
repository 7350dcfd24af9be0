"""Leaderboard ranking and rank movement between two windows."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def rank(totals: pd.DataFrame, value: str = "value", key: str = "handle") -> pd.DataFrame:
    """Rank rows by `value` (highest first, ties by `key` ascending), dropping rows at zero.

    Returns the rows in rank order with a 1-based `rank` column.
    """
    ranked = totals[totals[value] > 0].sort_values(
        [value, key], ascending=[False, True], kind="mergesort"
    )
    ranked = ranked.reset_index(drop=True)
    ranked["rank"] = range(1, len(ranked) + 1)
    return ranked


def with_movement(
    current: pd.DataFrame, previous: pd.DataFrame, key: str = "creator_id"
) -> pd.DataFrame:
    """Add `previous_rank` (missing for new entries), `movement` (places climbed; negative
    for a fall) and `new` to a ranked frame, from the ranking of the window before."""
    before = previous[[key, "rank"]].rename(columns={"rank": "previous_rank"})
    merged = current.merge(before, on=key, how="left")
    merged["previous_rank"] = merged["previous_rank"].astype("Int64")
    merged["movement"] = merged["previous_rank"] - merged["rank"]
    merged["new"] = merged["previous_rank"].isna()
    return merged
