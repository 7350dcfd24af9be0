"""Climbers and fallers from a ranking with the ranks of the window before."""

from __future__ import annotations

import pandas as pd

from creatorbot.analytics.movers import movers


def ranking(previous: list[int | None]) -> pd.DataFrame:
    """Creators c1, c2, … at ranks 1, 2, … with these previous ranks (None: new)."""
    return pd.DataFrame(
        {
            "rank": range(1, len(previous) + 1),
            "handle": [f"c{n}" for n in range(1, len(previous) + 1)],
            "previous_rank": pd.array(previous, dtype="Int64"),
        }
    )


def test_biggest_moves_first_ties_to_the_better_rank() -> None:
    # c1 ▲4, c2 ▼1, c3 new, c4 ▼2, c5 ▲2, c6 ▲2, c7 =
    found = movers(ranking([5, 1, None, 2, 7, 8, 7]), pool=10, limit=5)
    assert found.climbers["handle"].tolist() == ["c1", "c5", "c6"]
    assert found.climbers["movement"].tolist() == [4, 2, 2]
    assert found.fallers["handle"].tolist() == ["c4", "c2"]
    assert found.fallers["movement"].tolist() == [-2, -1]


def test_only_the_pool_counts_and_the_limit_cuts() -> None:
    # c4 climbed most (▲10) but is outside a pool of 3
    found = movers(ranking([4, 6, 9, 14]), pool=3, limit=2)
    assert found.climbers["handle"].tolist() == ["c3", "c2"]
    assert found.fallers.empty


def test_new_entries_and_an_empty_ranking() -> None:
    assert movers(ranking([None, None]), pool=50, limit=5).climbers.empty
    empty = movers(ranking([]), pool=50, limit=5)
    assert empty.climbers.empty and empty.fallers.empty
