"""`creator HANDLE [market]` (or a display name): tier and what the next tier takes, 7- and
30-day totals against the window before, live vs video, GMV per order, campaigns and ranks in
them, owners, the latest feedback and open alerts. Never email or phone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NoReturn

import pandas as pd

from creatorbot.analytics.creators import next_tier, window_change
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.feedback import topic_label
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.labels import change_label, creator_label
from creatorbot.commands.lookups import creator_number, creators_meant
from creatorbot.commands.markets import is_market_word
from creatorbot.commands.parsing import did_you_mean, is_days_word, words
from creatorbot.commands.pickers import creator_choice, prefilled
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
from creatorbot.commands.segments import URGENCY, segment_label, why
from creatorbot.commands.vocabulary import word_in
from creatorbot.storage.feedback import latest_feedback
from creatorbot.storage.handles import shown
from creatorbot.storage.models import Creator, Market
from creatorbot.storage.queries.alerts import open_alerts
from creatorbot.storage.queries.campaigns import creator_standings
from creatorbot.storage.queries.creator_search import recent_gmv
from creatorbot.storage.queries.creators import (
    creator_by_id,
    creator_campaigns,
    creator_daily,
    creator_names_like,
    find_creators,
)
from creatorbot.storage.queries.markets import all_markets, latest_day, market_tiers
from creatorbot.storage.ranking.segments import creator_memberships
from creatorbot.storage.segments import segment_stamp

USAGE = N_("creator HANDLE [market]")
HISTORY_DAYS = 60  # two 30-day windows
CAMPAIGNS_SHOWN = 5
WHICH_ONE = 20  # creators listed by a "which one?" answer
WEEK = 7  # days of GMV a "which one?" answer shows beside each creator
BUTTONS = 5  # of them with a button


@dataclass(frozen=True)
class CreatorQuery:
    """A parsed `creator` request: a handle or display name, optionally a market."""

    name: str
    market: str | None = None


def parse(text: str, call: Call) -> CreatorQuery:
    """The handle (or a quoted display name), optionally followed by a market code."""
    tokens = words(text, call.lang)
    market = None
    if len(tokens) > 1 and is_market_word(tokens[-1], call):
        market = tokens.pop().upper()
    if not tokens:
        raise UserError(
            call.lang._("Which creator? Write `creator HANDLE`, e.g. `creator aisyah.beauty`.")
        )
    return CreatorQuery(" ".join(tokens), market)


def find(query: CreatorQuery, call: Call) -> list[Creator]:
    """The creators the query may mean (one, or several to choose from), or a helpful error."""
    found = creators_meant(query.name, call, query.market, search=True)
    if not found:
        _refuse(query, call)
    return found


def _refuse(query: CreatorQuery, call: Call) -> NoReturn:
    """Why nothing was found: another market's creator, a number naming nobody, or a name with
    a "did you mean" among the names the user may see (never another market's)."""
    lang = call.lang
    number = creator_number(query.name)
    if number is not None:
        creator = creator_by_id(number, session=call.session)
        if creator is not None:
            call.require_market(creator.market)
        raise UserError(lang._("There is no creator #{id}.").format(id=number))
    everywhere = find_creators(query.name, session=call.session, market=query.market)
    if everywhere:
        call.require_market(everywhere[0].market)
    if any(is_days_word(word.lower()) for word in query.name.split()[1:]):
        raise UserError(
            lang._(
                "`creator` shows the last 7 and 30 days, each against the days before; it takes "
                "no period. Write `creator HANDLE`."
            )
        )
    like = creator_names_like(query.name, session=call.session, markets=call.principal.markets)
    hint = did_you_mean(query.name, like, lang)
    message = lang._("I can't find a creator called “{name}”.").format(name=query.name)
    raise UserError(" ".join(p for p in (message, hint) if p))


def which_one(name: str, found: list[Creator], call: Call) -> Reply:
    """Several creators the name may mean, of one market or several, the most GMV in the last 7
    days first: each with its handle as it really is (invisible characters written out), market,
    tier and that GMV, and the `creator #ID` (or button) that opens it."""
    lang = call.lang
    markets = all_markets(session=call.session)
    places = {c.market for c in found}
    ends = {m: end for m in places if (end := latest_day(m, session=call.session))}
    gmv = recent_gmv(found, ends, WEEK, session=call.session)
    # The busiest first: the creator most people mean by a common name is a big seller.
    listed = sorted(found, key=lambda c: -gmv.get(c.id, -1))[:WHICH_ONE]
    if len({c.handle_key for c in found}) == 1:
        question = lang._(
            "“{name}” may be any of these creators: their handles differ only by case or "
            "invisible characters. Which one?"
        )
    else:
        question = lang._("“{name}” may be any of these creators. Which one?")

    def week(creator: Creator) -> str:
        if creator.id not in gmv:
            return "—"
        market = markets[creator.market]
        local = lang.for_market(market.code)  # the market's own symbol: RM, not MYR
        return local.money(gmv[creator.id], market.currency, market.minor_units)

    typed = word_in("commands", "creator", lang.language)  # what the asker would type
    rows = tuple(
        (
            f"{typed} #{c.id}",
            creator_label(c.display_name, shown(c.handle)),
            c.market,
            c.tier,
            week(c),
        )
        for c in listed
    )
    columns = (
        Column(lang._("Open with")),
        Column(lang._("Creator")),
        Column(lang._("Market")),
        Column(lang._("Tier")),
        Column(lang._("GMV, last 7 days"), "right"),
    )
    buttons = tuple(
        Button(f"@{shown(c.handle)} · {c.market}", "open", f"creator #{c.id}")
        for c in listed[:BUTTONS]
    )
    blocks: list[Block] = [Text(question.format(name=shown(name))), Table(columns, rows)]
    if len(found) > len(listed):
        more = lang._("{n} more are not listed: add the market or more of the name.")
        blocks.append(Context(more.format(n=lang.number(len(found) - len(listed)))))
    blocks.append(Buttons(buttons))
    return Reply(tuple(blocks), rows=len(rows))


def answer(query: CreatorQuery, call: Call) -> Reply:
    """The creator's profile, as a CM reads it before a call."""
    found = find(query, call)
    if len(found) > 1:
        return which_one(query.name, found, call)
    creator = found[0]
    market = all_markets(session=call.session)[creator.market]
    lang = call.lang.for_market(market.code)
    end = latest_day(market.code, session=call.session)
    title = f"{creator_label(creator.display_name, shown(creator.handle))} · {market.code}"
    if end is None:
        fields = _identity(creator, creator.tier, lang)
        return Reply((Header(title), Fields(fields), Context(lang._("No sales data yet."))))
    start = end - dt.timedelta(days=HISTORY_DAYS - 1)
    daily = creator_daily(creator.id, start, end, session=call.session)
    tier = _tier_line(creator, daily, end, market, call, lang)
    blocks: list[Block] = [
        Header(title),
        Fields(_identity(creator, tier, lang) + _sales(daily, end, market, lang)),
    ]
    blocks += _segments(creator, market, call, lang)
    if call.services.charts:
        blocks.append(_chart(daily, end, market, lang))
    blocks += _campaigns(creator, market, end, call, lang)
    blocks += _feedback_and_alerts(creator, market, call, lang)
    blocks.append(Context(lang._("Data through {day}.").format(day=lang.date(end))))
    blocks.append(
        Buttons(
            (
                Button(
                    lang._("Log feedback"),
                    "form",
                    prefilled("feedback", creator=creator_choice(creator)),
                    "primary",
                ),
                Button(lang._("Leaderboard"), "open", f"leaderboard gmv 7d {market.code}"),
            )
        )
    )
    return Reply(tuple(blocks))


def _segments(creator: Creator, market: Market, call: Call, lang: Lang) -> list[Block]:
    """The segments the creator is in, each with why."""
    stamp = segment_stamp(market.code, session=call.session)
    rows = creator_memberships(
        market.code, creator.id, None if stamp is None else stamp[1], session=call.session
    )
    rows.sort(key=lambda row: URGENCY.index(row.segment) if row.segment in URGENCY else 99)
    if not rows:
        return []
    lines = "\n".join(
        f"• *{segment_label(row.segment, lang)}*: {why(row, market, lang)}" for row in rows
    )
    return [Text(lang._("*Segments*") + "\n" + lines)]


def _identity(creator: Creator, tier: str, lang: Lang) -> tuple[tuple[str, str], ...]:
    return (
        (lang._("Tier"), tier),
        (lang._("Category"), creator.category),
        (lang._("Followers"), lang.number(creator.followers)),
        (lang._("Creator Manager"), creator.cm or "—"),
        (lang._("Account Manager"), creator.am or "—"),
    )


def _tier_line(
    creator: Creator, daily: pd.DataFrame, end: dt.date, market: Market, call: Call, lang: Lang
) -> str:
    """The tier, and the 30-day GMV still missing to reach the next one."""
    tiers = [
        (t.tier, t.rank, t.min_gmv_30d) for t in market_tiers(market.code, session=call.session)
    ]
    step = next_tier(creator.tier, window_change(daily, "gmv", end, 30).current, tiers)
    if step is None:
        return creator.tier
    if not step.missing:
        return lang._("{tier} · already past the {next} threshold").format(
            tier=creator.tier, next=step.name
        )
    missing = lang.money(step.missing, market.currency, market.minor_units)
    return lang._("{tier} · {missing} more 30-day GMV to {next}").format(
        tier=creator.tier, missing=missing, next=step.name
    )


def _sales(
    daily: pd.DataFrame, end: dt.date, market: Market, lang: Lang
) -> tuple[tuple[str, str], ...]:
    """7- and 30-day GMV and orders with their change, the live/video split, GMV per order."""

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    fields = []
    for days, gmv_label, orders_label in (
        (7, lang._("GMV, last 7 days"), lang._("Orders, last 7 days")),
        (30, lang._("GMV, last 30 days"), lang._("Orders, last 30 days")),
    ):
        gmv = window_change(daily, "gmv", end, days)
        orders = window_change(daily, "orders", end, days)
        fields.append((gmv_label, f"{money(gmv.current)} ({change_label(gmv.ratio, lang)})"))
        fields.append(
            (orders_label, f"{lang.number(orders.current)} ({change_label(orders.ratio, lang)})")
        )
    live = window_change(daily, "live_gmv", end, 30).current
    video = window_change(daily, "video_gmv", end, 30).current
    if live + video:
        split = (
            f"{lang.percent(live / (live + video), 0)} · {lang.percent(video / (live + video), 0)}"
        )
        fields.append((lang._("Live · video, last 30 days"), split))
    gmv_30 = window_change(daily, "gmv", end, 30).current
    orders_30 = window_change(daily, "orders", end, 30).current
    per_order = money(gmv_30 // orders_30) if orders_30 else "—"
    fields.append((lang._("GMV per order, last 30 days"), per_order))
    return tuple(fields)


def _chart(daily: pd.DataFrame, end: dt.date, market: Market, lang: Lang) -> Image:
    """Daily GMV of the last 30 days, the 30 days before drawn beside it."""
    from creatorbot.commands.charts import (
        daily_trend,
    )  # matplotlib loads with the first chart, not at start

    by_day = dict(zip(daily["date"].tolist(), daily["gmv"].tolist(), strict=True))
    days = [end - dt.timedelta(days=n) for n in range(29, -1, -1)]
    before = [day - dt.timedelta(days=30) for day in days]
    return daily_trend(
        days,
        [int(by_day.get(day, 0)) for day in days],
        title=lang._("Daily GMV, last 30 days"),
        metric_label=lang._("GMV"),
        lang=lang,
        currency=market.currency,
        minor_units=market.minor_units,
        comparison=[int(by_day.get(day, 0)) for day in before],
    )


def _campaigns(
    creator: Creator, market: Market, end: dt.date, call: Call, lang: Lang
) -> list[Block]:
    """The creator's recent and current campaigns, with their rank among those enrolled."""
    rows = []
    campaigns = creator_campaigns(creator.id, session=call.session)[:CAMPAIGNS_SHOWN]
    started = [campaign for campaign in campaigns if campaign.starts_on <= end]
    standings = creator_standings(creator.id, started, end, session=call.session)
    for campaign in campaigns:
        if campaign.starts_on > end:
            place = lang._("not started")
        else:
            standing = standings[campaign.id]
            place = (
                lang._("#{rank} of {total}").format(
                    rank=standing.rank, total=lang.number(standing.ranked)
                )
                if standing.rank is not None
                else lang._("no sales yet")
            )
        rows.append((campaign.name, lang.window(campaign.starts_on, campaign.ends_on), place))
    if not rows:
        return []
    return [
        Table(
            (Column(lang._("Campaign")), Column(lang._("Window")), Column(lang._("Rank"), "right")),
            tuple(rows),
        )
    ]


def _feedback_and_alerts(creator: Creator, market: Market, call: Call, lang: Lang) -> list[Block]:
    blocks: list[Block] = []
    feedback = latest_feedback(creator.id, session=call.session)
    if feedback is not None:
        comment = f" — “{feedback.comment}”" if feedback.comment else ""
        blocks.append(
            Text(
                lang._("*Latest feedback* ({day}): {stars} {topic}{comment}").format(
                    day=lang.date(feedback.created_at.date()),
                    stars="★" * feedback.rating,
                    topic=topic_label(feedback.topic, lang),
                    comment=comment,
                )
            )
        )
    alerts = open_alerts(market.code, "creator", creator.handle, session=call.session)
    if alerts:
        lines = "\n".join(f"• {lang.date(a.day)}: {a.reason}" for a in alerts[:5])
        blocks.append(Text(lang._("*Open alerts*") + "\n" + lines))
    else:
        blocks.append(Context(lang._("No open alerts.")))
    return blocks
