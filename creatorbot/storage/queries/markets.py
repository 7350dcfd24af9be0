"""Markets and what each one holds: its latest day of data, its tiers and categories."""

from __future__ import annotations

import datetime as dt
import time
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Creator, DailyMetric, Market, Tier

# Markets are reference data a migration writes (the bot never does): read once a minute per
# database rather than once per command, a round trip on PostgreSQL.
MARKETS_TTL_SECONDS = 60.0
_KEPT: WeakKeyDictionary[Engine, tuple[float, dict[str, Market]]] = WeakKeyDictionary()


def all_markets(*, session: Session) -> dict[str, Market]:
    """Every market by code, as read from the database at most a minute ago."""
    engine = session.get_bind()
    now = time.monotonic()
    kept = _KEPT.get(engine) if isinstance(engine, Engine) else None
    if kept is not None and now - kept[0] < MARKETS_TTL_SECONDS:
        return dict(kept[1])
    found = {m.code: m for m in session.scalars(select(Market).order_by(Market.code))}
    if isinstance(engine, Engine):
        # Copies that belong to no session: a rollback there cannot expire what others read.
        _KEPT[engine] = (now, {code: _copy(m) for code, m in found.items()})
    return found


def forget_markets() -> None:
    """Read the markets afresh at the next question (after a migration changed them)."""
    _KEPT.clear()


def _copy(market: Market) -> Market:
    return Market(
        code=market.code,
        name=market.name,
        currency=market.currency,
        minor_units=market.minor_units,
        timezone=market.timezone,
        locales=market.locales,
    )


def latest_day(market: str, *, session: Session) -> dt.date | None:
    """The latest local day that has any daily metrics for `market`."""
    return session.scalar(select(func.max(DailyMetric.date)).where(DailyMetric.market == market))


def tier_names(market: str, *, session: Session) -> list[str]:
    """The market's tiers, lowest first (from the tiers table, else from the creators)."""
    names = list(
        session.scalars(select(Tier.tier).where(Tier.market == market).order_by(Tier.rank))
    )
    if names:
        return names
    query = select(Creator.tier).where(Creator.market == market).distinct().order_by(Creator.tier)
    return list(session.scalars(query))


def categories(market: str, *, session: Session) -> list[str]:
    """The categories the market's creators are in."""
    query = (
        select(Creator.category)
        .where(Creator.market == market)
        .distinct()
        .order_by(Creator.category)
    )
    return list(session.scalars(query))


def market_tiers(market: str, *, session: Session) -> list[Tier]:
    """The market's tiers, lowest first."""
    return list(session.scalars(select(Tier).where(Tier.market == market).order_by(Tier.rank)))
