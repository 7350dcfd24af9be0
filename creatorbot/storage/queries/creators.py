"""Creator lookups and one creator's totals over a window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Creator, DailyMetric


def find_creators(name: str, *, session: Session, market: str | None = None) -> list[Creator]:
    """Creators whose handle (with or without @) or display name is `name`, case-insensitive."""
    wanted = name.strip().lstrip("@").lower()
    query = select(Creator).where(
        or_(func.lower(Creator.handle) == wanted, func.lower(Creator.display_name) == wanted)
    )
    if market:
        query = query.where(Creator.market == market)
    return list(session.scalars(query.order_by(Creator.market, Creator.handle)))


def handles_like(name: str, *, session: Session, limit: int = 2000) -> list[str]:
    """Handles sharing the first letters of `name`: the candidates for "did you mean"."""
    prefix = name.strip().lstrip("@").lower()[:2]
    query = (
        select(Creator.handle)
        .where(func.lower(Creator.handle).startswith(prefix))
        .order_by(Creator.handle)
        .limit(limit)
    )
    return list(session.scalars(query))


def creator_totals(
    creator_id: int, start: dt.date, end: dt.date, *, session: Session
) -> dict[str, int]:
    """A creator's GMV, orders, live and video GMV summed over [start, end]."""
    row = session.execute(
        select(
            func.coalesce(func.sum(DailyMetric.gmv), 0),
            func.coalesce(func.sum(DailyMetric.orders), 0),
            func.coalesce(func.sum(DailyMetric.live_gmv), 0),
            func.coalesce(func.sum(DailyMetric.video_gmv), 0),
        ).where(DailyMetric.creator_id == creator_id, DailyMetric.date.between(start, end))
    ).one()
    return dict(zip(("gmv", "orders", "live_gmv", "video_gmv"), map(int, row), strict=True))


def owned_creators(names: Iterable[str], *, session: Session) -> list[Creator]:
    """Creators whose CM or AM is one of `names` (emails or full names, case-insensitive)."""
    wanted = [name.strip().lower() for name in names if name and name.strip()]
    if not wanted:
        return []
    query = select(Creator).where(
        or_(func.lower(Creator.cm).in_(wanted), func.lower(Creator.am).in_(wanted))
    )
    return list(session.scalars(query.order_by(Creator.market, Creator.handle)))
