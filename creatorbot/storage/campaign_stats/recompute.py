"""Full recompute of campaigns' stats from the raw rows: every enrolled creator's sums over the
window with their ranks, the window's days, the totals."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, insert, literal, or_, select, text
from sqlalchemy.orm import Session

from creatorbot.storage.campaign_stats.fresh import Spec
from creatorbot.storage.campaign_stats.standings import store_totals
from creatorbot.storage.campaign_stats.tables import (
    CREATORS,
    DAILY,
    DAYS,
    ENROLLMENTS,
    STANDINGS,
    TOTALS,
)
from creatorbot.storage.changes import lock_markets
from creatorbot.storage.queries.markets import latest_day

logger = logging.getLogger(__name__)

ANALYZE_FROM = 50_000  # standings written: past this, PostgreSQL gets fresh statistics


def recompute(campaigns: Iterable[Spec], *, session: Session) -> None:
    """Replace the stats of `campaigns` with what their raw rows say. Never commits."""
    wanted = list(campaigns)
    lock_markets({spec.market for spec in wanted}, session=session)
    latest = {market: latest_day(market, session=session) for market in {s.market for s in wanted}}
    written = 0
    for spec in wanted:
        started = time.perf_counter()
        for table in (STANDINGS, DAYS):
            session.execute(delete(table).where(table.c.campaign_id == spec.id))
        written += _insert_standings(spec, session=session)
        _insert_days(spec, session=session)
        store_totals(spec, latest[spec.market], session=session)
        logger.debug(
            "campaign stats recomputed",
            extra={"campaign_id": spec.id, "seconds": round(time.perf_counter() - started, 3)},
        )
    if written >= ANALYZE_FROM and session.get_bind().dialect.name == "postgresql":
        # Without statistics on freshly filled tables the planner may pick a parallel scan
        # for a five-row read.
        session.execute(text(f"ANALYZE {STANDINGS.name}, {DAYS.name}, {TOTALS.name}"))


def rank_of(value: ColumnElement[Any], session: Session) -> ColumnElement[Any]:
    """Rank by value (highest first, then handle by code point, as `analytics.rankings.rank`
    orders: SQLite's default collation does, PostgreSQL's "C" one too), NULL at zero. Values
    above zero sort first, so their row numbers are exactly their ranks."""
    handle: ColumnElement[Any] = CREATORS.c.handle
    if session.get_bind().dialect.name == "postgresql":
        handle = CREATORS.c.handle.collate("C")
    place = func.row_number().over(order_by=(value.desc(), handle))
    return case((value > 0, place), else_=None)


def _insert_standings(spec: Spec, *, session: Session) -> int:
    daily = DAILY.c
    in_window = and_(
        daily.creator_id == ENROLLMENTS.c.creator_id,
        daily.date.between(spec.starts_on, spec.ends_on),
    )
    sums = (
        select(
            ENROLLMENTS.c.creator_id,
            func.coalesce(func.sum(daily[spec.value_metric]), 0).label("value"),
            func.coalesce(func.sum(daily.gmv), 0).label("gmv"),
            func.coalesce(func.sum(daily.orders), 0).label("orders"),
        )
        .select_from(ENROLLMENTS.outerjoin(DAILY, in_window))
        .where(ENROLLMENTS.c.campaign_id == spec.id)
        .group_by(ENROLLMENTS.c.creator_id)
        .subquery()
    )
    ranked = select(
        literal(spec.id),
        sums.c.creator_id,
        sums.c.value,
        sums.c.gmv,
        sums.c.orders,
        rank_of(sums.c.value, session),
    ).join(CREATORS, CREATORS.c.id == sums.c.creator_id)
    columns = ["campaign_id", "creator_id", "value", "gmv", "orders", "rank"]
    result = session.execute(insert(STANDINGS).from_select(columns, ranked))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _insert_days(spec: Spec, *, session: Session) -> None:
    daily = DAILY.c
    gmv, orders = func.sum(daily.gmv), func.sum(daily.orders)
    value = func.sum(daily[spec.value_metric])
    days = (
        select(literal(spec.id), daily.date, gmv, orders, value)
        .join(ENROLLMENTS, ENROLLMENTS.c.creator_id == daily.creator_id)
        .where(
            ENROLLMENTS.c.campaign_id == spec.id,
            daily.date.between(spec.starts_on, spec.ends_on),
        )
        .group_by(daily.date)
        .having(or_(gmv != 0, orders != 0, value != 0))
    )
    columns = ["campaign_id", "date", "gmv", "orders", "value"]
    session.execute(insert(DAYS).from_select(columns, days))
