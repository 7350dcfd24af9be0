"""The segment rules in force in this process: the defaults until the settings say otherwise."""

from __future__ import annotations

from creatorbot.analytics.segment_rules import SegmentRules

_RULES = [SegmentRules()]


def configure(rules: SegmentRules) -> None:
    """Use `rules` from now on (set once at start, from the settings)."""
    _RULES[0] = rules


def rules() -> SegmentRules:
    """The rules in force."""
    return _RULES[0]
