"""How metrics and periods are named to users."""

from __future__ import annotations

from creatorbot.commands.i18n import N_, Lang

METRIC_LABELS = {
    "gmv": N_("GMV"),
    "orders": N_("Orders"),
    "items_sold": N_("Items sold"),
    "live_gmv": N_("Live GMV"),
    "video_gmv": N_("Video GMV"),
    "live_minutes": N_("Live minutes"),
    "video_views": N_("Video views"),
    "new_followers": N_("New followers"),
}


def metric_label(metric: str, lang: Lang) -> str:
    """The metric's name in the user's language."""
    return lang._(METRIC_LABELS.get(metric, metric))


def period_label(period: str, days: int, lang: Lang) -> str:
    """`last 7 days`, `month to date`, `campaign window` — in the user's language."""
    if period == "mtd":
        return lang._("month to date")
    if period == "campaign":
        return lang._("campaign window")
    return lang.n_("last day", "last {n} days", days).format(n=days)
