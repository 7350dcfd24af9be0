"""Campaign stats: each campaign's standings, days and totals over its window, kept exact by the
write path (full recomputes after campaigns or a demo world are written, additions for new
enrollments, differences for daily metrics), so `campaign` and `creator` read a few rows."""

from typing import TYPE_CHECKING

from creatorbot import lazy

if TYPE_CHECKING:
    from creatorbot.storage.campaign_stats.daily import apply_daily_changes
    from creatorbot.storage.campaign_stats.fresh import Spec, is_fresh, stale_campaigns
    from creatorbot.storage.campaign_stats.hooks import (
        after_campaigns,
        after_enrollments,
        after_unenrollments,
        after_world,
        refresh_stale,
    )
    from creatorbot.storage.campaign_stats.recompute import recompute

__all__ = [
    "Spec",
    "after_campaigns",
    "after_enrollments",
    "after_unenrollments",
    "after_world",
    "apply_daily_changes",
    "is_fresh",
    "recompute",
    "refresh_stale",
    "stale_campaigns",
]
# The check at start (`fresh`) does not import the recomputation (numpy, pandas).
__getattr__ = lazy.names(
    __name__,
    {
        "apply_daily_changes": "daily",
        **dict.fromkeys(("Spec", "is_fresh", "stale_campaigns"), "fresh"),
        **dict.fromkeys(
            ("after_campaigns", "after_enrollments", "after_unenrollments", "after_world"), "hooks"
        ),
        "refresh_stale": "hooks",
        "recompute": "recompute",
    },
)
