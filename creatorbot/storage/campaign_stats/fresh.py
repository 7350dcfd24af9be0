"""What campaign stats were computed for, and whether they still describe their campaign: the
same window and metric, through the market's latest day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Campaign, CampaignTotal
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.queries.metrics import RANKABLE


@dataclass(frozen=True)
class Spec:
    """The facts about a campaign its stats depend on."""

    id: int
    market: str
    starts_on: dt.date
    ends_on: dt.date
    metric: str

    @property
    def value_metric(self) -> str:
        """The daily metric summed as the campaign's `value`: its own, or GMV."""
        return self.metric if self.metric in RANKABLE else "gmv"

    def covers(self, day: dt.date) -> bool:
        """Whether `day` is inside the window."""
        return self.starts_on <= day <= self.ends_on


def spec_of(campaign: Campaign) -> Spec:
    """The spec of a loaded campaign."""
    return Spec(campaign.id, campaign.market, campaign.starts_on, campaign.ends_on, campaign.metric)


def specs(
    *,
    session: Session,
    ids: Iterable[int] | None = None,
    markets: Iterable[str] | None = None,
) -> list[Spec]:
    """The specs of the campaigns with these ids and/or in these markets (all when neither)."""
    table = Campaign.__table__
    query = select(
        table.c.id, table.c.market, table.c.starts_on, table.c.ends_on, table.c.metric
    ).order_by(table.c.id)
    if ids is not None:
        query = query.where(table.c.id.in_(sorted(set(ids))))
    if markets is not None:
        query = query.where(table.c.market.in_(sorted(set(markets))))
    return [Spec(*row) for row in session.connection().execute(query)]


def stored_totals(ids: Iterable[int], *, session: Session) -> dict[int, Any]:
    """The stored totals rows of these campaigns, by campaign id (absent when never computed)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    table = CampaignTotal.__table__
    rows = session.connection().execute(select(table).where(table.c.campaign_id.in_(wanted)))
    return {row.campaign_id: row for row in rows}


def is_fresh(spec: Spec, totals: Any, latest: dt.date | None) -> bool:
    """Whether `totals` (a `campaign_totals` row, or None) describe the campaign of `spec` while
    its market's latest day is `latest`."""
    return (
        totals is not None
        and totals.through == latest
        and totals.starts_on == spec.starts_on
        and totals.ends_on == spec.ends_on
        and totals.metric == spec.metric
    )


def stale_campaigns(*, session: Session) -> list[Spec]:
    """Campaigns whose stats are missing or do not describe them (written before the stats
    existed, or by a path that skipped them)."""
    return stale_of(specs(session=session), session=session)


def stale_of(campaigns: list[Spec], *, session: Session) -> list[Spec]:
    """Those of `campaigns` whose stats do not describe them."""
    totals = stored_totals([spec.id for spec in campaigns], session=session)
    markets = {spec.market for spec in campaigns}
    latest = {market: latest_day(market, session=session) for market in markets}
    return [s for s in campaigns if not is_fresh(s, totals.get(s.id), latest[s.market])]
