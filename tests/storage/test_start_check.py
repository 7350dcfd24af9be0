"""The freshness check every start runs (boards and day columns against the latest day) still
finds what is stale, and asks the daily table only what one index probe answers: a market's
latest day, or its first day with rows from a given day on. It never counts or groups a range of
daily rows, so a start costs the same at a million creators as at a hundred."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import Engine, delete, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import writer
from creatorbot.storage.boards.hooks import refresh_stale, stale_markets
from creatorbot.storage.db import make_engine, make_sessionmaker, upgrade
from creatorbot.storage.models import Board, DayColumn
from tests.commands.conftest import creator_row, metric_row

END = dt.date(2026, 11, 23)
DAYS = 5
# A statement on the daily table the check may issue: one market's latest day, or its first day
# with rows at or after a day (both one index probe).
LATEST = re.compile(r"select max\(daily_metrics\.date\).*where daily_metrics\.market = ")
PROBE = re.compile(
    r"select min\(daily_metrics\.date\).*where daily_metrics\.market = \S+ "
    r"and daily_metrics\.date >= \S+ and daily_metrics\.date <= \S+$"
)
# The same probes in one statement: each next day is the least date after the one before.
HOPS = re.compile(
    r"^with recursive .*select min\(daily_metrics\.date\) as day from daily_metrics "
    r"where daily_metrics\.market = .* union all select \(select min\(daily_metrics\.date\) "
    r"as \S+ from daily_metrics where daily_metrics\.market = \S+ and daily_metrics\.date <= "
    r"\S+ and daily_metrics\.date > "
)


def seed(sessions: sessionmaker[Session], creators: int, *, boards: bool = True) -> None:
    """`creators` creators in MY and IT with DAYS days each, written as an import writes them
    (day columns kept), with their boards refreshed unless `boards` is False."""
    handles = [f"c{n:05d}" for n in range(creators)]
    with sessions.begin() as session:
        writer.write_creators(
            pd.DataFrame([creator_row(h, "MY" if n % 2 else "IT") for n, h in enumerate(handles)]),
            session=session,
        )
        rows = [
            metric_row(END - dt.timedelta(days=d), h, 1_000 + n, "MY" if n % 2 else "IT")
            for d in range(DAYS)
            for n, h in enumerate(handles)
        ]
        writer.write_daily_metrics(pd.DataFrame(rows), session=session)
        if boards:
            refresh_stale(session=session)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement `engine` runs meanwhile, lowercased, one line each."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.lower().split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def on_daily_table(seen: list[str]) -> list[str]:
    return [s for s in seen if re.search(r"\bdaily_metrics\b", s)]


def test_the_check_finds_boards_behind_the_latest_day_and_lost_columns(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    seed(sessions, 6)
    with sessions() as session:
        assert stale_markets(session=session) == []
    with sessions.begin() as session:  # a new day straight through the writer: no board refresh
        writer.write_daily_metrics(
            pd.DataFrame([metric_row(END + dt.timedelta(days=1), "c00001", 5_000)]),
            session=session,
        )
    with sessions() as session:
        assert stale_markets(session=session) == ["MY"]
    upgrade(engine)  # what a start on SQLite runs
    with sessions() as session:
        assert stale_markets(session=session) == []
        query = select(Board.market, func.max(Board.end_day)).group_by(Board.market)
        ends = {market: day for market, day in session.execute(query)}
        assert ends == {"IT": END, "MY": END + dt.timedelta(days=1)}
    with sessions.begin() as session:  # a past day's columns lost behind the writer's back
        session.execute(delete(DayColumn).where(DayColumn.date == END - dt.timedelta(days=2)))
    with sessions() as session:
        assert stale_markets(session=session) == ["IT", "MY"]
    upgrade(engine)
    with sessions() as session:
        assert stale_markets(session=session) == []


def test_the_check_asks_the_daily_table_only_point_questions(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    seed(sessions, 8, boards=False)
    with statements(engine) as seen, sessions() as session:
        assert stale_markets(session=session) == ["IT", "MY"]  # boards missing: found
    daily = on_daily_table(seen)
    assert daily, "the check must look at the daily table"
    for statement in daily:
        assert "count(" not in statement and "group by" not in statement, statement
        assert any(p.search(statement) for p in (LATEST, PROBE, HOPS)), statement
    with sessions.begin() as session:
        refresh_stale(session=session)
    with statements(engine) as seen:
        upgrade(engine)  # at head, nothing stale: the start's whole check
    for statement in on_daily_table(seen):
        assert any(p.search(statement) for p in (LATEST, PROBE, HOPS)), statement


def vm_steps(path: str, creators: int) -> int:
    """SQLite virtual-machine steps the start's check takes on a world of `creators`."""
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        seed(sessions, creators)
        steps = [0]

        def count() -> int:
            steps[0] += 1
            return 0

        with sessions() as session:
            raw = session.connection().connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            raw.set_progress_handler(count, 1)
            assert stale_markets(session=session) == []
            raw.set_progress_handler(None, 1)
        return steps[0]
    finally:
        engine.dispose()


def test_the_checks_work_does_not_grow_with_the_creators(tmp_path: object) -> None:
    small = vm_steps(f"{tmp_path}/small.sqlite3", 20)
    large = vm_steps(f"{tmp_path}/large.sqlite3", 400)
    assert large == small
