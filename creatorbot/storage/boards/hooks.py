"""When boards are refreshed: once after each write that can change a leaderboard."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.boards.refresh import Kept, Progress, Then, refresh_boards
from creatorbot.storage.daycolumns import missing_days, rebuild_days, stale_days
from creatorbot.storage.matchpools import WINDOWS, refresh_pools
from creatorbot.storage.memory import arrays_on_heap, release_memory
from creatorbot.storage.models import Market
from creatorbot.storage.queries.anomaly_upkeep import refresh_verdicts
from creatorbot.storage.segments import refresh_segments
from creatorbot.storage.upkeep import stale_board_markets as stale_markets
from creatorbot.storage.upsert import unmapped

# Daily metrics change the numbers; creators change who is in which tier and category.
BOARD_KINDS = frozenset({"creators", "daily_metrics"})
# Tiers change the thresholds the level-up and at-risk segments measure against.
SEGMENT_KINDS = frozenset({"tiers"})


def after_import(kind: str, frame: pd.DataFrame, *, session: Session) -> None:
    """After an import of `kind` wrote `frame`: refresh the boards, match pools, segments and
    latest anomaly verdicts of the markets it touched."""
    with arrays_on_heap():
        _after_import(kind, frame, session=session)


def _after_import(kind: str, frame: pd.DataFrame, *, session: Session) -> None:
    if kind in SEGMENT_KINDS and len(frame):
        refresh_segments(frame["market"].unique().tolist(), session=session)
    if kind in BOARD_KINDS and len(frame):
        markets = frame["market"].unique().tolist()
        with unmapped(session=session):  # sixty days of columns read: not left mapped
            # Each step's arrays are given back before the next's are made: a million
            # creators' columns, freed, otherwise stay in the heap (some 200 MB). `match`
            # ranks on windows the boards sum, by the same categories: its pools are made
            # from them as each market is ranked.
            refresh_boards(markets, session=session, keep=WINDOWS, then=_pools(session))
            release_memory()
            refresh_segments(markets, session=session)  # the same days, by tiers
            release_memory()
            if kind == "daily_metrics":  # creators do not change the day columns it is made of
                refresh_verdicts(markets, session=session)


def after_world(*, session: Session, progress: Progress | None = None) -> None:
    """After a demo world was written: refresh every market's boards (a rebuild may also have
    emptied a market the new world does not fill). A bulk load bypasses the writer, so the
    day columns are rebuilt from the rows first."""
    markets = session.scalars(select(Market.code)).all()
    with arrays_on_heap():
        for market in markets:
            rebuild_days(market, stale_days(market, session=session), session=session)
            rebuild_days(market, missing_days(market, session=session), session=session)
        pools = _pools(session)
        refresh_boards(markets, session=session, progress=progress, keep=WINDOWS, then=pools)
        refresh_segments(markets, session=session)
        refresh_verdicts(markets, session=session)


def _pools(session: Session) -> Then:
    """What refreshes a market's match pools from what its boards' refresh kept."""

    def then(market: str, kept: Kept | None) -> None:
        refresh_pools([market], session=session, kept=None if kept is None else {market: kept})

    return then


def refresh_stale(*, session: Session, counted: bool = False) -> list[str]:
    """Bring every stale market's day columns and boards up to date, and fill the kept days
    that have no columns (the history an upgrade starts to keep); the markets refreshed."""
    markets = stale_markets(session=session, counted=counted)
    for market in markets:
        days = stale_days(market, session=session, counted=counted)
        rebuild_days(market, days, session=session)
    for market in session.scalars(select(Market.code)):
        rebuild_days(market, missing_days(market, session=session), session=session)
    if markets:
        refresh_boards(markets, session=session)
    return markets
