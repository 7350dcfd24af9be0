"""What a portfolio or a segment's board checks before it trusts the arrays it has cached: the
market's latest day, the stamp of its creators and its stored segments' run, read in one
statement (on PostgreSQL every statement is a round trip, and these are asked together)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import DailyMetric, Meta, SegmentRun
from creatorbot.storage.stamps import people_key


@dataclass(frozen=True)
class Run:
    """A market's stored segments: the day they describe, their stamp, and the digest of the
    stamps of the days they were computed from."""

    end_day: dt.date
    stamp: str
    days_stamp: str


@dataclass(frozen=True)
class MarketState:
    """The market's latest day (None: no data), its people stamp (None: never stamped) and its
    stored segments (None: none)."""

    latest: dt.date | None
    people: str | None
    run: Run | None

    @property
    def segments(self) -> tuple[dt.date, str] | None:
        """The stored segments' day and stamp, as `segment_stamp` gives them."""
        return None if self.run is None else (self.run.end_day, self.run.stamp)


def market_state(market: str, *, session: Session) -> MarketState:
    """The market's state, in one statement."""
    run = SegmentRun.market == market
    query = select(
        select(func.max(DailyMetric.date)).where(DailyMetric.market == market).scalar_subquery(),
        select(Meta.value).where(Meta.key == people_key(market)).scalar_subquery(),
        select(SegmentRun.end_day).where(run).scalar_subquery(),
        select(SegmentRun.stamp).where(run).scalar_subquery(),
        select(SegmentRun.days_stamp).where(run).scalar_subquery(),
    )
    latest, people, end_day, stamp, days_stamp = session.execute(query).one()
    stored = None if end_day is None else Run(end_day, stamp, days_stamp)
    return MarketState(latest, people, stored)
