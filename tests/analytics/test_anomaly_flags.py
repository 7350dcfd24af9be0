"""Which days the anomaly detector flags (docs/commands.md, "How an anomaly is found"): at ≤ 0.5×
or ≥ 2× the expected value with a score of at least 4, unless alike days are common in the
history, or the day is a day off from someone who takes days off; the spread pulled toward that
of subjects of the same size. Histories are built so that every number is worked out by hand:
the log of (value + offset) alternates about a known centre."""

from __future__ import annotations

import math

import numpy as np
import pytest

from creatorbot.analytics.anomalies import (
    DROP,
    SPIKE,
    Norms,
    Rule,
    Typical,
    _pooled,
    _typical_spreads,
    detect,
)

FORTNIGHT = np.arange(14) % 7  # Monday … Sunday, twice; today is a Tuesday (1)
WEEKDAYS = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]
WEEKEND = [5, 6, 12, 13]
OFFSET = 100.0
RULE = Rule(min_volume=100, offset=OFFSET)
FLAT = Norms(np.ones(7))  # no weekly rhythm, no market-wide move
TRIMMED = 0.6230  # the variance of a standard normal's middle 90%


def fortnight(weekdays: list[float], weekend: list[float]) -> np.ndarray:
    row = np.empty(14)
    row[WEEKDAYS] = weekdays
    row[WEEKEND] = weekend
    return row


# Value + offset alternates 1,200 and 1,000 on weekdays and at weekends: each log residual is
# ±r about the centre log √(1,200 × 1,000), r = log(1.2) / 2; the expected day, the median of
# 1,100 and 900, is 1,000. The spread, from all 14 days (the smallest 12 are all r), is
# r / √0.623, widened by √(1 + (π/2) / 10) for a level measured on ten weekdays.
STEADY = fortnight([1_100, 900] * 5, [1_100, 900, 1_100, 900])
R = math.log(1.2) / 2
CENTRE = math.log(math.sqrt(1_200 * 1_000))
WIDEN = math.sqrt(1 + (math.pi / 2) / 10)
STEADY_SPREAD = R / math.sqrt(TRIMMED) * WIDEN  # ≈ 0.1242


def one(history: np.ndarray, today: float, rule: Rule = RULE, norms: Norms = FLAT) -> dict:
    found = detect(history[None], np.array([today]), FORTNIGHT, 1, rule, norms).flagged
    assert len(found) <= 1
    return found.iloc[0].to_dict() if len(found) else {}


@pytest.mark.parametrize(
    ("observed", "direction"),
    [
        (500.0, DROP),  # exactly half the expected 1,000
        (2_000.0, SPIKE),  # exactly twice
        (520.0, None),  # a score past 4 (≈ -4.58), but more than half
        (1_900.0, None),  # a score past 4 (≈ 4.85), but less than twice
        (1_000.0, None),
    ],
)
def test_flagged_at_half_or_twice_the_expected_day(observed: float, direction: str | None) -> None:
    # On a day the whole market doubled (shift 2), the expected day is 2 × 1,000 and today's
    # figures are twice these: the rule applies to the day evened out.
    found = one(STEADY, 2 * observed, norms=Norms(np.ones(7), shift=2.0))
    if direction is None:
        assert found == {}
        return
    assert found["direction"] == direction
    assert found["observed"] == 2 * observed
    assert found["expected"] == 2_000.0
    # score: (log(observed + 100) - centre) / spread: ≈ -4.85 at 500, ≈ 5.24 at 2,000
    score = (math.log(observed + OFFSET) - CENTRE) / STEADY_SPREAD
    assert found["score"] == pytest.approx(score, rel=1e-9)


def test_a_noisy_creators_halved_day_is_no_anomaly() -> None:
    # Value + offset alternates 2,000 and 500: residuals ±log 2 about log 1,000, a spread of
    # log 2 / √0.623 × 1.076 ≈ 0.945; the expected day is (1,900 + 400) / 2 = 1,150. A day at
    # 400 is below half, but its score is log(500 / 1,000) / 0.945 ≈ -0.73: not strong.
    noisy = fortnight([1_900, 400] * 5, [1_900, 400, 1_900, 400])
    assert one(noisy, 400.0, Rule(min_volume=100, offset=OFFSET, max_like=20)) == {}


# Alike days: value + offset 12,000 and 10,000 on eight weekdays (and 1,200/1,000-like ±r at
# weekends, 11,900 and 9,900), and two more weekdays like today. The smallest 12 of the 14
# residuals are 0.182 ×4, 0 ×4 and r ×4, so the spread is √((4·0.182² + 4·r²) / 12 / 0.623)
# × 1.076 ≈ 0.160 whatever the two days are.
def alike(day: float) -> np.ndarray:
    return fortnight([11_900, 9_900] * 4 + [day, day], [11_900, 9_900, 11_900, 9_900])


E15 = math.exp(1.5)
E3 = math.exp(3.0)


@pytest.mark.parametrize(
    ("day", "today", "direction"),
    [
        # Two days at 5,000 (residual log 0.5 ≈ -0.69 from the centre log 10,000), and today
        # the same: gap -0.69, score ≈ -4.3; those days came within one spread of today (below
        # -0.69 + 0.16): alike.
        (4_900.0, 4_900.0, DROP),
        # Two days at 40,000 (≈ 1.20 above the centre log 12,000), and today the same: alike.
        (39_900.0, 39_900.0, SPIKE),
        # Two days at e^-1.5 of the centre, today at e^-3: not within a spread of today
        # (-3 + 0.16), but beyond twice a drop (2 log 0.5 ≈ -1.39): alike all the same.
        (10_000 / E15 - OFFSET, 10_000 / E3 - OFFSET, DROP),
        # Two days at e^1.5 of the centre, today e^3: beyond twice a spike (2 log 2 ≈ 1.39).
        (12_000 * E15 - OFFSET, 12_000 * E3 - OFFSET, SPIKE),
    ],
)
def test_a_day_like_two_in_the_history_is_no_news(day: float, today: float, direction: str) -> None:
    assert one(alike(day), today, Rule(min_volume=100, offset=OFFSET, max_like=1)) == {}
    found = one(alike(day), today, Rule(min_volume=100, offset=OFFSET, max_like=2))
    assert found["direction"] == direction
    assert abs(found["score"]) > 4


def test_a_calm_history_is_pulled_toward_its_noisy_peers() -> None:
    # 99 peers whose value + offset alternates 2,000 and 500 (spread log 2 / √0.623 ≈ 0.878),
    # and one steady creator (≈ 0.115 before widening). All fall in the first size band (the
    # band edges are all 1,150, the peers' expected day), whose typical spread is the peers'.
    # Pooled: √((0.115² + 0.878²) / 2) × 1.076 ≈ 0.674, so a day at 450 (gap
    # log(550) - centre ≈ -0.689) scores ≈ -1.02: no anomaly.
    noisy = fortnight([1_900, 400] * 5, [1_900, 400, 1_900, 400])
    history = np.vstack([np.tile(noisy, (99, 1)), STEADY])
    today = np.full(100, 1_150.0)
    today[99] = 450.0
    assert detect(history, today, FORTNIGHT, 1, RULE, FLAT).flagged.empty
    # alone, its own spread ≈ 0.124 makes the same day score ≈ -5.5
    alone = one(STEADY, 450.0)
    score = (math.log(550) - CENTRE) / STEADY_SPREAD
    assert alone["score"] == pytest.approx(score, rel=1e-9)


# A Sunday off in the fortnight: value + offset at weekends 1,200, 1,000, 100 (off), 1,000.
ONE_OFF = fortnight([1_100, 900] * 5, [1_100, 900, 0, 900])


def test_a_day_off_among_peers_who_take_them_is_no_news() -> None:
    # 99 peers each with one day off in 14: the typical share is 99 / 1,400, and the steady
    # creator's own (none of 14) pulled toward it: (0 + 28 × 99/1,400) / (14 + 28) ≈ 0.047,
    # not rarer than 1%.
    history = np.vstack([np.tile(ONE_OFF, (99, 1)), STEADY])
    today = np.full(100, 1_000.0)
    today[99] = 0.0
    assert detect(history, today, FORTNIGHT, 1, RULE, FLAT).flagged.empty
    # alone, it never takes a day off: a day of nothing is news (score ≈ -19)
    assert one(STEADY, 0.0)["direction"] == DROP


@pytest.mark.parametrize(("today", "flagged"), [(100.0, True), (99.0, False)])
def test_a_day_of_nothing_is_below_the_offset(today: float, flagged: bool) -> None:
    # One day off in 14 (1 / (14 + 28) ≈ 2.4%: days off are not rare). A day of 99, below the
    # offset of 100, is one more; a day of 100 is a day with something, far below the usual
    # (score ≈ log(200 / 1,095) / 0.112 ≈ -15; the day off is its one alike day).
    found = one(ONE_OFF, today)
    assert (found.get("direction") == DROP) is flagged


@pytest.mark.parametrize(("days", "flagged"), [(72, False), (73, True)])
def test_a_day_off_is_news_only_when_days_off_are_rarer_than_one_in_a_hundred(
    days: int, flagged: bool
) -> None:
    # One day off in 72 days: 1 / (72 + 28) = 1%, not rarer than 1%; in 73: 1 / 101 is.
    history = np.full(days, 1_000.0)
    history[0] = 0.0
    weekdays = np.arange(days) % 7
    found = detect(history[None], np.array([0.0]), weekdays, 1, RULE, FLAT).flagged
    assert len(found) == int(flagged)


def test_the_typical_spread_of_each_size_band() -> None:
    # 100 subjects of sizes 1 … 100, ten a band; value + offset alternates 1,000·e^±a, with
    # a = 0.1 in the first band … 1.0 in the last: spread a / √0.623. In the last band one
    # subject has a day off (0) and a day unknown, another a day of exactly the offset, and
    # the first subject of all has a day off: their spreads differ, but not their band's
    # median of ten.
    band = np.arange(100) // 10
    sign = np.where(np.arange(10) % 2 == 0, 1.0, -1.0)
    seasonless = 1_000 * np.exp(0.1 * (band + 1)[:, None] * sign) - OFFSET
    seasonless[99, 0], seasonless[99, 1] = 0.0, np.nan
    seasonless[98, 0] = OFFSET
    seasonless[0, 0] = 0.0  # the smallest subject has a day off too
    sizes = np.arange(1.0, 101.0)
    typical = _typical_spreads(seasonless, sizes, np.ones(10, dtype=bool), RULE)
    assert isinstance(typical, Typical)
    # band edges at the 10%, 20% … quantiles of 1 … 100: 1 + 9.9 k
    assert typical.edges.tolist() == pytest.approx([1 + 9.9 * k for k in range(1, 10)])
    assert typical.spreads.tolist() == pytest.approx(
        [0.1 * (b + 1) / math.sqrt(TRIMMED) for b in range(10)]
    )
    assert typical.off == pytest.approx(2 / 999)  # two days off among 999 known days
    # fewer than 100 subjects say nothing typical
    assert _typical_spreads(seasonless[:99], sizes[:99], np.ones(10, dtype=bool), RULE) is None


@pytest.mark.filterwarnings("error::RuntimeWarning")  # no median of an empty band
def test_a_size_band_left_empty_takes_the_typical_spread_of_the_band_below() -> None:
    # 70 subjects of sizes 1 … 70 and 30 tied at 100: the 80% and 90% quantiles are both 100,
    # so the two top bands hold no one (ties fall in the band below). A subject bigger than
    # every sampled one (a sample leaves most of a market out) lands in the top band: it must
    # still be pulled toward a typical spread, never toward nothing (which would make its own
    # spread unknown and the subject never flagged). All alternate 1,000·e^±0.5: spread
    # 0.5 / √0.623 in every band.
    sign = np.where(np.arange(10) % 2 == 0, 1.0, -1.0)
    seasonless = np.tile(1_000 * np.exp(0.5 * sign) - OFFSET, (100, 1))
    sizes = np.concatenate([np.arange(1.0, 71.0), np.full(30, 100.0)])
    typical = _typical_spreads(seasonless, sizes, np.ones(10, dtype=bool), RULE)
    assert isinstance(typical, Typical)
    assert typical.spreads.tolist() == pytest.approx([0.5 / math.sqrt(TRIMMED)] * 10)
    pooled = _pooled(np.array([0.2]), np.array([1_000.0]), typical)
    assert np.isfinite(pooled).all()


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_a_band_emptied_by_ties_at_the_bottom_takes_the_first_bands_spread() -> None:
    # 25 subjects tied at size 1 (spread 0.2 / √0.623) and 75 of sizes 2 … 76 (0.8 / √0.623):
    # the 10% and 20% quantiles are both 1, so the second band holds no one and takes the
    # first band's spread; every other band holds only the larger subjects.
    sign = np.where(np.arange(10) % 2 == 0, 1.0, -1.0)
    calm = np.tile(1_000 * np.exp(0.2 * sign) - OFFSET, (25, 1))
    loud = np.tile(1_000 * np.exp(0.8 * sign) - OFFSET, (75, 1))
    sizes = np.concatenate([np.ones(25), np.arange(2.0, 77.0)])
    typical = _typical_spreads(np.vstack([calm, loud]), sizes, np.ones(10, dtype=bool), RULE)
    assert isinstance(typical, Typical)
    low, high = 0.2 / math.sqrt(TRIMMED), 0.8 / math.sqrt(TRIMMED)
    assert typical.spreads.tolist() == pytest.approx([low, low] + [high] * 8)
