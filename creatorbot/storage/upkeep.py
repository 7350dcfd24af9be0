"""What the write path keeps that may need work at start (boards, day columns, stamps, match
pools, segments, campaign stats), asked with SQL alone: a start that finds nothing to do imports
none of the refreshes (numpy, pandas)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.campaign_stats.fresh import stale_campaigns
from creatorbot.storage.daycheck import missing_days, stale_days
from creatorbot.storage.models import Board, Market, MatchPool, SegmentRun
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.segments.rules import rules
from creatorbot.storage.stamps import unstamped


def anything_stale(*, session: Session) -> bool:
    """Whether `db.upgrade`'s refreshes have anything to do (without a migration)."""
    markets = session.scalars(select(Market.code)).all()
    return bool(
        stale_board_markets(session=session)
        or any(missing_days(market, session=session) for market in markets)
        or unstamped(session=session)
        or stale_pool_markets(session=session)
        or stale_segment_markets(session=session)
        or stale_campaigns(session=session)
    )


def stale_board_markets(*, session: Session, counted: bool = False) -> list[str]:
    """Markets whose boards do not describe their latest day (e.g. just after an upgrade that
    introduced boards, or a write that bypassed the import path), or whose day columns are stale
    (`stale_days`; `counted` as there). Asked market by market, each an index probe: the check
    at start costs the same at a thousand creators as at a million."""
    stored: dict[str, set[object]] = {}
    for market, end_day in session.execute(select(Board.market, Board.end_day).distinct()):
        stored.setdefault(market, set()).add(end_day)
    found = []
    for market in session.scalars(select(Market.code).order_by(Market.code)).all():
        day = latest_day(market, session=session)
        if day is None:
            continue
        if stored.get(market) != {day} or stale_days(market, session=session, counted=counted):
            found.append(market)
    return found


def stale_pool_markets(*, session: Session) -> list[str]:
    """Markets with data whose pools are missing or describe another day than their latest."""
    stored = dict(
        session.execute(
            select(MatchPool.market, func.min(MatchPool.end_day)).group_by(MatchPool.market)
        ).all()
    )
    markets = session.scalars(select(Market.code).order_by(Market.code)).all()
    stale = []
    for market in markets:
        end = latest_day(market, session=session)
        if end is not None and stored.get(market) != end:
            stale.append(market)
    return stale


def stale_segment_markets(*, session: Session) -> list[str]:
    """Markets whose segments are missing, describe another day than their latest, or were
    computed under other rules."""
    # Only the day and rules of each run: not its figures (megabytes per market, at every start).
    query = select(SegmentRun.market, SegmentRun.end_day, SegmentRun.rules)
    stored = {market: (end_day, described) for market, end_day, described in session.execute(query)}
    current = rules().describe()
    stale = []
    for market in session.scalars(select(Market.code).order_by(Market.code)):
        end = latest_day(market, session=session)
        run = stored.get(market)
        if end is None:
            if run is not None:
                stale.append(market)
        elif run is None or run != (end, current):
            stale.append(market)
    return stale
