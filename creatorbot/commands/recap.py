"""`campaign recap SLUG [export] [csv|xlsx]`: what a campaign achieved once it is over — the
result against its targets, the final ranking, the rewards and payouts (and the payout file for
finance), what it was worth against a matched control, advice, and the feedback about it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from creatorbot.commands.core import Call
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.labels import creator_label, metric_label, metric_value
from creatorbot.commands.recap_figures import Final, final_of, market_today, recap_due, worth_of
from creatorbot.commands.recap_file import payout_file
from creatorbot.commands.recap_worth import advice_blocks, feedback_blocks, worth_blocks
from creatorbot.commands.reply import (
    Block,
    Button,
    Buttons,
    Column,
    Context,
    Fields,
    Header,
    Reply,
    Table,
    Text,
)
from creatorbot.storage.models import Campaign, Market
from creatorbot.storage.queries.markets import all_markets, latest_day

RANKING = 10  # creators shown in the final ranking; the payout file has them all
RULES = N_(
    "Ties share the rank and split the rewards of the places they hold, rounded down. "
    "Over the budget cap, every reward is cut in the same proportion, rounded down."
)


def recap(campaign: Campaign, call: Call, *, export: str | None = None) -> Reply:
    """The recap, or its payout file (`export` "csv" or "xlsx"), or why it is not there yet."""
    market = all_markets(session=call.session)[campaign.market]
    lang = call.lang.for_market(market.code)
    latest = latest_day(market.code, session=call.session)
    today = market_today(market, call.services.clock())
    if not recap_due(campaign, latest, today):
        return not_yet(campaign, today, lang)
    final = final_of(campaign, latest, session=call.session)
    if export is not None:
        return payout_file(final, market, lang, xlsx=export == "xlsx")
    return recap_reply(final, market, call, lang)


def not_yet(campaign: Campaign, today: dt.date, lang: Lang) -> Reply:
    """Why there is no recap yet: still running, or the last day's data not in."""
    title = lang._("Recap · {campaign}").format(campaign=campaign.name)
    if today <= campaign.ends_on:
        text = lang._("{campaign} ends on {end}; the recap comes the day after.")
    else:
        text = lang._(
            "{campaign} ended on {end}, but that day's data is not in yet; the recap comes "
            "once it is."
        )
    line = text.format(campaign=campaign.name, end=lang.date(campaign.ends_on))
    return Reply((Header(title), Text(line)))


def recap_reply(final: Final, market: Market, call: Call, lang: Lang) -> Reply:
    """Every block of the recap."""
    campaign = final.campaign

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    title = lang._("Recap · {campaign} · {market}").format(
        campaign=campaign.name, market=market.code
    )
    blocks: list[Block] = [Header(title), Fields(tuple(result_fields(final, money, lang)))]
    blocks += ranking_blocks(final, market, lang)
    blocks += reward_blocks(final, market, money, lang)
    worth = worth_of(campaign, session=call.session)
    blocks += worth_blocks(final, worth, money, lang)
    blocks += advice_blocks(final, worth, market, money, lang)
    blocks += feedback_blocks(campaign, call, lang)
    slug = campaign.slug
    blocks.append(
        Buttons(
            (
                Button(lang._("Payout file (CSV)"), "open", f"campaign recap {slug} export csv"),
                Button(lang._("Payout file (XLSX)"), "open", f"campaign recap {slug} export xlsx"),
                Button(lang._("Feedback report"), "open", f"feedback report campaign:{slug}"),
            )
        )
    )
    blocks.append(Context(lang._(RULES)))
    return Reply(tuple(blocks), rows=final.enrolled)


def result_fields(final: Final, money: Callable[[int], str], lang: Lang) -> list[tuple[str, str]]:
    """Window, GMV against its target, creators against theirs."""
    campaign = final.campaign
    fields = [
        (lang._("Window"), lang.window(campaign.starts_on, campaign.ends_on)),
        (lang._("GMV"), money(final.gmv)),
    ]
    if campaign.gmv_target and campaign.gmv_target > 0:
        reached = final.gmv >= campaign.gmv_target
        verdict = lang._("target reached") if reached else lang._("target missed")
        share = lang.percent(final.gmv / campaign.gmv_target)
        fields.append((lang._("GMV target"), f"{money(campaign.gmv_target)} · {share} · {verdict}"))
    enrolled = lang.number(final.enrolled)
    if campaign.creator_target:
        enrolled += f" / {lang.number(campaign.creator_target)}"
    fields.append((lang._("Creators enrolled"), enrolled))
    fields.append((lang._("Active creators"), lang.number(final.active)))
    return fields


def ranking_blocks(final: Final, market: Market, lang: Lang) -> list[Block]:
    """The final ranking's first RANKING creators, with the tier reached and the payout."""
    creators = final.payouts.creators
    ranked = creators[creators["rank"] > 0].head(RANKING)
    if ranked.empty:
        return [Text(lang._("No enrolled creator scored."))]
    metric = final.campaign.metric
    names = dict(
        zip(
            final.standings["creator_id"].tolist(),
            final.standings["display_name"].tolist(),
            strict=True,
        )
    )
    columns = [
        Column("#", "right"),
        Column(lang._("Creator")),
        Column(metric_label(metric, lang), "right"),
    ]
    if final.tiers:
        columns.append(Column(lang._("Tier"), "right"))
    columns.append(Column(lang._("Payout"), "right"))
    rows = []
    for place, creator_id, handle, value, tier, paid in zip(
        ranked["rank"].tolist(),
        ranked["creator_id"].tolist(),
        ranked["handle"].tolist(),
        ranked["value"].tolist(),
        ranked["tier"].tolist(),
        ranked["paid"].tolist(),
        strict=True,
    ):
        row = [
            str(place),
            creator_label(names.get(creator_id, handle), handle),
            metric_value(int(value), metric, market, lang),
        ]
        if final.tiers:
            row.append(str(tier) if tier else "—")
        row.append(lang.money(int(paid), market.currency, market.minor_units))
        rows.append(tuple(row))
    title = lang._("*Final ranking by {metric}*").format(metric=metric_label(metric, lang))
    return [Text(title), Table(tuple(columns), tuple(rows), total=final.ranked)]


def reward_blocks(
    final: Final, market: Market, money: Callable[[int], str], lang: Lang
) -> list[Block]:
    """Creators per reward tier and prize band, what was earned, the cap, and what is paid."""
    paid = final.payouts
    if not final.tiers and not final.bands:
        return []
    fields: list[tuple[str, str]] = []
    for n, ((threshold, reward), count) in enumerate(
        zip(final.tiers, final.per_tier(), strict=True), start=1
    ):
        reach = metric_value(threshold, final.campaign.metric, market, lang)
        label = lang._("Tier {n}: {threshold} → {reward}").format(
            n=n, threshold=reach, reward=money(reward)
        )
        fields.append((label, _creators(count, lang)))
    ranks = paid.creators["rank"]
    for first, last, reward in final.bands:
        places = str(first) if first == last else f"{first}–{last}"
        label = lang._("Places {places} → {reward}").format(places=places, reward=money(reward))
        fields.append((label, _creators(int(((ranks >= first) & (ranks <= last)).sum()), lang)))
    fields.append((lang._("Rewards earned"), money(paid.earned)))
    if paid.cap is not None:
        fields.append((lang._("Budget cap"), money(paid.cap)))
    to_whom = lang.n_(
        "{money} to {count} creator", "{money} to {count} creators", paid.paid_creators
    )
    fields.append(
        (
            lang._("Payout"),
            to_whom.format(money=money(paid.paid), count=lang.number(paid.paid_creators)),
        )
    )
    blocks: list[Block] = [Text(lang._("*Rewards*")), Fields(tuple(fields))]
    notes = []
    if paid.capped:
        cut = lang._(
            "The budget cap was reached: every reward is cut to {share} of what was earned."
        )
        notes.append(cut.format(share=lang.percent(paid.paid / paid.earned)))
    left = paid.tie_remainder + paid.cap_remainder
    if left:
        notes.append(lang._("{money} is left unpaid by rounding.").format(money=money(left)))
    if notes:
        blocks.append(Context(" ".join(notes)))
    return blocks


def _creators(count: int, lang: Lang) -> str:
    return lang.n_("{count} creator", "{count} creators", count).format(count=lang.number(count))
