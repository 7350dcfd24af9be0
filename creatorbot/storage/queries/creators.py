"""Creator lookups, one creator's days, campaigns and owners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from creatorbot.storage.handles import handle_key, name_key
from creatorbot.storage.models import Campaign, Creator, DailyMetric, Enrollment

if TYPE_CHECKING:
    import pandas as pd


def find_creators(name: str, *, session: Session, market: str | None = None) -> list[Creator]:
    """Creators whose handle (with or without @) is `name` up to case, Unicode form and invisible
    characters (storage/handles.py), or whose display name is `name` up to accents and case."""
    wanted = name.strip().lstrip("@")
    # Only the name conditions go to the database, so it probes their indexes (with the market
    # in the query too, SQLite would walk the market's creators in handle order instead).
    query = select(Creator).where(
        or_(Creator.handle_key == handle_key(wanted), Creator.name_key == name_key(name))
    )
    found = [c for c in session.scalars(query) if market is None or c.market == market]
    return sorted(found, key=lambda c: (c.market, c.handle))


def creator_by_id(creator_id: int, *, session: Session) -> Creator | None:
    """The creator with this id, or None."""
    return session.get(Creator, creator_id) if 0 < creator_id < 2**31 else None


def creator_daily(
    creator_id: int, start: dt.date, end: dt.date, *, session: Session
) -> pd.DataFrame:
    """One creator's days in [start, end]: GMV, orders, live and video GMV (days without a row
    are absent)."""
    query = (
        select(
            DailyMetric.date,
            DailyMetric.gmv,
            DailyMetric.orders,
            DailyMetric.live_gmv,
            DailyMetric.video_gmv,
        )
        .where(DailyMetric.creator_id == creator_id, DailyMetric.date.between(start, end))
        .order_by(DailyMetric.date)
    )
    import pandas as pd  # here: the other lookups of this module are asked without it

    columns = ["date", "gmv", "orders", "live_gmv", "video_gmv"]
    frame = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=columns)
    return frame.astype({c: "int64" for c in columns[1:]})


def creator_names_like(
    name: str, *, session: Session, limit: int = 2000, markets: Iterable[str] | None = None
) -> list[str]:
    """Handles and display names sharing the first letters of `name`: "did you mean" material,
    of creators in `markets` (None: every market)."""
    prefix = name.strip().lstrip("@").lower()[:2]
    handles = select(Creator.handle).where(func.lower(Creator.handle).startswith(prefix))
    names = select(Creator.display_name).where(Creator.name_key.startswith(name_key(prefix)))
    if markets is not None:
        handles = handles.where(Creator.market.in_(list(markets)))
        names = names.where(Creator.market.in_(list(markets)))
    found = list(session.scalars(handles.limit(limit))) + list(session.scalars(names.limit(limit)))
    return sorted(set(found))


def creator_campaigns(creator_id: int, *, session: Session) -> list[Campaign]:
    """The campaigns a creator is enrolled in, latest start first."""
    query = (
        select(Campaign)
        .join(Enrollment, Enrollment.campaign_id == Campaign.id)
        .where(Enrollment.creator_id == creator_id)
        .order_by(Campaign.starts_on.desc(), Campaign.slug)
    )
    return list(session.scalars(query))


def owner_clause(names: Iterable[str], roles: Iterable[str] = ("cm", "am")) -> ColumnElement[bool]:
    """Creators whose CM or AM (`roles`: which of the two) is one of `names` (emails or full
    names, case-insensitive; each side an index probe)."""
    wanted = [name.strip().lower() for name in names if name and name.strip()]
    columns = {"cm": Creator.cm, "am": Creator.am}
    return or_(*(func.lower(columns[role]).in_(wanted) for role in roles))


def owned_ids(
    market: str, names: Iterable[str], roles: Iterable[str], *, session: Session
) -> list[int]:
    """The ids of the market's creators whose CM or AM (`roles`) is one of `names`."""
    query = select(Creator.id).where(Creator.market == market, owner_clause(names, roles))
    return list(session.scalars(query))


def owned_creators(names: Iterable[str], *, session: Session) -> list[Creator]:
    """Creators whose CM or AM is one of `names` (emails or full names, case-insensitive)."""
    wanted = [name for name in names if name and name.strip()]
    if not wanted:
        return []
    query = select(Creator).where(owner_clause(wanted))
    return list(session.scalars(query.order_by(Creator.market, Creator.handle)))


def owned_markets(names: Iterable[str], *, session: Session) -> set[str]:
    """The markets of the creators whose CM or AM is one of `names`."""
    wanted = [name for name in names if name and name.strip()]
    if not wanted:
        return set()
    query = select(Creator.market).where(owner_clause(wanted)).distinct()
    return set(session.scalars(query))
