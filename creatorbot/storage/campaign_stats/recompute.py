"""Full recompute of campaigns' stats from the raw rows: every enrolled creator's sums over the
window with their ranks, the window's days, the totals."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from creatorbot.storage.campaign_stats.fresh import Spec
from creatorbot.storage.campaign_stats.standings import FIGURES, store_standings
from creatorbot.storage.campaign_stats.tables import DAILY, DAYS, ENROLLMENTS
from creatorbot.storage.changes import lock_markets
from creatorbot.storage.fetch import fetch_integers
from creatorbot.storage.queries.markets import latest_day

logger = logging.getLogger(__name__)


def recompute(campaigns: Iterable[Spec], *, session: Session) -> None:
    """Replace the stats of `campaigns` with what their raw rows say. Never commits."""
    wanted = list(campaigns)
    lock_markets({spec.market for spec in wanted}, session=session)
    latest = {market: latest_day(market, session=session) for market in {s.market for s in wanted}}
    for spec in wanted:
        started = time.perf_counter()
        session.execute(delete(DAYS).where(DAYS.c.campaign_id == spec.id))
        _insert_days(spec, session=session)
        store_standings(spec, sums_of(spec, session=session), latest[spec.market], session=session)
        logger.debug(
            "campaign stats recomputed",
            extra={"campaign_id": spec.id, "seconds": round(time.perf_counter() - started, 3)},
        )


def sums_of(spec: Spec, *, session: Session, creators: list[int] | None = None) -> pd.DataFrame:
    """Every enrolled creator's (or those of `creators`) FIGURES summed over the campaign's
    window (0 without rows), by creator id: what the raw rows say their standings are."""
    daily = DAILY.c
    in_window = and_(
        daily.creator_id == ENROLLMENTS.c.creator_id,
        daily.date.between(spec.starts_on, spec.ends_on),
    )
    sums = (
        select(
            ENROLLMENTS.c.creator_id,
            *(_total(daily[name]) for name in (spec.value_metric, "gmv", "orders")),
        )
        .select_from(ENROLLMENTS.outerjoin(DAILY, in_window))
        .where(ENROLLMENTS.c.campaign_id == spec.id)
        .group_by(ENROLLMENTS.c.creator_id)
    )
    if creators is not None:
        sums = sums.where(ENROLLMENTS.c.creator_id.in_(creators))
    rows = fetch_integers(sums, session=session).reshape(-1, 1 + len(FIGURES))
    return pd.DataFrame(rows[:, 1:], columns=FIGURES, index=pd.Index(rows[:, 0], name="creator_id"))


def _total(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """The column's sum, 0 without rows, as a 64-bit integer (PostgreSQL sums bigints as
    numeric, which the integer reads do not decode)."""
    return cast(func.coalesce(func.sum(column), 0), BigInteger)


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
