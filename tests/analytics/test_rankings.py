"""Leaderboard ranking and rank movement on small frames (docs/commands.md, "Leaderboard
rules"): highest first, ties by handle, nobody at zero, and the places climbed since the window
before. Every expected rank is worked out by hand in the comments."""

from __future__ import annotations

import pandas as pd

from creatorbot.analytics.rankings import rank, with_movement


def test_highest_first_ties_by_handle_and_nobody_at_zero() -> None:
    totals = pd.DataFrame(
        {
            "handle": ["bea", "ana", "cai", "dan", "eve", "fay", "gus"],
            "value": [5.0, 5.0, 9.0, 0.0, -1.0, 1.0, 0.5],
        },
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    ranked = rank(totals)
    # cai 9 → 1; ana and bea 5 each, by handle → 2, 3; fay 1 → 4; gus 0.5 → 5;
    # dan (0) and eve (-1) are left out
    assert ranked["handle"].tolist() == ["cai", "ana", "bea", "fay", "gus"]
    assert ranked["value"].tolist() == [9.0, 5.0, 5.0, 1.0, 0.5]
    assert ranked["rank"].tolist() == [1, 2, 3, 4, 5]
    assert list(ranked.columns) == ["handle", "value", "rank"]
    assert ranked.index.tolist() == [0, 1, 2, 3, 4]


def test_other_columns_name_the_value_and_the_tie_break() -> None:
    totals = pd.DataFrame(
        {
            "handle": ["a", "b", "c", "d"],
            "gmv": [3, 7, 7, 0],
            "tie_break": ["z", "y", "x", "w"],
        }
    )
    ranked = rank(totals, value="gmv", key="tie_break")
    # b and c at 7: c's tie-break "x" comes before b's "y"; then a at 3; d at 0 left out
    assert ranked["handle"].tolist() == ["c", "b", "a"]
    assert ranked["rank"].tolist() == [1, 2, 3]


def test_nothing_to_rank() -> None:
    ranked = rank(pd.DataFrame({"handle": ["a", "b"], "value": [0, 0]}))
    assert ranked.empty
    assert "rank" in ranked.columns


def test_movement_is_the_places_climbed_since_the_window_before() -> None:
    current = pd.DataFrame({"creator_id": [7, 3, 9, 4], "rank": [1, 2, 3, 4]})
    # before: 3 led, 7 was 3rd, 4 was 2nd, 9 was not ranked, 5 has since dropped out
    previous = pd.DataFrame({"creator_id": [3, 4, 7, 5], "rank": [1, 2, 3, 4]})
    moved = with_movement(current, previous)
    assert moved["creator_id"].tolist() == [7, 3, 9, 4]  # the current order, nobody added
    assert moved["rank"].tolist() == [1, 2, 3, 4]
    assert moved["previous_rank"].tolist() == [3, 1, pd.NA, 2]
    # 7: 3rd → 1st, up 2; 3: 1st → 2nd, down 1; 9: new; 4: 2nd → 4th, down 2
    assert moved["movement"].tolist() == [2, -1, pd.NA, -2]
    assert moved["new"].tolist() == [False, False, True, False]
    assert str(moved["previous_rank"].dtype) == "Int64"
    assert list(moved.columns) == ["creator_id", "rank", "previous_rank", "movement", "new"]


def test_movement_by_another_key() -> None:
    current = pd.DataFrame({"handle": ["x", "y"], "rank": [1, 2]})
    previous = pd.DataFrame({"handle": ["y", "x"], "rank": [1, 2], "value": [5, 4]})
    moved = with_movement(current, previous, key="handle")
    # x: 2nd → 1st, up 1; y: 1st → 2nd, down 1; the earlier value is not brought along
    assert moved["movement"].tolist() == [1, -1]
    assert moved["new"].tolist() == [False, False]
    assert list(moved.columns) == ["handle", "rank", "previous_rank", "movement", "new"]
