"""`campaign SLUG`: a campaign's window, days left and what its enrolled creators sold so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.parsing import did_you_mean, words
from creatorbot.commands.reply import Context, Fields, Header, Reply
from creatorbot.storage.queries.campaigns import campaign_by_slug, campaign_slugs, campaign_totals
from creatorbot.storage.queries.markets import all_markets, latest_day

USAGE = "campaign SLUG"
KIND_LABELS = {
    "mega_sale": N_("Mega sale"),
    "ip_event": N_("IP event"),
    "competition": N_("Competition"),
    "incentive": N_("Incentive program"),
}


@dataclass(frozen=True)
class CampaignQuery:
    """A parsed `campaign` request."""

    slug: str


def parse(text: str, call: Call) -> CampaignQuery:
    """One word: the campaign's slug."""
    tokens = words(text, call.lang)
    if len(tokens) != 1:
        slugs = campaign_slugs(session=call.session)
        raise UserError(
            call.lang._("Which campaign? Write `campaign SLUG`."),
            call.lang._("Campaigns: {slugs}").format(slugs=", ".join(slugs) or "—"),
        )
    return CampaignQuery(tokens[0])


def answer(query: CampaignQuery, call: Call) -> Reply:
    """Window, days left, GMV and orders to date against the targets, enrolled and active."""
    campaign = campaign_by_slug(query.slug, session=call.session)
    if campaign is None:
        hint = did_you_mean(query.slug, campaign_slugs(session=call.session), call.lang)
        message = call.lang._("There is no campaign “{slug}”.").format(slug=query.slug)
        raise UserError(" ".join(p for p in (message, hint) if p))
    market = all_markets(session=call.session)[campaign.market]
    lang = call.lang.for_market(market.code)
    today = call.services.clock().astimezone(ZoneInfo(market.timezone)).date()
    through = latest_day(market.code, session=call.session) or campaign.starts_on
    totals = campaign_totals(campaign, through, session=call.session)

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    fields: list[tuple[str, str]] = [
        (lang._("Window"), lang.window(campaign.starts_on, campaign.ends_on)),
        (lang._("Status"), _status(campaign.starts_on, campaign.ends_on, today, lang)),
        (lang._("GMV to date"), money(totals.gmv)),
        (lang._("Orders to date"), lang.number(totals.orders)),
    ]
    if campaign.gmv_target:
        fields.append((lang._("GMV target"), money(campaign.gmv_target)))
        fields.append((lang._("Of target"), lang.percent(totals.gmv / campaign.gmv_target)))
    enrolled = lang.number(totals.enrolled)
    if campaign.creator_target:
        enrolled = f"{enrolled} / {lang.number(campaign.creator_target)}"
    fields.append((lang._("Creators enrolled"), enrolled))
    fields.append((lang._("Active creators"), lang.number(totals.active)))
    title = f"{campaign.name} · {lang._(KIND_LABELS[campaign.kind.value])} · {market.code}"
    data_through = min(through, campaign.ends_on)
    note = lang._("Sales of enrolled creators inside the window, through {day}.").format(
        day=lang.date(data_through)
    )
    return Reply((Header(title), Fields(tuple(fields)), Context(note)))


def _status(start: dt.date, end: dt.date, today: dt.date, lang: Lang) -> str:
    if today < start:
        days = (start - today).days
        return lang.n_("starts in {n} day", "starts in {n} days", days).format(n=days)
    if today > end:
        return lang._("ended")
    left = (end - today).days
    if left == 0:
        return lang._("final day")
    return lang.n_("running, {n} day left", "running, {n} days left", left).format(n=left)
