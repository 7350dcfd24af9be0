"""`campaign compare A B` (two ended campaigns side by side) and `campaign list past [market]`
(ended campaigns with their results), so the team sees which mechanics work."""

from __future__ import annotations

from creatorbot.analytics.incrementality import Worth
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import Lang
from creatorbot.commands.markets import resolve_market
from creatorbot.commands.recap_figures import Final, final_of, market_today, recap_due, worth_of
from creatorbot.commands.recap_worth import signed_percent
from creatorbot.commands.reply import Column, Context, Header, Reply, Table, Text
from creatorbot.storage.models import Campaign, Market
from creatorbot.storage.queries.markets import all_markets, latest_day
from creatorbot.storage.queries.recap import ended_campaigns

PAST_SHOWN = 15


def compare(first: Campaign, second: Campaign, call: Call) -> Reply:
    """Target against result, GMV, creators, incremental GMV, its cost, and the payout of two
    ended campaigns, side by side."""
    markets = all_markets(session=call.session)
    lang = call.lang
    columns = []
    for campaign in (first, second):
        market = markets[campaign.market]
        latest = latest_day(market.code, session=call.session)
        if not recap_due(campaign, latest, market_today(market, call.services.clock())):
            raise UserError(
                lang._(
                    "{campaign} has no recap yet: it ends on {end}, and the recap comes once "
                    "its last day's data is in."
                ).format(campaign=campaign.slug, end=lang.date(campaign.ends_on))
            )
        final = final_of(campaign, latest, session=call.session)
        columns.append(_column(final, worth_of(campaign, session=call.session), market, lang))
    labels = [
        lang._("Market"),
        lang._("Window"),
        lang._("GMV"),
        lang._("GMV target"),
        lang._("Of target"),
        lang._("Creators enrolled"),
        lang._("Active creators"),
        lang._("Incremental GMV"),
        lang._("Uplift"),
        lang._("Payout"),
        lang._("Rewards per unit of incremental GMV"),
    ]
    rows = tuple((label, a, b) for label, a, b in zip(labels, columns[0], columns[1], strict=True))
    table = Table((Column(""), Column(first.slug, "right"), Column(second.slug, "right")), rows)
    title = lang._("{first} against {second}").format(first=first.name, second=second.name)
    note = lang._(
        "Incremental GMV with its 95% interval, against comparable creators who were not enrolled."
    )
    return Reply((Header(title), table, Context(note)))


def _column(final: Final, worth: Worth | None, market: Market, lang: Lang) -> list[str]:
    campaign = final.campaign
    lang = lang.for_market(market.code)

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    target = campaign.gmv_target if campaign.gmv_target and campaign.gmv_target > 0 else None
    enrolled = lang.number(final.enrolled)
    if campaign.creator_target:
        enrolled += f" / {lang.number(campaign.creator_target)}"
    incremental = uplift = cost = "—"
    if worth is not None and worth.matched:
        incremental = lang._("{value} ({low} to {high})").format(
            value=money(worth.incremental), low=money(worth.low), high=money(worth.high)
        )
        uplift = signed_percent(worth.uplift, lang)
        ratio = worth.cost_per_incremental(final.payouts.paid)
        cost = lang.number(round(ratio, 2), 2) if ratio is not None else "—"
    return [
        market.code,
        lang.window(campaign.starts_on, campaign.ends_on),
        money(final.gmv),
        money(target) if target else "—",
        lang.percent(final.gmv / target) if target else "—",
        enrolled,
        lang.number(final.active),
        incremental,
        uplift,
        money(final.payouts.paid),
        cost,
    ]


def past(market_word: str | None, call: Call) -> Reply:
    """Ended campaigns, the latest first, with their results."""
    market = resolve_market(market_word, call) if market_word else None
    markets = all_markets(session=call.session)
    lang = call.lang.for_market(market.code if market else None)
    today = max(market_today(m, call.services.clock()) for m in markets.values())
    visible = [code for code in markets if call.principal.sees(code)]
    found = ended_campaigns(
        today, session=call.session, market=market.code if market else None, markets=visible
    )
    title = lang._("Past campaigns") + (f" · {market.code}" if market else "")
    if not found:
        return Reply((Header(title), Text(lang._("No campaign has ended yet."))))
    latest = {code: latest_day(code, session=call.session) for code in {c.market for c in found}}
    rows = []
    for campaign in found[:PAST_SHOWN]:
        home = markets[campaign.market]
        day = latest[home.code]
        if recap_due(campaign, day, market_today(home, call.services.clock())):
            rows.append(_past_row(final_of(campaign, day, session=call.session), home, lang))
        else:
            waiting = lang._("last day's data not in yet")
            window = lang.window(campaign.starts_on, campaign.ends_on)
            rows.append((f"{campaign.slug} · {home.code}", window, waiting, "—", "—", "—"))
    columns = (
        Column(lang._("Campaign")),
        Column(lang._("Window")),
        Column(lang._("GMV"), "right"),
        Column(lang._("Of target"), "right"),
        Column(lang._("Creators"), "right"),
        Column(lang._("Payout"), "right"),
    )
    table = Table(columns, tuple(rows), total=len(found))
    note = lang._(
        "`campaign recap SLUG` for one campaign's recap; `campaign compare A B` for two side "
        "by side."
    )
    return Reply((Header(title), table, Context(note)), rows=len(found))


def _past_row(final: Final, market: Market, lang: Lang) -> tuple[str, ...]:
    campaign = final.campaign
    lang = lang.for_market(market.code)

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    target = campaign.gmv_target if campaign.gmv_target and campaign.gmv_target > 0 else None
    return (
        f"{campaign.slug} · {market.code}",
        lang.window(campaign.starts_on, campaign.ends_on),
        money(final.gmv),
        lang.percent(final.gmv / target) if target else "—",
        lang.number(final.enrolled),
        money(final.payouts.paid),
    )
