"""The anomaly detector: planted drops and spikes are found with the right expected value, the
weekly rhythm, outliers in the history, days off and market-wide days are not anomalies, and
tiny subjects page nobody. Expected values are computed here with pandas, step by step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from creatorbot.analytics.anomalies import (
    DROP,
    SPIKE,
    Rule,
    detect,
    detect_gated,
    estimate_norms,
    naive,
    weekday_factors,
)

DAYS = 28
# Tuesday 27 Oct 2026 … Monday 23 Nov 2026; "today" is Tuesday 24 Nov 2026 (weekday 1).
WEEKDAYS = (np.arange(DAYS) + 1) % 7
TODAY = 1
SATURDAY = 5
RHYTHM = np.array([1.0, 1.0, 1.0, 1.0, 1.2, 2.5, 2.2])  # Monday … Sunday
RULE = Rule(min_volume=1_000, offset=100)


def world(subjects: int = 300, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Subjects with levels from 2,000 to 200,000 a day, the weekly rhythm and ±10% noise:
    (history, level of each subject)."""
    rng = np.random.default_rng(seed)
    level = np.exp(rng.uniform(np.log(2_000), np.log(200_000), subjects))
    noise = np.exp(0.1 * rng.standard_normal((subjects, DAYS)))
    return np.rint(level[:, None] * RHYTHM[WEEKDAYS] * noise), level


def independent_expected(history: np.ndarray, row: int, weekday: int) -> float:
    """The expected value, step by step with pandas: weekday factors are the median daily
    total of each weekday over the mean of those medians; the subject's days of today's kind
    (weekend or weekday), divided by their factor, have a median; times today's factor."""
    days = pd.DataFrame(history.T)
    days["weekday"] = WEEKDAYS
    totals = days.drop(columns="weekday").sum(axis=1).groupby(days["weekday"]).median()
    factors = totals / totals.mean()
    mine = pd.Series(history[row], index=WEEKDAYS)
    weekend = mine.index.isin([5, 6])
    same = mine[weekend] if weekday in (5, 6) else mine[~weekend]
    return float((same / factors.loc[same.index].to_numpy()).median() * factors.loc[weekday])


def flagged(history: np.ndarray, today: np.ndarray, weekday: int = TODAY) -> pd.DataFrame:
    return detect(history, today, WEEKDAYS, weekday, RULE).flagged.set_index("row")


def test_planted_drop_and_spike_are_found_and_nothing_else() -> None:
    history, level = world()
    today = level * RHYTHM[TODAY]
    drop, spike = 7, 11
    today[drop] *= 0.1
    today[spike] *= 6
    found = flagged(history, today)
    assert sorted(found.index) == [drop, spike]
    assert found.loc[drop, "direction"] == DROP
    assert found.loc[spike, "direction"] == SPIKE
    for row in (drop, spike):
        expected = independent_expected(history, row, TODAY)
        assert found.loc[row, "expected"] == pytest.approx(expected, rel=1e-9)
        assert found.loc[row, "observed"] == pytest.approx(today[row], rel=1e-9)


def test_the_weekly_rhythm_is_not_an_anomaly() -> None:
    history, level = world()
    saturday = level * RHYTHM[SATURDAY]  # 2.5 times a weekday: a spike to a rhythm-blind eye
    assert len(flagged(history, saturday, SATURDAY)) == 0
    plain = detect(history, saturday, WEEKDAYS, SATURDAY, RULE)
    expected = dict(zip(plain.material.tolist(), plain.expected.tolist(), strict=True))
    for row in (0, 100, 299):
        assert expected[row] == pytest.approx(independent_expected(history, row, SATURDAY))


def test_a_creator_with_their_own_weekend_rhythm_is_judged_against_their_weekends() -> None:
    history, level = world()
    history[3] = np.rint(level[3] * np.where(np.isin(WEEKDAYS, (5, 6)), 6.0, 1.0))
    today = level * RHYTHM[SATURDAY]
    today[3] = level[3] * 6.0  # their usual Saturday
    assert 3 not in flagged(history, today, SATURDAY).index


def test_outliers_in_the_history_do_not_move_the_baseline() -> None:
    history, level = world()
    row = 20
    clean = history[row].copy()
    history[row, 4] *= 10  # a viral day
    history[row, 9] *= 0.05  # a day without stock
    today = level * RHYTHM[TODAY]
    assert row not in flagged(history, today).index
    judged = detect(history, today, WEEKDAYS, TODAY, RULE)
    at = judged.material.tolist().index(row)
    weekday_days = clean[~np.isin(WEEKDAYS, (5, 6))] / RHYTHM[WEEKDAYS[~np.isin(WEEKDAYS, (5, 6))]]
    assert judged.expected[at] == pytest.approx(np.median(weekday_days), rel=0.05)
    today[row] *= 0.1  # and a real drop is still found
    assert flagged(history, today).loc[row, "direction"] == DROP


def test_tiny_subjects_page_nobody() -> None:
    history, level = world()
    tiny = 0
    history[tiny] = np.rint(history[tiny] / level[tiny] * 300)  # a usual day of 300 < 1,000
    today = level * RHYTHM[TODAY]
    today[tiny] = 3_000  # ten times their usual day
    judged = detect(history, today, WEEKDAYS, TODAY, RULE)
    assert tiny not in judged.material
    assert tiny not in judged.flagged["row"].tolist()


def test_a_day_off_is_news_only_from_someone_who_never_takes_one() -> None:
    history, level = world()
    steady, resting = 30, 31
    history[resting, [3, 17]] = 0  # two days off in four weeks
    today = level * RHYTHM[TODAY]
    today[[steady, resting]] = 0
    assert sorted(flagged(history, today).index) == [steady]


def test_a_market_wide_day_is_allowed_for_when_asked() -> None:
    history, level = world()
    sale = level * RHYTHM[TODAY] * 3  # everyone sells three times as much
    common = Rule(min_volume=1_000, offset=100, common=True)
    norms = estimate_norms(history, sale, WEEKDAYS, TODAY, common)
    assert norms.shift == pytest.approx(3, rel=0.05)
    assert len(detect(history, sale, WEEKDAYS, TODAY, common).flagged) == 0
    assert len(flagged(history, sale)) > 250  # without it, everyone spiked


def test_gates_judge_a_subject_only_when_big_enough_on_every_gate() -> None:
    history, level = world()
    orders = np.rint(history / 50)  # 40 to 4,000 orders a day
    big = int(np.argmax(level))  # 4,000 orders on a usual day
    small = int(np.argmin(level))  # 40: plenty of GMV for the GMV rule, too few orders
    today = level * RHYTHM[TODAY]
    today[[big, small]] *= 0.1
    rules = {"orders": Rule(min_volume=300, offset=2), "gmv": Rule(min_volume=10, offset=1)}
    found = detect_gated(
        {"orders": (orders, np.rint(today / 50)), "gmv": (history, today)},
        rules,
        WEEKDAYS,
        TODAY,
    )
    assert small not in found["gmv"].material
    assert set(found["gmv"].flagged["row"]) == {big}
    assert set(found["orders"].flagged["row"]) == {big}


def test_weekday_factors_take_the_median_of_each_weekday() -> None:
    totals = np.array([10.0, 10, 10, 10, 12, 25, 22] * 4)
    totals[5] = 100  # one sale Saturday
    factors = weekday_factors(totals, np.arange(28) % 7)
    assert factors == pytest.approx(np.array([10, 10, 10, 10, 12, 25, 22]) / (99 / 7))


def test_the_naive_rule_flags_every_swing_of_half() -> None:
    yesterday = np.array([1_000, 1_000, 1_000, 10])
    today = np.array([1_600, 400, 1_200, 100])
    assert naive(yesterday, today, 100).tolist() == [0, 1]
