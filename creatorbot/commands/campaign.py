"""`campaign SLUG`: window, days left, GMV and orders against the target, pacing, enrolled and
active creators, top creators — and for a competition its ranking, for an incentive program its
reward tiers. `campaign list [market]`: what is running and what is coming."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from creatorbot.analytics.campaigns import Pacing, neighbour_gaps, pacing
from creatorbot.analytics.windows import day_before
from creatorbot.commands import campaign_actions, parts
from creatorbot.commands.campaign_past import compare, past
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.labels import creator_label, metric_label, metric_value
from creatorbot.commands.lookups import find_campaign
from creatorbot.commands.markets import is_market_word, resolve_market
from creatorbot.commands.parsing import words
from creatorbot.commands.parts import part
from creatorbot.commands.pickers import campaign_choice, prefilled
from creatorbot.commands.recap import recap
from creatorbot.commands.reply import (
    Block,
    Button,
    Buttons,
    Column,
    Context,
    Fields,
    Header,
    Image,
    Reply,
    Table,
    Text,
)
from creatorbot.commands.vocabulary import action, is_export_word
from creatorbot.storage.models import Campaign, CampaignKind, Market
from creatorbot.storage.queries.campaigns import (
    CampaignFigures,
    CampaignTotals,
    campaign_slugs,
    current_campaigns,
)
from creatorbot.storage.queries.markets import all_markets, latest_day

USAGE = N_(
    "campaign SLUG | campaign list [market] | campaign list past [market] | "
    "campaign recap SLUG [export] [csv|xlsx] | campaign compare A B | campaign new | "
    "campaign edit SLUG | campaign enroll SLUG @handle…|filters | "
    "campaign unenroll SLUG @handle… | campaign follow SLUG [at HH:MM] | "
    "campaign unfollow SLUG"
)
EXPORT_FORMATS = ("csv", "xlsx")
TOP = 5
RANKING = 10
NUDGE_SHOWN = 10
KIND_LABELS = {
    "mega_sale": N_("Mega sale"),
    "ip_event": N_("IP event"),
    "competition": N_("Competition"),
    "incentive": N_("Incentive program"),
}


@dataclass(frozen=True)
class CampaignQuery:
    """`campaign SLUG`."""

    slug: str


@dataclass(frozen=True)
class CampaignListQuery:
    """`campaign list [market]`."""

    market: str | None = None
    past: bool = False


@dataclass(frozen=True)
class CampaignRecapQuery:
    """`campaign recap SLUG [export] [csv|xlsx]`."""

    slug: str
    export: str | None = None  # "csv" or "xlsx": the payout file


@dataclass(frozen=True)
class CampaignCompareQuery:
    """`campaign compare A B`."""

    first: str
    second: str


CampaignAsk = CampaignQuery | CampaignListQuery | CampaignRecapQuery | CampaignCompareQuery


def parse(text: str, call: Call) -> object:
    """A slug; `list` [past] with an optional market; `recap SLUG [export] [csv|xlsx]`;
    `compare A B`; or a set-up action (`new`, `edit`, `enroll`, `unenroll`, `follow`,
    `unfollow`; see commands/campaign_actions.py)."""
    tokens = words(text, call.lang)
    if tokens and tokens[0].lower() in campaign_actions.ACTIONS:
        return campaign_actions.parse(tokens, call)
    first = tokens[0].lower() if tokens else ""
    if first == "list" and len(tokens) > 1 and action("campaign", tokens[1]) == "past":
        rest = tokens[2:]
        if len(rest) > 1 or (rest and not is_market_word(rest[0], call)):
            raise _not_understood(" ".join(rest), call)
        return CampaignListQuery(rest[0].upper() if rest else None, past=True)
    if first == "recap":
        return _recap_query(tokens[1:], call)
    if first == "compare":
        if len(tokens) != 3:
            raise UserError(
                call.lang._("Which two campaigns? Write `campaign compare A B`."),
                call.lang._("Usage: {usage}").format(usage=call.lang._(USAGE)),
            )
        return CampaignCompareQuery(tokens[1], tokens[2])
    if tokens and tokens[0].lower() == "list":
        if len(tokens) > 2 or (len(tokens) == 2 and not is_market_word(tokens[1], call)):
            raise UserError(
                call.lang._("I don't understand “{word}”.").format(word=" ".join(tokens[1:])),
                call.lang._("Usage: {usage}").format(usage=call.lang._(USAGE)),
            )
        return CampaignListQuery(tokens[1].upper() if len(tokens) == 2 else None)
    if not tokens:
        slugs = campaign_slugs(session=call.session, markets=call.principal.markets)
        raise UserError(
            call.lang._("Which campaign? Write `campaign SLUG`."),
            call.lang._("Campaigns: {slugs}").format(slugs=", ".join(slugs) or "—"),
        )
    return CampaignQuery(" ".join(tokens))  # a slug, its first letters or words of the name


def _recap_query(tokens: list[str], call: Call) -> CampaignRecapQuery:
    """`recap SLUG [export] [csv|xlsx]`: the slug is every word before `export` or a format."""
    lowered = ["export" if is_export_word(t) else t.lower() for t in tokens]
    cut = next(
        (i for i, t in enumerate(lowered) if t == "export" or t in EXPORT_FORMATS), len(tokens)
    )
    slug, options = tokens[:cut], lowered[cut:]
    if not slug:
        raise UserError(call.lang._("Which campaign? Write `campaign recap SLUG`."))
    unknown = [o for o in options if o != "export" and o not in EXPORT_FORMATS]
    if unknown:
        raise _not_understood(" ".join(unknown), call)
    fmt = next((o for o in options if o in EXPORT_FORMATS), None)
    wanted = "export" in options or fmt is not None
    return CampaignRecapQuery(" ".join(slug), (fmt or "csv") if wanted else None)


def _not_understood(word: str, call: Call) -> UserError:
    return UserError(
        call.lang._("I don't understand “{word}”.").format(word=word),
        call.lang._("Usage: {usage}").format(usage=call.lang._(USAGE)),
    )


def answer(query: object, call: Call) -> Reply:
    """The campaign's status, its recap, two compared, a list of campaigns, or a set-up
    action's answer."""
    if not isinstance(query, CampaignAsk):
        return campaign_actions.answer(query, call)
    if isinstance(query, CampaignListQuery):
        return past(query.market, call) if query.past else listing(query, call)
    if isinstance(query, CampaignRecapQuery):
        return recap(find_campaign(query.slug, call), call, export=query.export)
    if isinstance(query, CampaignCompareQuery):
        return compare(find_campaign(query.first, call), find_campaign(query.second, call), call)
    return status(find_campaign(query.slug, call), call)


def local_today(market: Market, call: Call) -> dt.date:
    """Today in the market's own timezone."""
    return call.services.clock().astimezone(ZoneInfo(market.timezone)).date()


def status(campaign: Campaign, call: Call) -> Reply:
    """Everything a CM or AM asks about one campaign."""
    market = all_markets(session=call.session)[campaign.market]
    lang = call.lang.for_market(market.code)
    today = local_today(market, call)
    latest = latest_day(market.code, session=call.session)
    through = min(latest, campaign.ends_on) if latest else day_before(campaign.starts_on)
    started = through >= campaign.starts_on
    # Before the start there are no rows inside the window: every figure is zero.
    figures = CampaignFigures(campaign, latest, session=call.session)
    found: list[tuple[CampaignTotals, Pacing]] = []

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    def numbers() -> list[Block]:
        totals = figures.totals()
        pace = pacing(
            totals.gmv, campaign.starts_on, campaign.ends_on, through, campaign.gmv_target
        )
        found.append((totals, pace))
        enrolled = _enrolled(totals.enrolled, campaign.creator_target, lang)
        fields = [  # once over, its totals rather than figures "to date"
            (lang._("GMV") if pace.over else lang._("GMV to date"), money(totals.gmv)),
            (
                lang._("Orders") if pace.over else lang._("Orders to date"),
                lang.number(totals.orders),
            ),
            *target_fields(pace, started, money, lang),
            (lang._("Creators enrolled"), enrolled),
            (lang._("Active creators"), lang.number(totals.active)),
        ]
        return [Fields(tuple(fields))]

    kind = lang._(KIND_LABELS[campaign.kind.value])
    window = [
        (lang._("Window"), lang.window(campaign.starts_on, campaign.ends_on)),
        (lang._("Status"), status_label(campaign.starts_on, campaign.ends_on, today, lang)),
    ]
    blocks: list[Block] = [
        Header(f"{campaign.name} · {kind} · {market.code}"),
        Fields(tuple(window)),
    ]
    blocks += part("figures", lang._(parts.FIGURES), call, lang, numbers)
    if not found:
        return Reply(tuple(blocks))
    totals, pace = found[0]
    ranking, tiers = lang._(parts.RANKING), lang._(parts.TIERS)
    if campaign.kind is CampaignKind.INCENTIVE and campaign.reward_tiers:
        blocks += part(
            "tiers", tiers, call, lang, lambda: _incentive(campaign, figures, pace, market, lang)
        )
    elif campaign.kind is CampaignKind.COMPETITION:
        top = figures.top
        blocks += part(
            "ranking",
            ranking,
            call,
            lang,
            lambda: _competition(campaign, top(RANKING), totals.ranked, market, lang),
        )
    elif totals.ranked:
        blocks += part(
            "ranking", ranking, call, lang, lambda: [_top(campaign, figures.top(TOP), market, lang)]
        )
    note = (
        lang._("Sales of enrolled creators inside the window, through {day}.").format(
            day=lang.date(through)
        )
        if started
        else lang._("Nothing is counted before the campaign starts.")
    )
    if started and pace.target and not pace.over:  # a projection was shown
        note += " " + lang._("The projection assumes the pace so far continues to the end.")
    if started and call.services.charts:
        blocks += part(
            "chart",
            lang._(parts.CHART),
            call,
            lang,
            lambda: [_chart(campaign, figures, pace, market, lang)],
        )
    blocks.append(Context(note))
    recap_button = (
        (Button(lang._("Recap"), "open", f"campaign recap {campaign.slug}"),)
        if today > campaign.ends_on
        else ()
    )
    blocks.append(
        Buttons(
            (
                *recap_button,
                Button(lang._("Leaderboard"), "open", f"leaderboard campaign:{campaign.slug}"),
                Button(
                    lang._("Feedback report"), "open", f"feedback report campaign:{campaign.slug}"
                ),
                Button(
                    lang._("Log feedback"),
                    "form",
                    prefilled("feedback", campaign=campaign_choice(campaign)),
                ),
            )
        )
    )
    return Reply(tuple(blocks), rows=totals.enrolled)


def _chart(
    campaign: Campaign, figures: CampaignFigures, pace: Pacing, market: Market, lang: Lang
) -> Image:
    """GMV to date against the target (with the projection while it runs), else the daily GMV."""
    from creatorbot.commands.charts import (
        cumulative_vs_target,
        daily_trend,
    )  # matplotlib loads with the first chart, not at start

    daily = figures.days()
    days = [campaign.starts_on + dt.timedelta(days=n) for n in range(pace.elapsed_days)]
    by_day = dict(zip(daily["date"].tolist(), daily["gmv"].tolist(), strict=True))
    values = [int(by_day.get(day, 0)) for day in days]
    if pace.target:
        running = not pace.over
        return cumulative_vs_target(
            days,
            list(itertools.accumulate(values)),
            target=pace.target,
            end=campaign.ends_on,
            title=lang._("{name}: GMV against the target").format(name=campaign.name),
            lang=lang,
            currency=market.currency,
            minor_units=market.minor_units,
            projected_total=pace.projected if running else None,
        )
    return daily_trend(
        days,
        values,
        title=lang._("{name}: daily GMV").format(name=campaign.name),
        metric_label=lang._("GMV"),
        lang=lang,
        currency=market.currency,
        minor_units=market.minor_units,
    )


def target_fields(
    pace: Pacing, started: bool, money: Callable[[int], str], lang: Lang
) -> list[tuple[str, str]]:
    """Target, share reached, projection and verdict, and what each remaining day must bring."""
    if pace.target is None:
        running = started and not pace.over
        return [(lang._("Projected at the end"), money(pace.projected))] if running else []
    fields = [
        (lang._("GMV target"), money(pace.target)),
        (lang._("Of target"), lang.percent(pace.to_date / pace.target)),
    ]
    if not started:
        return fields
    if not pace.over:
        verdict = (
            lang._("on track")
            if pace.on_track
            else lang._("behind by {gap}").format(gap=money(pace.target - pace.projected))
        )
        fields.append((lang._("Projected at the end"), f"{money(pace.projected)} · {verdict}"))
        if pace.needed_per_day is not None and not pace.on_track:
            fields.append((lang._("Needed per day from now"), money(pace.needed_per_day)))
    else:
        verdict = (
            lang._("target reached") if pace.to_date >= pace.target else lang._("target missed")
        )
        fields.append((lang._("Result"), verdict))
    return fields


def _enrolled(count: int, target: int | None, lang: Lang) -> str:
    return f"{lang.number(count)} / {lang.number(target)}" if target else lang.number(count)


def _top(campaign: Campaign, top: pd.DataFrame, market: Market, lang: Lang) -> Table:
    return Table(
        (
            Column("#", "right"),
            Column(lang._("Creator")),
            Column(metric_label(campaign.metric, lang), "right"),
        ),
        tuple(
            (
                str(place),
                creator_label(name, handle),
                metric_value(int(v), campaign.metric, market, lang),
            )
            for place, name, handle, v in zip(
                top["rank"].tolist(),
                top["display_name"].tolist(),
                top["handle"].tolist(),
                top["value"].tolist(),
                strict=True,
            )
        ),
    )


def _competition(
    campaign: Campaign, top: pd.DataFrame, ranked: int, market: Market, lang: Lang
) -> list[Block]:
    """The ranking by the competition's metric (its `top` rows of `ranked`), with how far each
    is behind the one above."""
    if top.empty:
        return [Text(lang._("No enrolled creator has scored yet."))]
    shown = top.assign(gap=neighbour_gaps(top))
    label = metric_label(campaign.metric, lang)
    rows = tuple(
        (
            str(place),
            creator_label(name, handle),
            metric_value(int(v), campaign.metric, market, lang),
            "—" if pd.isna(gap) else "−" + metric_value(int(gap), campaign.metric, market, lang),
        )
        for place, name, handle, v, gap in zip(
            shown["rank"].tolist(),
            shown["display_name"].tolist(),
            shown["handle"].tolist(),
            shown["value"].tolist(),
            shown["gap"].tolist(),
            strict=True,
        )
    )
    table = Table(
        (
            Column("#", "right"),
            Column(lang._("Creator")),
            Column(label, "right"),
            Column(lang._("Behind the one above"), "right"),
        ),
        rows,
        total=ranked,
    )
    return [Text(lang._("*Ranking by {metric}*").format(metric=label)), table]


def _incentive(
    campaign: Campaign, figures: CampaignFigures, pace: Pacing, market: Market, lang: Lang
) -> list[Block]:
    """Creators per reward tier, who is close to the next one, and the payouts."""
    tiers = [(t.threshold, t.reward) for t in campaign.reward_tiers]
    report = figures.tiers(tiers, pace.elapsed_days, pace.total_days, NUDGE_SHOWN)

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    def reach(threshold: int) -> str:
        return metric_value(threshold, campaign.metric, market, lang)

    fields = [
        (
            lang._("Tier {n}: {threshold} → {reward}").format(
                n=n, threshold=reach(threshold), reward=money(reward)
            ),
            lang.n_("{count} creator", "{count} creators", count).format(count=lang.number(count)),
        )
        for n, ((threshold, reward), count) in enumerate(
            zip(sorted(tiers), report.per_tier, strict=True), start=1
        )
    ]
    fields.append((lang._("Below the first tier"), lang.number(report.below_first)))
    if pace.over:  # nothing left to project
        fields.append((lang._("Rewards earned"), money(report.payout)))
        return [Fields(tuple(fields))]  # nor anyone to nudge
    fields.append((lang._("Rewards earned so far"), money(report.payout)))
    fields.append((lang._("Projected payout"), money(report.projected_payout)))
    blocks: list[Block] = [Fields(tuple(fields))]
    if not report.nudge.empty:
        nudge = report.nudge.head(NUDGE_SHOWN)
        blocks.append(Text(lang._("*Within 10% of the next tier — worth a nudge*")))
        blocks.append(
            Table(
                (
                    Column(lang._("Creator")),
                    Column(metric_label(campaign.metric, lang), "right"),
                    Column(lang._("Next tier at"), "right"),
                    Column(lang._("Missing"), "right"),
                ),
                tuple(
                    (creator_label(name, handle), reach(int(v)), reach(int(t)), reach(int(m)))
                    for name, handle, v, t, m in zip(
                        nudge["display_name"].tolist(),
                        nudge["handle"].tolist(),
                        nudge["value"].tolist(),
                        nudge["next_threshold"].tolist(),
                        nudge["missing"].tolist(),
                        strict=True,
                    )
                ),
                total=report.nudge_total,
            )
        )
    return blocks


def listing(query: CampaignListQuery, call: Call) -> Reply:
    """Running and upcoming campaigns, one line each."""
    market = resolve_market(query.market, call) if query.market else None
    markets = all_markets(session=call.session)
    lang = call.lang.for_market(market.code if market else None)
    found = [
        c
        for c in current_campaigns(
            market.code if market else None, _today(call), session=call.session
        )
        if call.principal.sees(c.market)
    ]
    title = lang._("Running and upcoming campaigns") + (f" · {market.code}" if market else "")
    if not found:
        return Reply((Header(title), Text(lang._("No campaign is running or coming up."))))
    rows = tuple(
        (
            c.slug,
            c.name,
            lang._(KIND_LABELS[c.kind.value]),
            lang.window(c.starts_on, c.ends_on),
            status_label(c.starts_on, c.ends_on, local_today(markets[c.market], call), lang),
        )
        for c in found
    )
    table = Table(
        (
            Column(lang._("Campaign")),
            Column(lang._("Name")),
            Column(lang._("Kind")),
            Column(lang._("Window")),
            Column(lang._("Status")),
        ),
        rows,
    )
    return Reply((Header(title), table), rows=len(rows))


def _today(call: Call) -> dt.date:
    # The earliest "today" of any market (Rome is behind Kuala Lumpur), so nothing running
    # anywhere is left out of the list.
    return min(
        call.services.clock().astimezone(ZoneInfo(m.timezone)).date()
        for m in all_markets(session=call.session).values()
    )


def status_label(start: dt.date, end: dt.date, today: dt.date, lang: Lang) -> str:
    if today < start:
        days = (start - today).days
        return lang.n_("starts in {n} day", "starts in {n} days", days).format(n=days)
    if today > end:
        return lang._("ended")
    left = (end - today).days
    if left == 0:
        return lang._("final day")
    return lang.n_("running, {n} day left", "running, {n} days left", left).format(n=left)
