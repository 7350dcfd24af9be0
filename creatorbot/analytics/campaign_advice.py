"""Plain recommendations drawn from a campaign's recap figures: each rule, its threshold, and the
numbers it quotes. Pure: figures in, advice out (the words are the commands' business).

The rules, in the order they are offered (at most `MOST` are given):

- `no_uplift`: the incremental GMV's interval includes zero — the rewards bought nothing that
  can be told from noise;
- `costly`: rewards paid per unit of incremental GMV above `COSTLY` (half of every extra sale
  went back as rewards);
- `capped`: the budget cap cut the rewards — creators got less than promised;
- `rare_tier`: a reward tier reached by fewer than `RARE` of the enrolled creators — lower it
  or drop it;
- `easy_tier`: the first tier reached by more than `EASY` of them — it pays for sales that came
  anyway;
- `best_tier` / `best_category`: with an uplift, the creator tier (or category) whose uplift was
  highest, when at least two were compared — enrol more of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from creatorbot.analytics.incrementality import Group, Worth

MOST = 3
COSTLY = 0.5
RARE = 0.05
EASY = 0.6


@dataclass(frozen=True)
class Advice:
    """One recommendation: which rule, and the numbers it quotes."""

    rule: str
    values: dict[str, float] = field(default_factory=dict)
    name: str = ""  # the tier or category a `best_…` rule names


def advise(
    worth: Worth | None,
    paid: int,
    tiers: Sequence[tuple[int, int]],
    reached: Sequence[int],
    enrolled: int,
    capped_share: float | None,
) -> list[Advice]:
    """Up to MOST pieces of advice. `tiers` (threshold, reward) ascending; `reached[i]` the
    creators that reached tier i+1 or higher; `capped_share` what the cap left of each reward
    (None: the cap was not reached)."""
    found: list[Advice] = []
    if worth is not None and worth.matched:
        if not worth.significant:
            found.append(Advice("no_uplift", {"low": worth.low, "high": worth.high}))
        else:
            cost = worth.cost_per_incremental(paid)
            if cost is not None and cost > COSTLY:
                found.append(Advice("costly", {"cost": cost}))
    if capped_share is not None:
        found.append(Advice("capped", {"share": capped_share}))
    if enrolled:
        for (threshold, _), count in zip(tiers, reached, strict=True):
            if count / enrolled < RARE:
                found.append(
                    Advice("rare_tier", {"threshold": threshold, "share": count / enrolled})
                )
                break
        if tiers and reached[0] / enrolled > EASY:
            found.append(
                Advice("easy_tier", {"threshold": tiers[0][0], "share": reached[0] / enrolled})
            )
    if worth is not None and worth.significant and worth.incremental > 0:
        for rule, groups in (("best_tier", worth.tiers), ("best_category", worth.categories)):
            best = _best(groups)
            if best is not None:
                found.append(Advice(rule, {"uplift": best.uplift or 0.0}, best.name))
    return found[:MOST]


def _best(groups: Sequence[Group]) -> Group | None:
    compared = [g for g in groups if g.uplift is not None]
    if len(compared) < 2:
        return None
    return max(compared, key=lambda g: (g.uplift or 0.0, g.name))
