"""A database whose boards are missing or stale (written before boards existed, or by a path
that skips the hook) gets them at the next upgrade, so it is fast at once."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import writer
from creatorbot.storage.boards.hooks import stale_markets
from creatorbot.storage.db import upgrade
from creatorbot.storage.models import Board
from tests.commands.conftest import creator_row, metric_row

END = dt.date(2026, 11, 23)


def test_upgrade_fills_missing_boards(engine: Engine, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:  # straight through the writer: no boards yet
        writer.write_creators(
            pd.DataFrame([creator_row("amir"), creator_row("giulia", "IT")]), session=session
        )
        writer.write_daily_metrics(
            pd.DataFrame([metric_row(END, "amir", 5_000), metric_row(END, "giulia", 7_000, "IT")]),
            session=session,
        )
    with sessions() as session:
        assert stale_markets(session=session) == ["IT", "MY"]
    upgrade(engine)
    with sessions() as session:
        assert stale_markets(session=session) == []
        days = set(session.scalars(select(Board.end_day).distinct()))
        assert days == {END}
        assert session.scalar(select(func.count()).select_from(Board)) > 0
