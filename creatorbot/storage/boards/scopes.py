"""Which boards are kept: the standard periods, how many rows, and the scope a filter names;
read by every leaderboard question, apart from the ranking (numpy, pandas)."""

from __future__ import annotations

PERIODS = ("1d", "7d", "30d", "mtd")
TOP = 50  # the most rows a leaderboard shows
ALL = "all"
SCOPE_KINDS = ("tier", "category")


def scope_of(tier: str | None = None, category: str | None = None) -> str:
    """The scope a leaderboard filter names. Leaderboards match tier and category names in any
    case, so the name is lowercased: `Gold` and `gold` are one scope, as they are one filter."""
    if tier is not None:
        return f"tier:{tier.lower()}"
    if category is not None:
        return f"category:{category.lower()}"
    return ALL
