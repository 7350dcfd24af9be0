"""How metrics and periods are named to users."""

from __future__ import annotations

from collections.abc import Callable

from creatorbot.commands.i18n import N_, Lang
from creatorbot.storage.models import Market
from creatorbot.storage.queries.metrics import MONEY

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


def rows_shown(lang: Lang) -> Callable[[int, int], str]:
    """The note under a table cut to fit a platform: "Showing 20 of 57 rows."."""
    return lambda shown, total: lang._("Showing {shown} of {total} rows.").format(
        shown=shown, total=total
    )


def creator_label(display_name: str, handle: str) -> str:
    """How a creator is named in every answer: display name and handle."""
    return f"{display_name} (@{handle})"


def metric_label(metric: str, lang: Lang) -> str:
    """The metric's name in the user's language."""
    return lang._(METRIC_LABELS.get(metric, metric))


NAMED_PERIODS = {
    "today": N_("today"),
    "yesterday": N_("yesterday"),
    "this_week": N_("this week"),
    "last_week": N_("last week"),
    "wtd": N_("week to date"),
    "this_month": N_("this month"),
    "last_month": N_("last month"),
}


def period_label(period: str, days: int, lang: Lang, kind: str | None = None) -> str:
    """`last 7 days`, `month to date`, `campaign window`, `last week` — in the user's
    language (`kind`: the named period asked for, if one was)."""
    if kind in NAMED_PERIODS:
        return lang._(NAMED_PERIODS[kind])
    if kind == "dates":
        return lang.n_("{n} day", "{n} days", days).format(n=days)
    if period == "mtd":
        return lang._("month to date")
    if period == "campaign":
        return lang._("campaign window")
    return lang.n_("last day", "last {n} days", days).format(n=days)


def metric_value(amount: int, metric: str, market: Market, lang: Lang) -> str:
    """A metric's value as users read it: money in the market's currency, counts grouped."""
    if metric in MONEY:
        return lang.money(amount, market.currency, market.minor_units)
    return lang.number(amount)


def change_label(ratio: float | None, lang: Lang, nothing_before: str | None = None) -> str:
    """A relative change with its sign (+12.5%, -3.0%); when nothing came before, "new" or
    the `nothing_before` text given."""
    if ratio is None:
        return lang._("new") if nothing_before is None else nothing_before
    shown = round(ratio, 3) or 0.0  # no "-0.0%" for a tiny fall
    return ("+" if shown > 0 else "") + lang.percent(shown)
