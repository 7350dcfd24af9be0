"""A creator's rows belong to it (daily metrics, board rows): deleted with
it, on SQLite and PostgreSQL; and writing them holds no lock on the creator, so an import in
progress keeps no one from changing creators."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import upsert, writer
from creatorbot.storage.boards.hooks import after_import
from creatorbot.storage.db import make_sessionmaker
from creatorbot.storage.models import BoardRow, Creator, DailyMetric
from tests.commands.conftest import creator_row, metric_row

DAY = dt.date(2026, 11, 23)


def _rows_by_handle(session: Session) -> dict[str, int]:
    query = (
        select(Creator.handle, func.count(DailyMetric.date))
        .join(DailyMetric, DailyMetric.creator_id == Creator.id, isouter=True)
        .group_by(Creator.handle)
    )
    return {handle: int(rows) for handle, rows in session.execute(query)}


def _owners(session: Session) -> dict[str, set[int]]:
    """The creator ids that rows of each table name."""
    return {
        model.__tablename__: set(session.scalars(select(model.creator_id).distinct()))
        for model in (DailyMetric, BoardRow)
    }


def test_deleting_creators_deletes_their_daily_rows(sessions: sessionmaker[Session]) -> None:
    handles = {"MY": ["ana", "ben", "cai"], "IT": ["dario"]}
    creators = pd.DataFrame(
        [creator_row(handle, market) for market, names in handles.items() for handle in names]
    )
    days = [DAY - dt.timedelta(days=1), DAY]
    metrics = pd.DataFrame(
        [
            metric_row(day, handle, 10_000, market)
            for market, names in handles.items()
            for handle in names
            for day in days
        ]
    )
    with sessions.begin() as session:
        writer.write_creators(creators, session=session)
        writer.write_daily_metrics(metrics, session=session)
        after_import("daily_metrics", metrics, session=session)  # the boards
        ids = {handle: int(i) for handle, i in session.execute(select(Creator.handle, Creator.id))}
    with sessions() as session:
        every = set(ids.values())
        assert _owners(session) == dict.fromkeys(_owners(session), every)
    with sessions.begin() as session:  # one creator
        session.execute(delete(Creator).where(Creator.handle == "ana"))
    with sessions() as session:
        assert _rows_by_handle(session) == {"ben": 2, "cai": 2, "dario": 2}
        assert session.scalar(select(func.count()).select_from(DailyMetric)) == 6
        left = every - {ids["ana"]}
        assert _owners(session) == dict.fromkeys(_owners(session), left)
    with sessions.begin() as session:  # several in one statement
        session.execute(delete(Creator).where(Creator.market == "MY"))
    with sessions() as session:
        assert _rows_by_handle(session) == {"dario": 2}
        assert session.scalar(select(func.count()).select_from(DailyMetric)) == 2
        assert _owners(session) == dict.fromkeys(_owners(session), {ids["dario"]})


def test_writing_a_day_locks_no_creator(pg_engine: Engine) -> None:
    """While a day of rows is being written (COPY and plain statements alike), another
    transaction may still lock a creator for a change of its own, without waiting."""
    sessions = make_sessionmaker(pg_engine)
    count = upsert.COPY_FROM + 10
    creators = pd.DataFrame([creator_row(f"c{n:05d}") for n in range(count)])
    with sessions.begin() as session:
        writer.write_creators(creators, session=session)
    for rows in (count, 3):  # COPY, then plain inserts
        day = DAY + dt.timedelta(days=rows)
        metrics = pd.DataFrame([metric_row(day, f"c{n:05d}", 100 * n) for n in range(count)][:rows])
        with sessions() as writing, sessions() as other:
            writer.write_daily_metrics(metrics, session=writing)
            other.execute(text("SET lock_timeout = '1s'"))
            locked = other.scalars(
                select(Creator.handle)
                .where(Creator.handle == "c00000")
                .with_for_update(nowait=True)
            ).all()
            assert locked == ["c00000"]
            other.rollback()
            writing.commit()
    with sessions() as session:
        stored = session.scalar(select(func.count()).select_from(DailyMetric))
        assert stored == count + 3
