"""When boards are refreshed: once after each write that can change a leaderboard."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creatorbot.storage.boards.refresh import Progress, refresh_boards
from creatorbot.storage.daycolumns import missing_days, rebuild_days, stale_days
from creatorbot.storage.models import Board, DailyMetric, Market

# Daily metrics change the numbers; creators change who is in which tier and category.
BOARD_KINDS = frozenset({"creators", "daily_metrics"})


def after_import(kind: str, frame: pd.DataFrame, *, session: Session) -> None:
    """After an import of `kind` wrote `frame`: refresh the boards of the markets it touched."""
    if kind in BOARD_KINDS and len(frame):
        refresh_boards(frame["market"].unique().tolist(), session=session)


def after_world(*, session: Session, progress: Progress | None = None) -> None:
    """After a demo world was written: refresh every market's boards (a rebuild may also have
    emptied a market the new world does not fill). A bulk load bypasses the writer, so the
    day columns are rebuilt from the rows first."""
    markets = session.scalars(select(Market.code)).all()
    for market in markets:
        rebuild_days(market, stale_days(market, session=session), session=session)
        rebuild_days(market, missing_days(market, session=session), session=session)
    refresh_boards(markets, session=session, progress=progress)


def stale_markets(*, session: Session) -> list[str]:
    """Markets whose boards do not describe their latest day (e.g. just after an upgrade that
    introduced boards, or a write that bypassed the import path)."""
    latest = dict(
        session.execute(
            select(DailyMetric.market, func.max(DailyMetric.date)).group_by(DailyMetric.market)
        ).all()
    )
    stored: dict[str, set[object]] = {}
    for market, end_day in session.execute(select(Board.market, Board.end_day).distinct()):
        stored.setdefault(market, set()).add(end_day)
    return sorted(
        m for m, day in latest.items() if stored.get(m) != {day} or stale_days(m, session=session)
    )


def refresh_stale(*, session: Session) -> list[str]:
    """Bring every stale market's day columns and boards up to date, and fill the kept days
    that have no columns (the history an upgrade starts to keep); the markets refreshed."""
    markets = stale_markets(session=session)
    for market in markets:
        rebuild_days(market, stale_days(market, session=session), session=session)
    for market in session.scalars(select(Market.code)):
        rebuild_days(market, missing_days(market, session=session), session=session)
    if markets:
        refresh_boards(markets, session=session)
    return markets
