"""The recap's last parts: what the campaign was worth against its matched control, advice
drawn from the figures, and the feedback logged about it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from creatorbot.analytics.campaign_advice import Advice, advise
from creatorbot.analytics.incrementality import Group, Worth
from creatorbot.commands.core import Call
from creatorbot.commands.feedback import topic_label
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.labels import metric_value
from creatorbot.commands.recap_figures import Final
from creatorbot.commands.reply import Block, Column, Context, Fields, Table, Text
from creatorbot.storage.feedback import feedback_summary
from creatorbot.storage.models import Campaign, Market

ESTIMATOR = N_(
    "Compared with {count} creators of the same tiers and categories who were not enrolled, "
    "adjusted for their GMV level and trend in the {days} days before the start; the interval "
    "is 95%."
)
ADVICE = {
    "no_uplift": N_(
        "No uplift can be told from noise (between {low} and {high}): the rewards paid for "
        "sales that would have come anyway. Change the mechanics before running it again."
    ),
    "costly": N_(
        "Each unit of extra GMV cost {cost} in rewards: lower the rewards or raise the thresholds."
    ),
    "capped": N_(
        "The budget cap cut every reward to {share}: creators got less than promised. Raise the "
        "cap or lower the rewards."
    ),
    "rare_tier": N_(
        "The {threshold} tier was reached by {share} of creators: lower it or drop it."
    ),
    "easy_tier": N_(
        "The first tier ({threshold}) was reached by {share} of creators: it pays for sales "
        "that came anyway; raise it."
    ),
    "best_tier": N_("Tier {name} responded most ({uplift}): enrol more of them next time."),
    "best_category": N_("{name} creators responded most ({uplift}): enrol more of them next time."),
}
GROUPS_SHOWN = 5


def worth_blocks(
    final: Final, worth: Worth | None, money: Callable[[int], str], lang: Lang
) -> list[Block]:
    """Incremental GMV with its interval, the uplift, the cost per incremental GMV, and which
    tiers and categories responded most."""
    title = Text(lang._("*What it was worth*"))
    if worth is None:
        return [title, Text(lang._("Too few days of data before the start to compare with."))]
    if not worth.matched:
        return [title, Text(lang._("No comparable creators outside the campaign to compare with."))]
    interval = lang._("{low} to {high}").format(low=money(worth.low), high=money(worth.high))
    fields = [
        (lang._("Incremental GMV"), f"{money(worth.incremental)} ({interval})"),
        (lang._("Uplift"), signed_percent(worth.uplift, lang)),
        (
            lang._("Significant"),
            lang._("yes") if worth.significant else lang._("no: the interval includes zero"),
        ),
    ]
    cost = worth.cost_per_incremental(final.payouts.paid)
    if final.tiers or final.bands:
        fields.append(
            (
                lang._("Rewards per unit of incremental GMV"),
                lang.number(round(cost, 2), 2) if cost is not None else "—",
            )
        )
    blocks: list[Block] = [title, Fields(tuple(fields))]
    for label, groups in ((lang._("Tier"), worth.tiers), (lang._("Category"), worth.categories)):
        if len(groups) > 1:
            blocks.append(_groups_table(label, groups, money, lang))
    note = lang._(ESTIMATOR).format(
        count=lang.number(worth.controls), days=lang.number(worth.before)
    )
    if worth.unmatched:
        note += " " + lang.n_(
            "{count} enrolled creator had no comparable creator and is left out.",
            "{count} enrolled creators had no comparable creator and are left out.",
            worth.unmatched,
        ).format(count=lang.number(worth.unmatched))
    blocks.append(Context(note))
    return blocks


def _groups_table(
    label: str, groups: Sequence[Group], money: Callable[[int], str], lang: Lang
) -> Table:
    rows = tuple(
        (
            g.name,
            lang.number(g.enrolled),
            money(g.gmv),
            money(g.incremental),
            signed_percent(g.uplift, lang),
        )
        for g in groups[:GROUPS_SHOWN]
    )
    columns = (
        Column(label),
        Column(lang._("Enrolled"), "right"),
        Column(lang._("GMV"), "right"),
        Column(lang._("Incremental"), "right"),
        Column(lang._("Uplift"), "right"),
    )
    return Table(columns, rows, total=len(groups))


def signed_percent(value: float | None, lang: Lang) -> str:
    """A change as a signed percentage (+15.2%), or a dash."""
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + lang.percent(value)


def advice_blocks(
    final: Final, worth: Worth | None, market: Market, money: Callable[[int], str], lang: Lang
) -> list[Block]:
    """Two or three plain recommendations (`analytics.campaign_advice`)."""
    paid = final.payouts
    advice = advise(
        worth,
        paid.paid,
        final.tiers,
        final.reached(),
        final.enrolled,
        paid.paid / paid.earned if paid.capped else None,
    )
    if not advice:
        return []
    lines = [f"• {advice_text(a, final, market, money, lang)}" for a in advice]
    return [Text(lang._("*What to do next time*") + "\n" + "\n".join(lines))]


def advice_text(
    advice: Advice, final: Final, market: Market, money: Callable[[int], str], lang: Lang
) -> str:
    """One recommendation in the user's words, its numbers formatted for the market."""
    values = advice.values
    shown: dict[str, str] = {"name": advice.name}
    for key, value in values.items():
        if key in ("low", "high"):
            shown[key] = money(int(value))
        elif key == "threshold":
            shown[key] = metric_value(int(value), final.campaign.metric, market, lang)
        elif key in ("share", "uplift"):
            shown[key] = lang.percent(value)
        else:
            shown[key] = lang.number(round(value, 2), 2)
    return lang._(ADVICE[advice.rule]).format(**shown)


def feedback_blocks(campaign: Campaign, call: Call, lang: Lang) -> list[Block]:
    """The feedback logged about the campaign: responses, rating, topics, the latest comments."""
    summary = feedback_summary(
        session=call.session, campaign_id=campaign.id, markets=call.principal.markets, recent=3
    )
    title = Text(lang._("*Feedback*"))
    if summary.count == 0:
        return [title, Text(lang._("No feedback has been logged about this campaign."))]
    topics = ", ".join(
        f"{topic_label(topic, lang)} {lang.number(n)}" for topic, n in summary.topics.items()
    )
    fields = Fields(
        (
            (lang._("Responses"), lang.number(summary.count)),
            (lang._("Average rating"), f"{lang.number(round(summary.average or 0, 1))} / 5"),
            (lang._("Topics"), topics),
        )
    )
    blocks: list[Block] = [title, fields]
    if summary.recent:
        quotes = [f"{'★' * c.rating} {c.comment}" for c in summary.recent]
        blocks.append(Context("\n".join(quotes)))
    return blocks
