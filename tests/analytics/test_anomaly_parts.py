"""The anomaly detector's parts on numbers small enough to work out by hand (docs/commands.md,
"How an anomaly is found"): medians, weekday factors, the days of today's kind, the biggest
subjects, the cheap pass over the long tail, the trimmed spread and its pooling, days off, and
the naive rule. Each expected value is worked out in the comments, never by the code itself."""

from __future__ import annotations

import math

import numpy as np
import pytest

from creatorbot.analytics.anomalies import (
    FLAGGED_COLUMNS,
    Detection,
    Norms,
    Rule,
    Typical,
    _active,
    _candidates,
    _days_off_chance,
    _median,
    _pooled,
    _residuals,
    _spread,
    _sum,
    _within,
    biggest,
    detect,
    detect_gated,
    estimate_norms,
    naive,
    same_kind,
    weekday_factors,
)

NAN = np.nan
RULE = Rule(min_volume=10, offset=100)


# --- medians and sums ---------------------------------------------------------------------


def test_each_rows_median_ignores_missing_days() -> None:
    values = np.array(
        [
            [3.0, 1.0, 2.0, 9.0, 7.0],  # 1 2 3 7 9 → 3
            [4.0, 1.0, 3.0, 2.0, NAN],  # 1 2 3 4 → (2 + 3) / 2
            [NAN, 5.0, NAN, 1.0, NAN],  # 1 5 → 3
            [NAN, NAN, 8.0, NAN, NAN],  # 8 alone
            [NAN, NAN, NAN, NAN, NAN],  # nothing: NaN
        ]
    )
    found = _median(values)
    assert found[:4].tolist() == [3.0, 2.5, 3.0, 8.0]
    assert math.isnan(found[4])


def test_medians_without_missing_days() -> None:
    values = np.array([[10.0, 40.0, 20.0, 30.0], [5.0, 5.0, 6.0, 100.0]])
    # 10 20 30 40 → 25; 5 5 6 100 → 5.5
    assert _median(values).tolist() == [25.0, 5.5]
    assert _median(np.array([[4.0]])).tolist() == [4.0]


def test_the_median_of_no_days_is_missing() -> None:
    found = _median(np.zeros((2, 0)))
    assert len(found) == 2 and np.isnan(found).all()


def test_sums_count_missing_days_as_nothing() -> None:
    counts = np.array([[1, 2, 3], [10, 20, 30]], dtype=np.int32)
    assert _sum(counts, axis=0).tolist() == [11.0, 22.0, 33.0]
    assert _sum(counts, axis=1).tolist() == [6.0, 60.0]
    amounts = np.array([[1.5, NAN], [NAN, NAN]])
    assert _sum(amounts, axis=1).tolist() == [1.5, 0.0]


# --- weekday factors and the days of today's kind -------------------------------------------


def test_a_weekday_the_history_lacks_has_factor_one() -> None:
    # Monday 10, Tuesday 20, Wednesday 30: mean 20 → 0.5, 1, 1.5; the others 1
    factors = weekday_factors(np.array([10.0, 20.0, 30.0]), np.array([0, 1, 2]))
    assert factors.tolist() == [0.5, 1.0, 1.5, 1.0, 1.0, 1.0, 1.0]


def test_weekday_factors_of_rates_below_one() -> None:
    # a click-through rate: Monday 0.02, Tuesday 0.04 (mean 0.03) → 2/3 and 4/3
    factors = weekday_factors(np.array([0.02, 0.04]), np.array([0, 1]))
    assert factors[:2].tolist() == pytest.approx([2 / 3, 4 / 3])


def test_missing_totals_are_left_out_of_a_weekday() -> None:
    # Monday: 10 (the NaN left out); Tuesday: 10 and 30 → 20; mean of 10 and 20: 15
    factors = weekday_factors(np.array([10.0, NAN, 10.0, 30.0]), np.array([0, 0, 1, 1]))
    assert factors[:2].tolist() == pytest.approx([10 / 15, 20 / 15])
    assert factors[2:].tolist() == [1.0] * 5


def test_weekday_factors_beyond_a_quarter_or_four_times_are_a_data_problem() -> None:
    # medians 1, 1, 1, 1, 1, 1, 100: mean 106 / 7 ≈ 15.1 → 0.066 (kept at 0.25) and 6.6 (at 4)
    factors = weekday_factors(np.array([1.0, 1, 1, 1, 1, 1, 100]), np.arange(7))
    assert factors.tolist() == [0.25] * 6 + [4.0]


def test_a_history_of_nothing_has_no_weekly_rhythm() -> None:
    assert weekday_factors(np.zeros(14), np.arange(14) % 7).tolist() == [1.0] * 7
    assert weekday_factors(np.zeros(0), np.zeros(0, dtype=np.int64)).tolist() == [1.0] * 7


def test_norms_take_the_weekday_factors_of_whole_numbers() -> None:
    # two creators' whole orders over a Monday and a Tuesday: totals 3 + 5 = 8 and 8 + 16 = 24,
    # mean 16 → Monday 0.5, Tuesday 1.5
    history = np.array([[3, 8], [5, 16]], dtype=np.int32)
    norms = estimate_norms(history, np.array([1, 1]), np.array([0, 1]), 0, RULE)
    assert norms.factors.tolist() == [0.5, 1.5, 1.0, 1.0, 1.0, 1.0, 1.0]
    assert norms.shift == 1.0 and norms.days is None


FORTNIGHT = np.arange(14) % 7  # Monday … Sunday, twice


@pytest.mark.parametrize(
    ("weekdays", "weekday", "same"),
    [
        # a fortnight on a Tuesday: its ten weekdays
        (FORTNIGHT, 1, [True] * 5 + [False] * 2 + [True] * 5 + [False] * 2),
        # a fortnight on a Saturday or a Sunday: its four weekend days (just enough)
        (FORTNIGHT, 5, [False] * 5 + [True] * 2 + [False] * 5 + [True] * 2),
        (FORTNIGHT, 6, [False] * 5 + [True] * 2 + [False] * 5 + [True] * 2),
        # a Friday is a weekday
        (FORTNIGHT, 4, [True] * 5 + [False] * 2 + [True] * 5 + [False] * 2),
        # one week on a Saturday: two weekend days are too few, every day counts
        (np.arange(7), 5, [True] * 7),
        # one week on a Monday: five weekdays are enough
        (np.arange(7), 0, [True] * 5 + [False] * 2),
        # four weekdays are enough, three are not
        (np.array([0, 1, 2, 3, 5]), 2, [True, True, True, True, False]),
        (np.array([0, 1, 2, 5, 6]), 2, [True] * 5),
    ],
)
def test_the_days_of_todays_kind(weekdays: np.ndarray, weekday: int, same: list[bool]) -> None:
    found = same_kind(weekdays, weekday)
    assert found.dtype == bool  # a mask of the history's columns
    assert found.tolist() == same


# --- the biggest subjects, the long tail ------------------------------------------------------


def test_the_biggest_of_the_last_week() -> None:
    history = np.array(
        [
            [100, 100, 1, 1, 1, 1, 1, 1, 1],  # last 7 days: 7 (but 207 over all 9)
            [0, 0, 5, 5, 5, 5, 5, 5, 5],  # 35
            [0, 0, 2, 2, 2, 2, 2, 2, 2],  # 14
            [0, 0, 40, 0, 0, 0, 0, 0, 0],  # 40 (0 over the last 6)
        ],
        dtype=np.int32,
    )
    assert biggest(history, count=2).tolist() == [1, 3]  # 40 and 35, in row order
    assert biggest(history, count=3).tolist() == [1, 2, 3]
    assert biggest(history, count=4).tolist() == [0, 1, 2, 3]  # no more than there are
    assert biggest(history[:2], count=2).tolist() == [0, 1]


def test_the_market_wide_move_is_measured_on_the_2000_biggest() -> None:
    history = np.ones((2001, 7))
    history[3] = 0  # the smallest of 2,001
    found = biggest(history)
    assert len(found) == 2000
    assert 3 not in found.tolist()


def test_the_cheap_pass_keeps_rows_whose_median_may_reach_the_floor() -> None:
    history = np.array(
        [
            [10.0, 0.0, 20.0, 0.0],  # columns 0 and 2 reach 10 and 20: 2 of 3
            [10.0, 0.0, 19.0, 100.0],  # only column 0: 1 of 3
            [NAN, NAN, 20.0, 5.0],  # 1 of its 1 known day; 2 days in all
            [NAN, NAN, NAN, 50.0],  # no known day among the columns
            [NAN, 30.0, NAN, NAN],  # 1 of 1, but a single day in all
            [NAN, 10.0, 0.0, 0.0],  # 1 of its 2 known days: half
            [NAN, NAN, 0.0, 5.0],  # 0 of 1
        ]
    )
    columns, floors = np.array([0, 1, 2]), np.array([10.0, 10.0, 20.0])
    assert _candidates(history, columns, floors, min_days=2).tolist() == [0, 2, 5]
    assert _candidates(history, columns, floors, min_days=3).tolist() == [0, 5]
    # a single day in all is enough for a rule asking one; a row without a known day of the
    # columns never is
    assert _candidates(history, columns, floors, min_days=1).tolist() == [0, 2, 4, 5]


def test_the_cheap_pass_on_whole_numbers_counts_every_day() -> None:
    history = np.array([[0, 5, 0, 0], [9, 4, 9, 4]], dtype=np.int32)
    columns, floors = np.array([1, 3]), np.array([5.0, 5.0])
    # row 0 reaches 5 on 1 of 2 columns (half); row 1 on none
    assert _candidates(history, columns, floors, min_days=4).tolist() == [0]
    assert _candidates(history, columns, floors, min_days=5).tolist() == []  # 4 days only
    assert _candidates(history, columns, floors, min_days=0).tolist() == [0]


# --- spreads and days off ---------------------------------------------------------------------


def test_days_off_are_no_residual() -> None:
    residual = np.array([[0.1, 0.2, 0.3]])
    # 99 is below the offset of 100: a day off; 100 is a day with something
    found = _active(residual, np.array([[99.0, 100.0, 500.0]]), RULE)
    assert math.isnan(found[0, 0])
    assert found[0, 1:].tolist() == [0.2, 0.3]


def test_residuals_are_measured_from_the_median_of_their_kind() -> None:
    logs = np.array([[1.0, 2.0, 3.0, 10.0, 20.0, 60.0]])
    same = np.array([True, True, True, False, False, False])
    residual, centre = _residuals(logs, same)
    # today's kind: median 2 → -1, 0, 1; the other: median 20 → -10, 0, 40
    assert centre.tolist() == [2.0]
    assert residual.tolist() == [[-1.0, 0.0, 1.0, -10.0, 0.0, 40.0]]
    residual, centre = _residuals(logs, np.ones(6, dtype=bool))
    # all one kind: median (3 + 10) / 2 = 6.5
    assert centre.tolist() == [6.5]
    assert residual.tolist() == [[-5.5, -4.5, -3.5, 3.5, 13.5, 53.5]]


SCALE = 0.6230  # E[Z² | |Z| ≤ 1.645]: the variance of a normal's middle 90%


def test_the_spread_is_measured_on_the_smallest_nine_tenths() -> None:
    residual = np.array(
        [
            # ten days: the nine smallest are ±0.1, the wild 5.0 is left out
            [0.1, -0.1, 0.1, -0.1, 0.1, -0.1, 0.1, -0.1, 0.1, 5.0],
            # five days: floor(4.5) = 4 kept, the 1.0 left out
            [0.2, -0.2, 0.2, 1.0, -0.2, NAN, NAN, NAN, NAN, NAN],
            # two days: floor(1.8) = 1, the smaller one
            [0.3, NAN, -0.4, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
            # a flat history: the least spread assumed
            [0.0] * 10,
            # nothing known: the least spread too
            [NAN] * 10,
        ]
    )
    found = _spread(residual, Rule(min_volume=10, offset=1, min_spread=0.05))
    assert found[0] == pytest.approx(math.sqrt(9 * 0.1**2 / 9 / SCALE))
    assert found[1] == pytest.approx(math.sqrt(4 * 0.2**2 / 4 / SCALE))
    assert found[2] == pytest.approx(math.sqrt(0.3**2 / 1 / SCALE))
    assert found[3:].tolist() == [0.05, 0.05]


def test_a_spread_below_the_least_is_raised_to_it() -> None:
    residual = np.array([[0.01, -0.01, 0.01, -0.01]])  # √(0.0001 / 0.623) ≈ 0.0127
    assert _spread(residual, RULE).tolist() == [0.1]
    assert _spread(np.zeros((0, 4)), RULE).tolist() == []


def test_a_spread_is_pulled_toward_the_typical_one_of_its_size() -> None:
    typical = Typical(edges=np.array([10.0, 100.0]), spreads=np.array([0.1, 0.2, 0.3]))
    spread = np.full(5, 0.4)
    expected = np.array([5.0, 10.0, 50.0, 100.0, 500.0])
    # bands: up to 10 → 0.1; above 10 up to 100 → 0.2; above 100 → 0.3
    # four weeks of its own, four of the typical: √((0.4² + p²) / 2)
    assert _pooled(spread, expected, typical).tolist() == pytest.approx(
        [
            math.sqrt((0.16 + 0.01) / 2),
            math.sqrt((0.16 + 0.01) / 2),
            math.sqrt((0.16 + 0.04) / 2),
            math.sqrt((0.16 + 0.04) / 2),
            math.sqrt((0.16 + 0.09) / 2),
        ]
    )
    assert _pooled(spread, expected, None).tolist() == [0.4] * 5


def test_the_chance_of_a_day_off() -> None:
    history = np.array([[0.0, 50.0, NAN, 100.0, 30.0], [500.0] * 5])
    # row 0: 0, 50 and 30 are below 100 (100 itself is not), of 4 known days; row 1: none of 5
    alone = _days_off_chance(history, None, RULE)
    assert alone.tolist() == [3 / 32, 0 / 33]  # (3 + 28·0) / (4 + 28), 0 / (5 + 28)
    typical = Typical(np.zeros(0), np.zeros(1), off=0.5)
    pulled = _days_off_chance(history, typical, RULE)
    assert pulled.tolist() == [(3 + 14) / 32, 14 / 33]


# --- gates, given norms, the naive rule -------------------------------------------------------


def steady(level: float, days: int = 14) -> np.ndarray:
    """A subject with the same value every day."""
    return np.full(days, level)


def test_given_norms_are_used_for_every_metric() -> None:
    history = np.vstack([steady(1_000.0), steady(2_000.0)])
    weekdays = FORTNIGHT
    rules = {"gmv": Rule(min_volume=100, offset=1), "live": Rule(min_volume=100, offset=1)}
    sale = Norms(np.ones(7), shift=3.0)  # a market-wide day three times the usual
    today = np.array([3_000.0, 6_000.0])
    found = detect_gated(
        {"gmv": (history, today)},
        rules,
        weekdays,
        1,
        norms={"gmv": sale, "live": sale},
        also={"live": (history, today)},
    )
    # expected: the level (1,000 and 2,000) times the shift of 3, so three times is no spike
    for metric in ("gmv", "live"):
        assert found[metric].material.tolist() == [0, 1]
        assert found[metric].expected.tolist() == [3_000.0, 6_000.0]
        assert found[metric].flagged.empty
    # without the norms, the same day is twice and more the usual: both spike
    plain = detect_gated({"gmv": (history, today)}, rules, weekdays, 1)
    assert plain["gmv"].flagged["row"].tolist() == [0, 1]


def test_also_metrics_are_judged_only_among_subjects_through_every_gate() -> None:
    orders = np.vstack([steady(50.0), steady(5.0), steady(50.0)])
    gmv = np.vstack([steady(1_000.0), steady(1_000.0), steady(10.0)])
    live = np.vstack([steady(100.0), steady(100.0), steady(100.0)])
    rules = {
        "orders": Rule(min_volume=30, offset=1),
        "gmv": Rule(min_volume=500, offset=1),
        "live": Rule(min_volume=60, offset=1),
    }
    today = {"orders": orders[:, 0], "gmv": gmv[:, 0], "live": np.array([1.0, 1.0, 1.0])}
    found = detect_gated(
        {"orders": (orders, today["orders"]), "gmv": (gmv, today["gmv"])},
        rules,
        FORTNIGHT,
        1,
        also={"live": (live, today["live"])},
    )
    # row 1 has too few orders, row 2 too little GMV: only row 0 is judged, on every metric
    assert found["orders"].material.tolist() == [0]
    assert found["gmv"].material.tolist() == [0]
    assert found["live"].material.tolist() == [0]
    assert found["live"].flagged["row"].tolist() == [0]  # a minute live instead of 100


def test_no_gates_judge_nobody() -> None:
    also = {"live": (steady(500.0)[None], np.array([1.0]))}
    found = detect_gated({}, {"live": RULE}, FORTNIGHT, 1, also=also)
    assert found["live"].material.tolist() == []
    assert found["live"].flagged.empty


def test_within_keeps_the_judged_rows_and_their_flags() -> None:
    detection = detect(
        np.vstack([steady(1_000.0), steady(1_000.0), steady(1_000.0)]),
        np.array([10.0, 1_000.0, 10.0]),
        FORTNIGHT,
        1,
        Rule(min_volume=100, offset=1),
    )
    assert detection.flagged["row"].tolist() == [0, 2]
    kept = _within(detection, np.array([1, 2]))
    assert isinstance(kept, Detection)
    assert kept.material.tolist() == [1, 2]
    assert kept.expected.tolist() == [1_000.0, 1_000.0]
    assert kept.flagged["row"].tolist() == [2]
    assert kept.flagged.index.tolist() == [0]
    assert list(kept.flagged.columns) == FLAGGED_COLUMNS


@pytest.mark.parametrize(
    ("before", "today", "flagged"),
    [
        (1_000, 1_500, True),  # exactly half up
        (1_000, 500, True),  # exactly half down
        (1_000, 1_499, False),
        (1_000, 501, False),
        (100, 0, True),  # the day before just reaches the minimum volume of 100
        (99, 0, False),  # below it
    ],
)
def test_the_naive_rule_at_its_edges(before: int, today: int, flagged: bool) -> None:
    found = naive(np.array([before]), np.array([today]), 100)
    assert found.tolist() == ([0] if flagged else [])


# --- the market-wide move of a day ------------------------------------------------------------

RHYTHM = np.array([0.5, 2.0, 1.0, 1.0, 1.0, 0.5, 1.0])  # Monday … Sunday, mean 1
SALES = np.ones((4, 14))
SALES[:, 3] = 3.0  # a mega sale on the first Thursday: everyone three times their level
SALES[:, 9] = 10.0  # ten times on the second Wednesday: beyond four, a data problem
SALES[0, [0, 1, 2, 4, 5, 6]] = 1.5  # the first creator's own good first week
LEVELS = np.array([100.0, 200.0, 300.0, 25.0])
TUESDAY = np.array([700.0, 800.0, 3_000.0, 250.0])


def market(rule: Rule, rows: int = 4, today: np.ndarray = TUESDAY) -> Norms:
    """Creators at LEVELS with the market's rhythm and sale days, judged on a Tuesday (factor
    2). The weekday factors come from the market's totals."""
    history = LEVELS[:rows, None] * RHYTHM[FORTNIGHT] * SALES[:rows]
    return estimate_norms(history, today[:rows], FORTNIGHT, 1, rule, totals=RHYTHM[FORTNIGHT])


def test_the_market_wide_move_of_the_day_and_of_each_history_day() -> None:
    # Each creator's days divided by the weekday factor: 100 × (1.5 ×6, 1 ×6, 3, 10), then
    # 200, 300, 25 × (1 ×12, 3, 10). Their medians: 150, 200, 300, 25. On a Tuesday, 25 × 2 =
    # 50 just reaches the minimum volume of 50, so all four are judged: just the least needed.
    # Each history day's move, the median of the four ratios to their level: 1 on the first
    # week (1.5/1.5, 1, 1, 1) and the second (1/1.5, 1, 1, 1); 3 on the sale day (2, 3, 3, 3);
    # 10 (6.7, 10, 10, 10) kept at 4. The levels once more, those days evened out: the first
    # creator's 100 ×7 (the sale day 300 / 3), 150 ×6 and 1,000 / 4 → (100 + 150) / 2 = 125;
    # the others unchanged. Today against level × 2: 700 / 250 = 2.8, 800 / 400 = 2,
    # 3,000 / 600 = 5, 250 / 50 = 5 → the median (2.8 + 5) / 2 = 3.9.
    norms = market(Rule(min_volume=50, offset=1, common=True, min_common=4))
    assert norms.factors.tolist() == RHYTHM.tolist()  # from the totals given
    assert norms.shift == pytest.approx(3.9)
    assert norms.days is not None
    assert norms.days.tolist() == [1, 1, 1, 3, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1]


@pytest.mark.parametrize(("times", "shift"), [(10.0, 4.0), (0.1, 0.25)])
def test_a_market_wide_move_beyond_four_times_is_a_data_problem(times: float, shift: float) -> None:
    # everyone at 10 (or 0.1) times their level × 2: kept at 4 (or a quarter)
    today = LEVELS * np.array([1.25, 1.0, 1.0, 1.0]) * 2 * times
    norms = market(Rule(min_volume=50, offset=1, common=True, min_common=4), today=today)
    assert norms.shift == shift


def test_too_few_creators_to_measure_a_market_wide_move() -> None:
    norms = market(Rule(min_volume=50, offset=1, common=True, min_common=5))
    assert norms.factors.tolist() == RHYTHM.tolist()
    assert norms.shift == 1.0 and norms.days is None
    # the smallest (25 × 2 = 50) no longer reaches a minimum volume of 51: three judged
    norms = market(Rule(min_volume=51, offset=1, common=True, min_common=4))
    assert norms.shift == 1.0 and norms.days is None


def test_one_creator_may_be_enough_when_the_rule_says_so() -> None:
    # alone, the first creator's days are the market's: once evened out, each of its days is
    # its level of 150 (the 10× day: 1,000 / 4 = 250, one day of fourteen): 700 against 150 × 2
    norms = market(Rule(min_volume=50, offset=1, common=True, min_common=1), rows=1)
    assert norms.shift == pytest.approx(7 / 3)


def test_no_market_wide_move_unless_asked() -> None:
    norms = market(Rule(min_volume=50, offset=1, min_common=1))
    assert norms.shift == 1.0 and norms.days is None


# --- detect with the market's norms given -------------------------------------------------------


def test_a_usual_day_just_at_the_minimum_volume_is_judged() -> None:
    # Weekday factors: Monday, Wednesday and Thursday half, Tuesday twice. A creator at 25 a
    # day before the factors: 12.5 on those days, 50 on Tuesdays, 25 on Fridays and weekends.
    # Today, a Tuesday, its expected day is 25 × 2 = 50: just the minimum volume.
    factors = np.array([0.5, 2.0, 0.5, 0.5, 1.0, 1.0, 1.0])
    history = (25 * factors[FORTNIGHT])[None]
    found = detect(history, np.array([50.0]), FORTNIGHT, 1, Rule(50, 1), Norms(factors))
    assert found.material.tolist() == [0]
    assert found.expected.tolist() == [50.0]
    assert found.flagged.empty


def test_the_market_wide_moves_of_history_days_are_evened_out() -> None:
    # A long sale: on six of the ten weekdays of the fortnight the whole market sold twice its
    # level, and so did this creator (2,000 instead of 1,000). Evened out, every day is 1,000.
    days = np.ones(14)
    days[[0, 1, 2, 3, 7, 8]] = 2.0
    history = (1_000 * days)[None]
    norms = Norms(np.ones(7), 1.0, days)
    found = detect(history, np.array([1_000.0]), FORTNIGHT, 1, Rule(100, 1), norms)
    assert found.expected.tolist() == [1_000.0]
    assert found.flagged.empty
