"""The busiest creators of some markets: the most GMV over the last 7 days of each market's
data, for the lists a form offers before anything is typed. The kept 7-day GMV board answers
in two indexed reads; a market without a current one is summed from its daily rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.boards.scopes import ALL
from creatorbot.storage.models import Creator, DailyMetric
from creatorbot.storage.queries.boards import read_board

WEEK = 7


def busiest_creators(
    ends: Mapping[str, dt.date], limit: int, *, session: Session
) -> list[tuple[Creator, int]]:
    """Up to `limit` creators of the markets in `ends` with their GMV over the 7 days to their
    market's day in `ends` (minor units), the most first, ties by handle (a kept board holds
    each market's top 50)."""
    found: list[tuple[int, int]] = []
    for market, end in ends.items():
        board = read_board(market, "gmv", "7d", ALL, end, session=session)
        if board is not None:
            rows = board.rows.head(limit)
            found.extend(zip(rows["creator_id"].tolist(), rows["value"].tolist(), strict=True))
            continue
        total = func.sum(DailyMetric.gmv)
        query = (
            select(DailyMetric.creator_id, total)
            .where(
                DailyMetric.market == market,
                DailyMetric.date.between(end - dt.timedelta(days=WEEK - 1), end),
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
