"""Creators a typed name may mean when it names none exactly: handles and display names that
start with it, else (three characters or more) that contain it; accents and case ignored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import ColumnElement, SQLColumnExpression, Text, func, literal, or_, select
from sqlalchemy.orm import Session

from creatorbot.storage.handles import handle_key, name_key
from creatorbot.storage.models import Creator, DailyMetric

SHORTEST_PART = 3  # a part of a name shorter than this matches too much to help
READ = 200  # rows read per search, of the markets the user may see
TOP = "\U0010ffff"  # after every character: [prefix, prefix + TOP) holds every continuation


def search_creators(
    typed: str, *, session: Session, markets: Collection[str] | None = None
) -> list[Creator]:
    """The creators of `markets` (None: all) whose handle or display name starts with `typed`
    (an `@` before it dropped), else contains it; by market and handle."""
    wanted = typed.strip().lstrip("@")
    keys = {handle_key(wanted), name_key(wanted)} - {""}
    if not keys:
        return []
    starts = or_(*(_starts(column, key) for key in keys for column in _COLUMNS))
    found = _read(starts, markets, session)
    if not found and min(len(key) for key in keys) >= SHORTEST_PART:
        within = or_(*(_holds(column, key) for key in keys for column in _COLUMNS))
        found = _read(within, markets, session)
    return sorted(found, key=lambda c: (c.market, c.handle))


_COLUMNS = (Creator.handle_key, Creator.name_key)


def _starts(column: SQLColumnExpression[str], key: str) -> ColumnElement[bool]:
    # A range of the column's index (byte order on PostgreSQL), and LIKE for exactness.
    within = column.between(_text(key), _text(key + TOP))
    return within & column.like(_text(f"{_escaped(key)}%"), escape="/")


def _holds(column: SQLColumnExpression[str], key: str) -> ColumnElement[bool]:
    return column.like(_text(f"%{_escaped(key)}%"), escape="/")


def _text(value: str) -> ColumnElement[str]:
    # A plain text value: bound with the column's own type, PostgreSQL would be sent a cast
    # with the column's collation, which it does not take on a parameter.
    return literal(value, Text())


def _escaped(key: str) -> str:
    return key.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _read(
    condition: ColumnElement[bool], markets: Collection[str] | None, session: Session
) -> list[Creator]:
    query = select(Creator).where(condition)
    if markets is not None:
        # `market || ''`: kept in the query, so another market's creators never crowd the user's
        # out of the READ rows, yet no index of its own (SQLite would walk the market instead).
        query = query.where(Creator.market.concat("").in_(list(markets)))
    return list(session.scalars(query.limit(READ)))


def recent_gmv(
    creators: Collection[Creator], ends: dict[str, dt.date], days: int, *, session: Session
) -> dict[int, int]:
    """Each creator's GMV over the `days` days to their market's day in `ends` (minor units;
    0 without sales, absent when their market has no data)."""
    totals: dict[int, int] = {}
    for market, end in ends.items():
        ids = [c.id for c in creators if c.market == market]
        if not ids:
            continue
        query = (
            select(DailyMetric.creator_id, func.sum(DailyMetric.gmv))
            .where(
                DailyMetric.creator_id.in_(ids),
                DailyMetric.date.between(end - dt.timedelta(days=days - 1), end),
            )
            .group_by(DailyMetric.creator_id)
        )
        found = {int(i): int(v or 0) for i, v in session.execute(query)}
        totals.update({i: found.get(i, 0) for i in ids})
    return totals
