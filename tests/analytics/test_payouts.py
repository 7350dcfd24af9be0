"""Payouts: thresholds, prize bands, ties and the budget cap, each against a plain computation."""

from __future__ import annotations

import random
from fractions import Fraction

import pandas as pd
import pytest

from creatorbot.analytics.payouts import payouts


def standings(values: dict[str, int]) -> pd.DataFrame:
    rows = [(i, handle, value) for i, (handle, value) in enumerate(sorted(values.items()), 1)]
    return pd.DataFrame(rows, columns=["creator_id", "handle", "value"])


def expected(
    values: dict[str, int],
    tiers: list[tuple[int, int]],
    bands: list[tuple[int, int, int]],
    cap: int | None,
) -> dict[str, int]:
    """The rules written out the long way: a dict per step, loops, Fractions for the cap."""
    earned = {}
    for handle, value in values.items():
        best = 0
        for threshold, reward in tiers:
            if value >= threshold and reward > best:
                best = reward  # tiers rise with their thresholds
        earned[handle] = best
    scoring = [h for h in values if values[h] > 0]
    for handle in scoring:
        above = sum(1 for other in scoring if values[other] > values[handle])
        tied = sum(1 for other in scoring if values[other] == values[handle])
        pool = 0
        for position in range(above + 1, above + tied + 1):
            for first, last, reward in bands:
                if first <= position <= last:
                    pool += reward
        earned[handle] += pool // tied
    total = sum(earned.values())
    if cap is None or total <= cap:
        return earned
    scale = Fraction(cap, total)
    return {h: int(e * scale) for h, e in earned.items()}  # int() of a positive Fraction floors


def paid_of(values, tiers=(), bands=(), cap=None) -> dict[str, int]:
    result = payouts(standings(values), list(tiers), list(bands), cap)
    return dict(zip(result.creators["handle"], result.creators["paid"].tolist(), strict=True))


def test_thresholds_pay_the_highest_tier_reached() -> None:
    values = {"amir": 300_000, "bella": 199_999, "chen": 200_000, "dina": 0, "eli": 150_000}
    tiers = [(150_000, 5_000), (200_000, 12_000), (300_000, 30_000)]
    assert paid_of(values, tiers) == expected(values, tiers, [], None)
    assert paid_of(values, tiers) == {
        "amir": 30_000,
        "bella": 5_000,
        "chen": 12_000,
        "dina": 0,
        "eli": 5_000,
    }


def test_rank_bands_pay_each_position() -> None:
    values = {"a": 50, "b": 40, "c": 30, "d": 20, "e": 10, "f": 0}
    bands = [(1, 1, 100_000), (2, 3, 50_000), (4, 10, 10_000)]
    assert paid_of(values, bands=bands) == {
        "a": 100_000,
        "b": 50_000,
        "c": 50_000,
        "d": 10_000,
        "e": 10_000,
        "f": 0,  # nothing scored: not ranked, not paid
    }


def test_tied_creators_share_the_pooled_rewards_of_their_positions() -> None:
    # b, c and d tie for 2nd: positions 2, 3 and 4 pay 50,000 + 50,000 + 10,001 → 36,667 each
    values = {"a": 90, "b": 70, "c": 70, "d": 70, "e": 10}
    bands = [(1, 1, 100_000), (2, 3, 50_000), (4, 4, 10_001)]
    result = payouts(standings(values), bands=bands)
    paid = dict(zip(result.creators["handle"], result.creators["paid"].tolist(), strict=True))
    assert paid == expected(values, [], bands, None)
    assert paid["b"] == paid["c"] == paid["d"] == 36_667
    assert result.tie_remainder == 110_001 - 3 * 36_667
    ranks = dict(zip(result.creators["handle"], result.creators["rank"].tolist(), strict=True))
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 2, "e": 5}


def test_the_budget_cap_scales_every_reward_down_pro_rata() -> None:
    values = {"a": 300_000, "b": 200_000, "c": 150_000, "d": 10}
    tiers = [(150_000, 5_000), (200_000, 12_000), (300_000, 30_000)]
    result = payouts(standings(values), tiers, cap=40_000)
    paid = dict(zip(result.creators["handle"], result.creators["paid"].tolist(), strict=True))
    assert result.earned == 47_000 and result.capped
    assert paid == expected(values, tiers, [], 40_000)
    assert result.paid + result.cap_remainder == 40_000
    assert 0 <= result.cap_remainder < result.paid_creators


def test_a_cap_not_reached_changes_nothing() -> None:
    values = {"a": 300_000, "b": 0}
    tiers = [(150_000, 5_000)]
    result = payouts(standings(values), tiers, cap=5_000)
    assert not result.capped and result.paid == 5_000 and result.cap_remainder == 0


@pytest.mark.parametrize("seed", range(30))
def test_random_campaigns_match_the_plain_computation(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    # few distinct values, so ties are frequent; some creators score nothing
    values = {f"c{i:02d}": rng.choice([0, 10, 20, 20, 30, 50, 80, 80, 130]) for i in range(n)}
    tiers = sorted((t, t * 7 + rng.randint(0, 9)) for t in rng.sample([10, 20, 50, 80, 100], 3))
    cuts = sorted(rng.sample(range(1, 15), 3))
    bands = [
        (1, cuts[0], rng.randint(1, 9_999)),
        (cuts[0] + 1, cuts[1], rng.randint(1, 999)),
        (cuts[2], cuts[2] + 5, rng.randint(1, 99)),
    ]
    cap = rng.choice([None, rng.randint(0, 50_000)])
    chosen_tiers = tiers if seed % 3 != 1 else []
    chosen_bands = bands if seed % 3 != 2 else []
    result = payouts(standings(values), chosen_tiers, chosen_bands, cap)
    paid = dict(zip(result.creators["handle"], result.creators["paid"].tolist(), strict=True))
    assert paid == expected(values, chosen_tiers, chosen_bands, cap)
    if cap is not None:
        assert result.paid <= cap
