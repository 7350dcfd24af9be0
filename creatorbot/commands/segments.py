"""How segments are named to users, read from what they type (`segment:level-up`), and the
one-line reason a creator is in one, from the figures stored with the membership."""

from __future__ import annotations

from typing import TYPE_CHECKING

from creatorbot.analytics.segment_rules import SEGMENTS
from creatorbot.commands.core import UserError
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.parsing import did_you_mean, folded
from creatorbot.commands.vocabulary import forms_of, words_of
from creatorbot.storage.models import Market

if TYPE_CHECKING:
    from creatorbot.storage.segments.members import Membership

LABELS = {
    "attention": N_("Attention"),
    "potential": N_("Potential"),
    "level-up": N_("Level-up"),
    "at-risk": N_("Tier at risk"),
    "dormant": N_("Dormant"),
    "new": N_("New"),
}
# What needs action first: a portfolio sorts its creators by their most pressing segment.
URGENCY = ("attention", "at-risk", "level-up", "dormant", "potential", "new")


def segment_name(value: str, lang: Lang) -> str:
    """The segment a word names (`levelup`, `Level_Up` and `level-up` are one), or an error
    listing them."""
    wanted = folded(value.strip()).replace("_", "-").replace(" ", "-")
    squeezed = {
        form.replace("-", ""): name for name in SEGMENTS for form in forms_of("segments", name)
    }
    found = squeezed.get(wanted.replace("-", ""))
    if found is not None:
        return found
    own = [words_of("segments", name, lang.language)[0] for name in SEGMENTS]
    hint = did_you_mean(wanted, dict.fromkeys([*own, *SEGMENTS]), lang) or lang._(
        "Known: {names}."
    ).format(names=", ".join(own))
    message = lang._("There is no segment “{value}”.").format(value=value)
    raise UserError(f"{message} {hint}")


def segment_label(name: str, lang: Lang) -> str:
    """The segment's name in the user's language."""
    return lang._(LABELS.get(name, name))


def why(row: Membership, market: Market, lang: Lang) -> str:
    """Why the creator is in the segment, in one short line."""

    def money(minor: int | None) -> str:
        return lang.money(int(minor or 0), market.currency, market.minor_units)

    if row.segment == "attention":
        return lang._("30-day GMV {now}, down from {before}; share of the market fell").format(
            now=money(row.gmv_now), before=money(row.gmv_before)
        )
    if row.segment == "potential":
        return lang._("rising 4 weeks in a row: {before} → {now} a week").format(
            now=money(row.gmv_now), before=money(row.gmv_before)
        )
    if row.segment == "level-up":
        return lang.n_(
            "{missing} short of {tier}; needs {needed}/day for {n} day (now {pace}/day)",
            "{missing} short of {tier}; needs {needed}/day for {n} days (now {pace}/day)",
            int(row.days or 0),
        ).format(
            missing=money(int(row.target or 0) - int(row.gmv_now or 0)),
            tier=row.tier or "",
            needed=money(row.pace_needed),
            n=row.days,
            pace=money(row.pace_now),
        )
    if row.segment == "at-risk":
        return lang._(
            "at today's pace, 30-day GMV {projected} at month end; {tier} needs {target}"
        ).format(projected=money(row.gmv_now), tier=row.tier or "", target=money(row.target))
    if row.segment == "dormant":
        return lang.n_(
            "no sales for {n} day ({before} in the 60 days)",
            "no sales for {n} days ({before} in the 60 days)",
            int(row.days or 0),
        ).format(n=row.days, before=money(row.gmv_before))
    if row.segment == "new":
        return lang.n_(
            "first sale {n} day ago ({now} since)",
            "first sale {n} days ago ({now} since)",
            int(row.days or 0),
        ).format(n=row.days, now=money(row.gmv_now))
    return row.segment
