"""What a portfolio, a segment's board or the tiers check before they trust the arrays they have
cached: the market's latest day, the stamp of its creators, its stored segments' run and the
stamps of the days that run was computed from — read in one statement, with (when asked) the
market's tiers and its open alerts by creator. On PostgreSQL every statement is a round trip,
and under load each costs more than the work it carries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.orm import Session

from creatorbot.analytics.segments import HISTORY
from creatorbot.storage.jsonrows import json_rows, loaded
from creatorbot.storage.models import (
    Alert,
    AlertStatus,
    Creator,
    DailyMetric,
    Meta,
    SegmentRun,
    Tier,
)
from creatorbot.storage.segments.figures import stamps_digest
from creatorbot.storage.stamps import day_key, people_key


@dataclass(frozen=True)
class Run:
    """A market's stored segments: the day they describe, their stamp, the digest of the
    stamps of the days they were computed from, and (None: not read) the digest of those days'
    stamps now."""

    end_day: dt.date
    stamp: str
    days_stamp: str
    days_now: str | None = None

    @property
    def current(self) -> bool | None:
        """Whether none of the run's days was written since it was computed (None: unknown)."""
        return None if self.days_now is None else self.days_now == self.days_stamp


@dataclass(frozen=True)
class MarketTier:
    """A tier as the portfolio shows the gap to it: name, rank, 30-day GMV it takes."""

    tier: str
    rank: int
    min_gmv_30d: int


@dataclass(frozen=True)
class MarketState:
    """The market's latest day (None: no data), its people stamp (None: never stamped), its
    stored segments (None: none); its tiers, lowest first, and open alerts by creator id when
    asked for (else None)."""

    latest: dt.date | None
    people: str | None
    run: Run | None
    tiers: tuple[MarketTier, ...] | None = None
    alerts: Counter[int] | None = None

    @property
    def segments(self) -> tuple[dt.date, str] | None:
        """The stored segments' day and stamp, as `segment_stamp` gives them."""
        return None if self.run is None else (self.run.end_day, self.run.stamp)


def market_state(
    market: str, *, session: Session, tiers: bool = False, alerts: bool = False
) -> MarketState:
    """The market's state, in one statement (`tiers`, `alerts`: with the market's tiers and its
    open alerts about creators)."""
    dialect = session.get_bind().dialect.name
    run = SegmentRun.market == market
    end_day = select(SegmentRun.end_day).where(run).scalar_subquery()
    prefix = day_key(market, dt.date.min)[: -len(dt.date.min.isoformat())]
    first = literal(prefix) + _day_text(end_day, HISTORY - 1, dialect)
    last = literal(prefix) + _day_text(end_day, 0, dialect)
    stamps = (
        select(func.aggregate_strings(Meta.key + literal("=") + Meta.value, ","))
        .where(Meta.key >= first, Meta.key <= last)
        .scalar_subquery()
    )
    columns: list[Any] = [
        select(func.max(DailyMetric.date)).where(DailyMetric.market == market).scalar_subquery(),
        select(Meta.value).where(Meta.key == people_key(market)).scalar_subquery(),
        end_day,
        select(SegmentRun.stamp).where(run).scalar_subquery(),
        select(SegmentRun.days_stamp).where(run).scalar_subquery(),
        stamps,
    ]
    if tiers:
        columns.append(_tiers(market, dialect))
    if alerts:
        columns.append(_alerts(market, dialect))
    row = session.execute(select(*columns)).one()
    latest, people, end, stamp, days_stamp, found = row[:6]
    stored = None
    if end is not None:
        stored = Run(end, stamp, days_stamp, stamps_digest(_stamps(found, len(prefix))))
    return MarketState(
        latest,
        people,
        stored,
        tiers=_tier_rows(row[6]) if tiers else None,
        alerts=_alert_counts(row[-1]) if alerts else None,
    )


def _day_text(day: Any, back: int, dialect: str) -> ColumnElement[str]:
    """`back` days before the date `day`, as ISO text (how a day's stamp key ends)."""
    if dialect == "sqlite":  # dates are kept as ISO text there
        return func.date(day, f"-{back} days")
    return func.to_char(day - back, "YYYY-MM-DD")


def _stamps(found: str | None, prefix: int) -> dict[dt.date, str]:
    """The day stamps aggregated as `key=value,…` (keys and hex stamps hold neither sign)."""
    pairs = (part.partition("=") for part in (found or "").split(",") if part)
    return {dt.date.fromisoformat(key[prefix:]): value for key, _, value in pairs}


def _tiers(market: str, dialect: str) -> Any:
    rows = select(Tier.tier, Tier.rank, Tier.min_gmv_30d).where(Tier.market == market)
    inner = rows.subquery()
    return select(
        json_rows(dialect, inner.c.tier, inner.c.rank, inner.c.min_gmv_30d)
    ).scalar_subquery()


def _alerts(market: str, dialect: str) -> Any:
    counts = (
        select(Creator.id.label("creator_id"), func.count().label("alerts"))
        .select_from(Alert)
        .join(Creator, (Creator.market == Alert.market) & (Creator.handle == Alert.subject_key))
        .where(
            Alert.market == market,
            Alert.subject_kind == "creator",
            Alert.status == AlertStatus.OPEN,
        )
        .group_by(Creator.id)
        .subquery()
    )
    return select(json_rows(dialect, counts.c.creator_id, counts.c.alerts)).scalar_subquery()


def _tier_rows(value: Any) -> tuple[MarketTier, ...]:
    rows = [MarketTier(str(t), int(r), int(m)) for t, r, m in loaded(value)]
    return tuple(sorted(rows, key=lambda t: (t.rank, t.tier)))


def _alert_counts(value: Any) -> Counter[int]:
    return Counter({int(creator): int(count) for creator, count in loaded(value)})
