"""A campaign's final figures, as its recap, the comparison and the past list show them: when
the recap is due, the result against the targets, the payouts and what the campaign was worth."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.analytics.incrementality import Worth, worth
from creatorbot.analytics.payouts import Payouts, payouts
from creatorbot.storage.models import Campaign, Market
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.queries.recap import (
    MIN_PRE_DAYS,
    final_standings,
    pre_days,
    worth_input,
)


def recap_due(campaign: Campaign, latest: dt.date | None, today: dt.date) -> bool:
    """Whether the recap can be given: the campaign's last day is over in its market (`today`
    is the market's local day) and that day's data is in (`latest`, the market's latest day
    with data, has reached it)."""
    return today > campaign.ends_on and latest is not None and latest >= campaign.ends_on


def market_today(market: Market, now: dt.datetime) -> dt.date:
    """The market's local day at `now`."""
    return now.astimezone(ZoneInfo(market.timezone)).date()


@dataclass(frozen=True)
class Final:
    """A campaign's result over its whole window: standings, totals and payouts."""

    campaign: Campaign
    standings: pd.DataFrame  # creator_id, handle, display_name, value, gmv
    payouts: Payouts
    tiers: list[tuple[int, int]]  # (threshold, reward) ascending
    bands: list[tuple[int, int, int]]  # (rank_from, rank_to, reward)

    @property
    def gmv(self) -> int:
        """The enrolled creators' GMV inside the window."""
        return int(self.standings["gmv"].sum())

    @property
    def enrolled(self) -> int:
        """Creators enrolled."""
        return len(self.standings)

    @property
    def active(self) -> int:
        """Enrolled creators with GMV inside the window."""
        return int((self.standings["gmv"] > 0).sum())

    @property
    def ranked(self) -> int:
        """Enrolled creators whose metric is above zero."""
        return int((self.standings["value"] > 0).sum())

    def per_tier(self) -> list[int]:
        """For each tier, how many creators reached exactly it (not a higher one)."""
        at_least = self.reached() + [0]
        return [at_least[i] - at_least[i + 1] for i in range(len(self.tiers))]

    def reached(self) -> list[int]:
        """For each tier, how many creators reached it or a higher one."""
        levels = self.payouts.creators["tier"].to_numpy()
        return [int((levels > i).sum()) for i in range(len(self.tiers))]


def final_of(campaign: Campaign, latest: dt.date | None, *, session: Session) -> Final:
    """The campaign's final figures through `latest` (its market's latest day)."""
    standings = final_standings(campaign, latest, session=session)
    tiers = sorted((t.threshold, t.reward) for t in campaign.reward_tiers)
    bands = [(b.rank_from, b.rank_to, b.reward) for b in campaign.reward_bands]
    paid = payouts(standings, tiers, bands, campaign.budget_cap)
    return Final(campaign, standings, paid, tiers, bands)


def worth_of(campaign: Campaign, *, session: Session) -> Worth | None:
    """What the campaign was worth against its matched control; None when the market has fewer
    than MIN_PRE_DAYS days of data before the start (nothing to match on)."""
    before = pre_days(campaign, session=session)
    if before < MIN_PRE_DAYS:
        return None
    days = (campaign.ends_on - campaign.starts_on).days + 1
    result = worth(worth_input(campaign, before, session=session), days)
    return dataclasses.replace(result, before=before)


def latest_of(campaign: Campaign, *, session: Session) -> dt.date | None:
    """The campaign's market's latest day with data."""
    return latest_day(campaign.market, session=session)
