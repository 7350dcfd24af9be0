"""Climbers and fallers: the biggest rank movements of a ranking against the window before."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Movers:
    """The creators who gained the most places and those who lost the most, biggest move first,
    each with `movement` (places climbed; negative for a fall)."""

    climbers: pd.DataFrame
    fallers: pd.DataFrame


def movers(ranked: pd.DataFrame, *, pool: int, limit: int) -> Movers:
    """Among the first `pool` ranks of `ranked` (a ranking with `rank` and `previous_rank`,
    missing for new entries, as `rankings.with_movement` gives it): the `limit` creators who
    climbed most and the `limit` who fell most; a tie goes to the better rank. New entries and
    creators who did not move are in neither list."""
    top = ranked[(ranked["rank"] <= pool) & ranked["previous_rank"].notna()]
    moved = top.assign(movement=(top["previous_rank"] - top["rank"]).astype("int64"))

    def biggest(rows: pd.DataFrame, ascending: bool) -> pd.DataFrame:
        ordered = rows.sort_values(
            ["movement", "rank"], ascending=[ascending, True], kind="mergesort"
        )
        return ordered.head(limit).reset_index(drop=True)

    return Movers(
        climbers=biggest(moved[moved["movement"] > 0], ascending=False),
        fallers=biggest(moved[moved["movement"] < 0], ascending=True),
    )
