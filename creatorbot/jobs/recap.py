"""The campaign recap, posted once to each channel following the campaign
(SubscriptionKind.CAMPAIGN) on the day after its last day, once that day's data is in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from creatorbot.commands.recap import recap
from creatorbot.jobs.periods import Period, instant, parse_at
from creatorbot.jobs.registry import JobRun, Post, job
from creatorbot.storage.models import Campaign, Market, Subscription, SubscriptionKind
from creatorbot.storage.queries.markets import latest_day

RECAP_KEY = "recap:"
# Past this many days after the end, a last day still missing is given up on: the recap stays
# there to ask for (`campaign recap SLUG`), it is not posted out of the blue.
GIVE_UP_DAYS = 14


def recap_due(
    subscription: Subscription, start: dt.datetime, end: dt.datetime, session: Session
) -> list[Period]:
    """`recap:<campaign id>` once the subscription's time on the local day after the campaign's
    last day has come and the market's data reaches that last day. Due at the first tick that
    finds both (`end`), so a last day that comes in late is not a missed post; the ledger keeps
    it to one post."""
    campaign = session.get(Campaign, subscription.campaign_id) if subscription.campaign_id else None
    market = session.get(Market, subscription.market)
    if campaign is None or market is None:
        return []
    zone = ZoneInfo(market.timezone)
    day = campaign.ends_on + dt.timedelta(days=1)
    scheduled = instant(day, parse_at(subscription.at_time), zone)
    if scheduled > end or (end.astimezone(zone).date() - day).days > GIVE_UP_DAYS:
        return []
    latest = latest_day(campaign.market, session=session)
    if latest is None or latest < campaign.ends_on:
        return []  # the last day's data is not in: asked again at the next tick
    return [Period(f"{RECAP_KEY}{campaign.id}", end, day)]


@job("campaign-recap", SubscriptionKind.CAMPAIGN, cadence=None, extra=recap_due)
def campaign_recap(run: JobRun) -> Post:
    """The recap, as `campaign recap SLUG` shows it."""
    key = run.period.key
    number = key.removeprefix(RECAP_KEY)
    campaign = run.call.session.get(Campaign, int(number)) if number.isdigit() else None
    if campaign is None:
        return Post(None)  # deleted since
    latest = latest_day(campaign.market, session=run.call.session)
    return Post(recap(campaign, run.call), data_day=latest)
