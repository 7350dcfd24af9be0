"""Campaign lookups and campaign figures (sales of enrolled creators inside the window): read
from the stats the write path keeps, or computed from the raw rows when those are stale."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.analytics.campaigns import TierReport, tier_report
from creatorbot.analytics.rankings import rank
from creatorbot.analytics.windows import day_before
from creatorbot.storage.campaign_stats.fresh import is_fresh, spec_of, stored_totals
from creatorbot.storage.handles import name_key
from creatorbot.storage.models import (
    Campaign,
    CampaignDay,
    CampaignKind,
    CampaignTotal,
    Creator,
    DailyMetric,
    Enrollment,
)
from creatorbot.storage.queries.campaign_tiers import stored_tier_report
from creatorbot.storage.queries.metrics import RANKABLE
from creatorbot.storage.queries.standings import place_of, ranked, standings_of


def campaign_by_slug(slug: str, *, session: Session) -> Campaign | None:
    """The campaign with this slug (case-insensitive), or None."""
    return session.scalar(select(Campaign).where(func.lower(Campaign.slug) == slug.lower()))


def campaigns_like(
    typed: str, *, session: Session, markets: Iterable[str] | None = None
) -> list[Campaign]:
    """The campaigns of `markets` (None: all) whose slug starts with `typed`, or each of whose
    words begins a word of the slug or the name (accents and case ignored), by slug."""
    wanted = name_key(typed)
    words = _words(wanted)
    query = select(Campaign).order_by(Campaign.slug)
    if markets is not None:
        query = query.where(Campaign.market.in_(list(markets)))
    found = []
    for campaign in session.scalars(query):
        named = _words(name_key(campaign.name)) + _words(campaign.slug.lower())
        if campaign.slug.lower().startswith(wanted) or (
            words and all(any(n.startswith(w) for n in named) for w in words)
        ):
            found.append(campaign)
    return found


def _words(text: str) -> list[str]:
    return text.replace("-", " ").replace(".", "").replace("_", " ").split()


def campaign_slugs(
    *, session: Session, market: str | None = None, markets: Iterable[str] | None = None
) -> list[str]:
    """Every campaign slug, optionally of one market or of `markets`."""
    query = select(Campaign.slug).order_by(Campaign.slug)
    if market:
        query = query.where(Campaign.market == market)
    if markets is not None:
        query = query.where(Campaign.market.in_(list(markets)))
    return list(session.scalars(query))


def running_campaigns(market: str, day: dt.date, *, session: Session) -> list[Campaign]:
    """Campaigns of `market` whose window contains `day`, mega sales first, then by start."""
    query = (
        select(Campaign)
        .where(Campaign.market == market, Campaign.starts_on <= day, Campaign.ends_on >= day)
        .order_by(Campaign.starts_on, Campaign.slug)
    )
    found = list(session.scalars(query))
    return sorted(found, key=lambda c: c.kind != "mega_sale")


def mega_sale_running(market: str, day: dt.date, *, session: Session) -> bool:
    """Whether a mega sale of `market` runs on `day` (war-room days)."""
    query = select(Campaign.id).where(
        Campaign.market == market,
        Campaign.kind == CampaignKind.MEGA_SALE,
        Campaign.starts_on <= day,
        Campaign.ends_on >= day,
    )
    return session.execute(query.limit(1)).first() is not None


@dataclass(frozen=True)
class CampaignTotals:
    """A campaign's enrolled creators and what they sold inside the window so far."""

    enrolled: int
    active: int  # with GMV > 0
    ranked: int  # with the campaign's metric > 0
    gmv: int
    orders: int
    value: int  # the campaign's metric


@dataclass(frozen=True)
class Standing:
    """A creator's place in a campaign: the campaign's metric so far (`value`) and the rank
    it gives (None at zero) among the `ranked` creators."""

    value: int
    rank: int | None
    ranked: int


TOP_COLUMNS = ["rank", "creator_id", "handle", "display_name", "value"]


class CampaignFigures:
    """One campaign's figures through `latest`, its market's latest day (`latest_day`). Read
    from the campaign stats with bounded, indexed reads when they describe the campaign through
    that day; else — stats stale or missing — computed from the raw rows (once per object), so
    an answer is never wrong."""

    def __init__(self, campaign: Campaign, latest: dt.date | None, *, session: Session) -> None:
        self.campaign = campaign
        self.session = session
        self.latest = latest
        stored = stored_totals([campaign.id], session=session).get(campaign.id)
        self.stored = stored if is_fresh(spec_of(campaign), stored, self.latest) else None
        self._creators: pd.DataFrame | None = None

    @property
    def through(self) -> dt.date:
        """The last day counted (the day before the start when the market has no data)."""
        return self.latest or day_before(self.campaign.starts_on)

    def totals(self) -> CampaignTotals:
        """Enrolled and active creators, GMV, orders and the metric to date."""
        if self.stored is not None:
            names = [field.name for field in dataclasses.fields(CampaignTotals)]
            return CampaignTotals(*(int(getattr(self.stored, name)) for name in names))
        creators = self.creators()
        return CampaignTotals(
            enrolled=len(creators),
            active=int((creators["gmv"] > 0).sum()),
            ranked=int((creators["value"] > 0).sum()),
            gmv=int(creators["gmv"].sum()),
            orders=int(creators["orders"].sum()),
            value=int(creators["value"].sum()),
        )

    def days(self) -> pd.DataFrame:
        """GMV, orders and the metric per day of the window (days summing to zero may be
        absent), by date."""
        if self.stored is None:
            return campaign_daily(self.campaign, self.through, session=self.session)
        d = CampaignDay
        query = (
            select(d.date, d.gmv, d.orders, d.value)
            .where(d.campaign_id == self.campaign.id)
            .order_by(d.date)
        )
        return _frame(self.session.execute(query), ["date", "gmv", "orders", "value"])

    def top(self, limit: int) -> pd.DataFrame:
        """The first `limit` of the ranking by the campaign's metric (`analytics.rankings.rank`
        order): rank, creator_id, handle, display_name, value."""
        if self.stored is None:
            return rank(self.creators()).head(limit)[TOP_COLUMNS]
        standings = standings_of(self.campaign.id, session=self.session)
        return ranked(standings, 1, limit, session=self.session)[TOP_COLUMNS]

    def tiers(
        self, tiers: Sequence[tuple[int, int]], elapsed_days: int, total_days: int, shown: int
    ) -> TierReport:
        """The incentive program's report (`analytics.campaigns.tier_report`), with the
        `shown` closest creators to nudge."""
        if self.stored is None:
            report = tier_report(self.creators(), tiers, elapsed_days, total_days)
            return dataclasses.replace(report, nudge=report.nudge.head(shown))
        return stored_tier_report(
            self.campaign.id,
            int(self.stored.enrolled),
            tiers,
            elapsed_days,
            total_days,
            shown,
            session=self.session,
        )

    def creators(self) -> pd.DataFrame:
        """Every enrolled creator's figures from the raw rows (`campaign_creator_totals`)."""
        if self._creators is None:
            self._creators = campaign_creator_totals(
                self.campaign, self.through, session=self.session
            )
        return self._creators


def creator_standings(
    creator_id: int, campaigns: Iterable[Campaign], latest: dt.date | None, *, session: Session
) -> dict[int, Standing]:
    """The creator's standing in each of `campaigns` (by campaign id; all of the creator's
    market, whose latest day is `latest`): from the kept standings of each campaign with stats,
    the raw ranking for any other."""
    wanted = list(campaigns)
    t = CampaignTotal
    query = select(t.campaign_id, t.starts_on, t.ends_on, t.metric, t.through, t.ranked).where(
        t.campaign_id.in_([c.id for c in wanted])
    )
    stored = {row.campaign_id: row for row in session.execute(query)} if wanted else {}
    found: dict[int, Standing] = {}
    for campaign in wanted:
        row = stored.get(campaign.id)
        if row is not None and is_fresh(spec_of(campaign), row, latest):
            standings = standings_of(campaign.id, session=session)
            found[campaign.id] = Standing(*place_of(standings, creator_id), int(row.ranked))
        else:
            through = latest or day_before(campaign.starts_on)
            creators = campaign_creator_totals(campaign, through, session=session)
            found[campaign.id] = _raw_standing(creators, creator_id)
    return found


def _raw_standing(creators: pd.DataFrame, creator_id: int) -> Standing:
    ranked = rank(creators)
    values = creators.loc[creators["creator_id"] == creator_id, "value"].tolist()
    places = ranked.loc[ranked["creator_id"] == creator_id, "rank"].tolist()
    return Standing(
        int(values[0]) if values else 0, int(places[0]) if places else None, len(ranked)
    )


def _frame(rows: Iterable[Any], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(row) for row in rows], columns=columns)
    numbers = [c for c in columns if c in ("rank", "creator_id", "gmv", "orders", "value")]
    return frame.astype({c: "int64" for c in numbers})


def campaign_creator_totals(
    campaign: Campaign, through: dt.date, *, session: Session
) -> pd.DataFrame:
    """Every enrolled creator with their campaign metric (`value`), GMV and orders inside the
    window through `through`; creators with no sales yet are included with zeros. The exact
    raw computation, over every enrolled creator: what the campaign stats must equal."""
    metric = campaign.metric if campaign.metric in RANKABLE else "gmv"
    end = min(through, campaign.ends_on)
    sums = (
        select(
            DailyMetric.creator_id,
            func.sum(getattr(DailyMetric, metric)).label("value"),
            func.sum(DailyMetric.gmv).label("gmv"),
            func.sum(DailyMetric.orders).label("orders"),
        )
        .join(Enrollment, Enrollment.creator_id == DailyMetric.creator_id)
        .where(
            Enrollment.campaign_id == campaign.id,
            DailyMetric.date.between(campaign.starts_on, end),
        )
        .group_by(DailyMetric.creator_id)
        .subquery()
    )
    query = (
        select(
            Creator.id,
            Creator.handle,
            Creator.display_name,
            func.coalesce(sums.c.value, 0),
            func.coalesce(sums.c.gmv, 0),
            func.coalesce(sums.c.orders, 0),
        )
        .join(Enrollment, Enrollment.creator_id == Creator.id)
        .outerjoin(sums, sums.c.creator_id == Creator.id)
        .where(Enrollment.campaign_id == campaign.id)
    )
    columns = ["creator_id", "handle", "display_name", "value", "gmv", "orders"]
    frame = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=columns)
    return frame.astype({"value": "int64", "gmv": "int64", "orders": "int64"})


def campaign_daily(campaign: Campaign, through: dt.date, *, session: Session) -> pd.DataFrame:
    """GMV, orders and the campaign metric of enrolled creators per day of the window."""
    metric = campaign.metric if campaign.metric in RANKABLE else "gmv"
    query = (
        select(
            DailyMetric.date,
            func.sum(DailyMetric.gmv),
            func.sum(DailyMetric.orders),
            func.sum(getattr(DailyMetric, metric)),
        )
        .join(Enrollment, Enrollment.creator_id == DailyMetric.creator_id)
        .where(
            Enrollment.campaign_id == campaign.id,
            DailyMetric.date.between(campaign.starts_on, min(through, campaign.ends_on)),
        )
        .group_by(DailyMetric.date)
        .order_by(DailyMetric.date)
    )
    rows = [tuple(row) for row in session.execute(query)]
    frame = pd.DataFrame(rows, columns=["date", "gmv", "orders", "value"])
    return frame.astype({"gmv": "int64", "orders": "int64", "value": "int64"})


def current_campaigns(market: str | None, today: dt.date, *, session: Session) -> list[Campaign]:
    """Campaigns running on `today` or starting after it, soonest end first."""
    query = select(Campaign).where(Campaign.ends_on >= today)
    if market:
        query = query.where(Campaign.market == market)
    return list(
        session.scalars(query.order_by(Campaign.starts_on, Campaign.ends_on, Campaign.slug))
    )
