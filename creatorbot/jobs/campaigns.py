"""A followed campaign's posts (subscriptions of kind CAMPAIGN): one on its first day (window,
targets, rewards) and one on each of its last `remind_days` days (standings, and who is close
to the next reward tier), each once through the run ledger."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, object_session

from creatorbot.analytics.campaigns import pacing
from creatorbot.analytics.windows import day_before
from creatorbot.commands.campaign import KIND_LABELS, _competition, _incentive, target_fields
from creatorbot.commands.i18n import Lang
from creatorbot.commands.labels import metric_label, metric_value
from creatorbot.commands.reply import Block, Button, Buttons, Context, Fields, Header, Reply, Text
from creatorbot.jobs.periods import Period, instant, local_days, parse_at
from creatorbot.jobs.registry import JobRun, Post, job
from creatorbot.storage.models import Campaign, CampaignKind, Market, Subscription, SubscriptionKind
from creatorbot.storage.queries.campaigns import CampaignFigures
from creatorbot.storage.queries.markets import latest_day

START_KEY = "start:"
REMIND_KEY = "remind:"
RANKING = 10


def _followed(subscription: Subscription, session: Session) -> tuple[Campaign, Market] | None:
    """The campaign a subscription follows and its market; None when it follows none (any
    more)."""
    if subscription.campaign_id is None:
        return None
    campaign = session.get(Campaign, subscription.campaign_id)
    market = session.get(Market, subscription.market)
    if campaign is None or market is None:
        return None
    return campaign, market


def start_period(
    subscription: Subscription, start: dt.datetime, end: dt.datetime, session: Session
) -> list[Period]:
    """`start:<id>`, due at the subscription's time on the campaign's first day."""
    found = _followed(subscription, session)
    if found is None:
        return []
    campaign, zone = found[0], ZoneInfo(found[1].timezone)
    due = instant(campaign.starts_on, parse_at(subscription.at_time), zone)
    period = Period(f"{START_KEY}{campaign.id}", due, campaign.starts_on)
    return [period] if start < due <= end else []


def reminder_periods(
    subscription: Subscription, start: dt.datetime, end: dt.datetime, session: Session
) -> list[Period]:
    """`remind:<day>` for each of the campaign's last `remind_days` days, at the
    subscription's time (none when the campaign sets no reminders)."""
    found = _followed(subscription, session)
    if found is None or not found[0].remind_days:
        return []
    campaign, zone = found[0], ZoneInfo(found[1].timezone)
    last_days = dt.timedelta(days=(campaign.remind_days or 1) - 1)
    first = max(campaign.starts_on, campaign.ends_on - last_days)
    at = parse_at(subscription.at_time)
    periods = []
    for day in local_days(start, end, zone):
        if first <= day <= campaign.ends_on:
            period = Period(f"{REMIND_KEY}{day.isoformat()}", instant(day, at, zone), day)
            if start < period.due <= end:
                periods.append(period)
    return periods


@job("campaign-start", SubscriptionKind.CAMPAIGN, cadence=None, extra=start_period)
def start_post(run: JobRun) -> Post:
    """The campaign starts today: its window, targets and rewards."""
    found = _followed(run.subscription, run.call.session)
    if found is None:
        return Post(None)  # deleted since
    campaign, market = found
    lang = run.call.lang.for_market(market.code)
    return Post(announcement(campaign, market, lang))


def announcement(campaign: Campaign, market: Market, lang: Lang) -> Reply:
    """What a following channel reads on the campaign's first day."""

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    days = (campaign.ends_on - campaign.starts_on).days + 1
    fields = [
        (lang._("Window"), lang.window(campaign.starts_on, campaign.ends_on)),
        (lang._("Days"), lang.number(days)),
        (lang._("Ranked by"), metric_label(campaign.metric, lang)),
    ]
    if campaign.gmv_target:
        fields.append((lang._("GMV target"), money(campaign.gmv_target)))
    if campaign.creator_target:
        fields.append((lang._("Creators to enrol (target)"), lang.number(campaign.creator_target)))
    if campaign.budget_cap:
        fields.append((lang._("Budget cap for rewards"), money(campaign.budget_cap)))
    blocks: list[Block] = [
        Header(
            lang._("{name} starts today · {kind}").format(
                name=campaign.name, kind=lang._(KIND_LABELS[campaign.kind.value])
            )
        ),
        Fields(tuple(fields)),
    ]
    rewards = _rewards(campaign, market, lang)
    if rewards:
        blocks.append(Text(lang._("*Rewards*") + "\n" + "\n".join(rewards)))
    blocks.append(Buttons((Button(lang._("Campaign"), "open", f"campaign {campaign.slug}"),)))
    return Reply(tuple(blocks))


def _rewards(campaign: Campaign, market: Market, lang: Lang) -> list[str]:
    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    lines = [
        lang._("Reach {threshold}: {reward}").format(
            threshold=metric_value(t.threshold, campaign.metric, market, lang),
            reward=money(t.reward),
        )
        for t in campaign.reward_tiers
    ]
    for band in campaign.reward_bands:
        ranks = (
            f"#{band.rank_from}"
            if band.rank_from == band.rank_to
            else f"#{band.rank_from}–{band.rank_to}"
        )
        lines.append(
            lang._("Finish {ranks}: {reward}").format(ranks=ranks, reward=money(band.reward))
        )
    return [f"• {line}" for line in lines]


@job("campaign-reminder", SubscriptionKind.CAMPAIGN, cadence=None, extra=reminder_periods)
def reminder_post(run: JobRun) -> Post:
    """One of the last days: the standings, and who is close to the next reward tier."""
    session = run.call.session
    found = _followed(run.subscription, session)
    if found is None:
        return Post(None)  # deleted since
    campaign, market = found
    lang = run.call.lang.for_market(market.code)
    day = run.period.local_day
    latest = latest_day(market.code, session=session)
    return Post(standings(campaign, market, day, latest, lang), data_day=latest)


def standings(
    campaign: Campaign, market: Market, today: dt.date, latest: dt.date | None, lang: Lang
) -> Reply:
    """The campaign as it stands on `today` (a local day of its window): days left, the
    target's pace, and the ranking or the reward tiers with the creators to nudge."""
    session = object_session(campaign)
    assert session is not None
    left = (campaign.ends_on - today).days
    through = min(latest, campaign.ends_on) if latest else day_before(campaign.starts_on)
    figures = CampaignFigures(campaign, latest, session=session)
    totals = figures.totals()
    pace = pacing(totals.gmv, campaign.starts_on, campaign.ends_on, through, campaign.gmv_target)

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    title = (
        lang._("{name}: final day").format(name=campaign.name)
        if left <= 0
        else lang.n_("{name}: {n} day left", "{name}: {n} days left", left).format(
            name=campaign.name, n=left
        )
    )
    started = through >= campaign.starts_on
    fields = [
        (lang._("GMV to date"), money(totals.gmv)),
        *target_fields(pace, started, money, lang),
        (lang._("Creators enrolled"), lang.number(totals.enrolled)),
    ]
    blocks: list[Block] = [Header(title), Fields(tuple(fields))]
    if campaign.kind is CampaignKind.INCENTIVE and campaign.reward_tiers:
        blocks += _incentive(campaign, figures, pace, market, lang)
    else:
        blocks += _competition(campaign, figures.top(RANKING), totals.ranked, market, lang)
    blocks.append(
        Context(
            lang._("Sales of enrolled creators inside the window, through {day}.").format(
                day=lang.date(through)
            )
        )
    )
    blocks.append(
        Buttons(
            (
                Button(lang._("Campaign"), "open", f"campaign {campaign.slug}"),
                Button(lang._("Leaderboard"), "open", f"leaderboard campaign:{campaign.slug}"),
            )
        )
    )
    return Reply(tuple(blocks))
