"""The busiest creators of some markets: the most GMV over the last days of each market's data,
for the lists a form offers before anything is typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Creator, DailyMetric


def busiest_creators(
    ends: Mapping[str, dt.date], days: int, limit: int, *, session: Session
) -> list[tuple[Creator, int]]:
    """Up to `limit` creators of the markets in `ends` with their GMV over the `days` days to
    their market's day in `ends` (minor units), the most first, ties by handle."""
    found: list[tuple[int, int]] = []
    for market, end in ends.items():
        total = func.sum(DailyMetric.gmv)
        query = (
            select(DailyMetric.creator_id, total)
            .where(
                DailyMetric.market == market,
                DailyMetric.date.between(end - dt.timedelta(days=days - 1), end),
            )
            .group_by(DailyMetric.creator_id)
            .order_by(total.desc(), DailyMetric.creator_id)
            .limit(limit)
        )
        found.extend((int(i), int(v or 0)) for i, v in session.execute(query))
    gmv = dict(found)
    creators = _by_id(gmv, session)
    ranked = sorted(creators, key=lambda c: (-gmv[c.id], c.handle, c.market))
    return [(c, gmv[c.id]) for c in ranked[:limit]]


def _by_id(ids: Collection[int], session: Session) -> list[Creator]:
    if not ids:
        return []
    return list(session.scalars(select(Creator).where(Creator.id.in_(list(ids)))))
