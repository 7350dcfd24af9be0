"""What a campaign was worth: the matched-control estimate on generated worlds with a known
uplift (bench/recap_worlds.py: enrolment favours bigger, growing creators)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.recap_worlds import world
from creatorbot.analytics.incrementality import level_and_trend, worth

SEEDS = range(50)


def test_the_interval_covers_a_planted_uplift_in_nine_seeds_of_ten() -> None:
    covered = 0
    for seed in SEEDS:
        w = world(seed, uplift=0.15)
        result = worth(w.creators, w.days)
        covered += result.low <= w.truth <= result.high
    assert covered >= 45, covered


def test_no_uplift_is_reported_where_there_is_none_in_nine_seeds_of_ten() -> None:
    worlds = (world(seed, uplift=0.0) for seed in SEEDS)
    significant = sum(worth(w.creators, w.days).significant for w in worlds)
    assert significant <= 5, significant


def test_the_naive_comparison_is_far_off_so_the_matching_matters() -> None:
    w = world(7, uplift=0.15)
    result = worth(w.creators, w.days)
    assert w.naive > 2 * w.truth  # enrolled creators were bigger and growing anyway
    assert abs(result.incremental - w.truth) < 0.5 * w.truth


def test_tiers_and_categories_add_up_to_the_whole() -> None:
    w = world(3)
    result = worth(w.creators, w.days)
    # each group's sum is rounded on its own
    assert sum(g.incremental for g in result.tiers) == pytest.approx(result.incremental, abs=4)
    assert sum(g.enrolled for g in result.categories) == result.matched
    assert sum(g.gmv for g in result.tiers) == result.gmv


def test_a_tier_without_controls_is_left_out_and_counted() -> None:
    creators = world(5).creators.copy()
    lonely = creators["tier"] == "L4"
    creators.loc[lonely, "enrolled"] = True
    result = worth(creators, 14)
    assert result.unmatched == int(lonely.sum())
    assert "L4" not in {g.name for g in result.tiers}


def test_cost_per_incremental_gmv() -> None:
    result = worth(world(2, uplift=0.15).creators, 14)
    assert result.cost_per_incremental(result.incremental // 4) == (
        (result.incremental // 4) / result.incremental
    )
    nothing = worth(world(2, uplift=0.0).creators.assign(enrolled=False), 14)
    assert nothing.cost_per_incremental(100) is None and nothing.enrolled == 0


def test_level_and_trend_are_the_mean_and_least_squares_slope() -> None:
    rng = np.random.default_rng(1)
    daily = rng.integers(0, 1000, (6, 9)).astype(float)
    level, trend = level_and_trend(daily.sum(axis=1), daily @ np.arange(9), 9)
    for row, mean, slope in zip(daily, level, trend, strict=True):
        assert mean == pytest.approx(np.mean(row))
        assert slope == pytest.approx(np.polyfit(np.arange(9), row, 1)[0], rel=1e-9, abs=1e-9)
