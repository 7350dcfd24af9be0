"""The segments' names and the tunable parameters of their rules, apart from the rules
themselves (numpy, pandas): the settings and the commands' words read them at every start."""

from __future__ import annotations

from dataclasses import dataclass

SEGMENTS = ("attention", "potential", "level-up", "at-risk", "dormant", "new")


@dataclass(frozen=True)
class SegmentRules:
    """The tunable parameters of the segment rules (percentages and days as whole numbers)."""

    top_share_pct: int = 50  # "big": the creators who together make this share of GMV before
    attention_drop_pct: int = 25  # attention: share of market GMV down by at least this much
    potential_rise_pct: int = 50  # potential: last week at least this much above the first
    potential_max_day_pct: int = 25  # potential: no day above this share of the four weeks
    levelup_within_pct: int = 10  # level-up: 30-day GMV within this much of the next tier
    levelup_stretch_pct: int = 200  # level-up: pace needed at most this share of pace now
    dormant_days: int = 14  # dormant: no sale for this many days, after a sale before
    new_days: int = 14  # new: first sale of the sixty days within this many days

    def describe(self) -> str:
        """The parameters as one line, stored beside the segments: changed rules, fresh run."""
        return ",".join(f"{k}={v}" for k, v in sorted(vars(self).items()))
