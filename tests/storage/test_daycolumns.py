"""Day columns stay equal to the daily rows through every kind of write, on both databases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import writer
from creatorbot.storage.daycolumns import (
    NAMES,
    RETAIN_DAYS,
    iter_columns,
    pack,
    read_day,
    stale_days,
    unpack,
)
from creatorbot.storage.db import upgrade
from creatorbot.storage.models import DayColumn
from tests.commands.conftest import creator_row, metric_row

END = dt.date(2026, 11, 23)
HANDLES = ["amir", "bella", "chen", "dara"]


def raw_day(session: Session, market: str, day: dt.date) -> dict[str, list[int]]:
    """The day's rows straight from the table, by creator id: the independent side."""
    rows = session.execute(
        text(
            f"SELECT {', '.join(NAMES)} FROM daily_metrics "
            "WHERE market = :market AND date = :day ORDER BY creator_id"
        ),
        {"market": market, "day": day},
    ).all()
    return {name: [int(row[n]) for row in rows] for n, name in enumerate(NAMES)}


def stored_day(session: Session, market: str, day: dt.date) -> dict[str, list[int]] | None:
    columns = read_day(market, day, session=session)
    return None if columns is None else {k: v.tolist() for k, v in columns.items()}


def write(session: Session, rows: list[dict]) -> None:
    writer.write_daily_metrics(pd.DataFrame(rows), session=session)


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions.begin() as session:
        writer.write_creators(
            pd.DataFrame([creator_row(h) for h in HANDLES] + [creator_row("giulia", "IT")]),
            session=session,
        )
        write(
            session,
            [
                metric_row(END - dt.timedelta(days=d), h, 1_000 * (n + 1) + d)
                for d in range(3)
                for n, h in enumerate(HANDLES[:3])
            ]
            + [metric_row(END, "giulia", 777, "IT")],
        )
    return sessions


def assert_columns_match(session: Session) -> None:
    for market, day in session.execute(
        text("SELECT DISTINCT market, date FROM daily_metrics")
    ).all():
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        assert stored_day(session, market, day) == raw_day(session, market, day), (market, day)


def test_new_days_corrections_and_late_rows_keep_columns_exact(
    seeded: sessionmaker[Session],
) -> None:
    with seeded() as session:
        assert_columns_match(session)
        assert stored_day(session, "MY", END)["gmv"] == [1_000, 2_000, 3_000]  # type: ignore[index]
    with seeded.begin() as session:
        # A correction of one creator's past day, and a creator who joins that day late.
        write(
            session,
            [
                metric_row(END - dt.timedelta(days=1), "bella", 9_999),
                metric_row(END - dt.timedelta(days=1), "dara", 55),
            ],
        )
    with seeded() as session:
        assert_columns_match(session)
        day = stored_day(session, "MY", END - dt.timedelta(days=1))
        assert day is not None and day["gmv"] == [1_001, 9_999, 3_001, 55]
        assert stale_days("MY", session=session) == []


def test_identical_reimport_changes_nothing(seeded: sessionmaker[Session]) -> None:
    with seeded() as session:
        before = session.execute(select(DayColumn.name, DayColumn.date, DayColumn.data)).all()
    with seeded.begin() as session:
        write(session, [metric_row(END, h, 1_000 * (n + 1)) for n, h in enumerate(HANDLES[:3])])
    with seeded() as session:
        after = session.execute(select(DayColumn.name, DayColumn.date, DayColumn.data)).all()
        assert sorted(map(tuple, after)) == sorted(map(tuple, before))


def test_days_no_board_reaches_are_dropped(seeded: sessionmaker[Session]) -> None:
    later = END + dt.timedelta(days=RETAIN_DAYS)  # END + 1 is now the oldest day kept
    with seeded.begin() as session:
        write(session, [metric_row(later, "amir", 5)])
    with seeded() as session:
        kept = session.scalars(select(DayColumn.date).where(DayColumn.market == "MY").distinct())
        assert set(kept) == {later}
        assert read_day("IT", END, session=session) is not None  # other markets keep theirs


def test_upgrade_rebuilds_missing_or_stale_columns(
    engine: Engine, seeded: sessionmaker[Session]
) -> None:
    gone = END - dt.timedelta(days=2)
    with seeded.begin() as session:
        # Behind the writer's back: one day's columns lost, another day's rows deleted.
        session.execute(delete(DayColumn).where(DayColumn.date == END))
        session.execute(text("DELETE FROM daily_metrics WHERE date = :day"), {"day": gone})
    with seeded() as session:
        assert stale_days("MY", session=session) == [gone, END]
        assert stale_days("IT", session=session) == [END]
    upgrade(engine)
    with seeded() as session:
        assert stale_days("MY", session=session) == []
        assert read_day("MY", gone, session=session) is None
        assert_columns_match(session)


@pytest.mark.parametrize(
    "values",
    [[0], [1, -1, 127], [300, 5], [2**40, 0], [2**62, -(2**62)], []],
)
def test_packing_is_exact_and_narrow(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    data = pack(array)
    assert unpack(data).tolist() == values
    if values and max(abs(v) for v in values) < 128:
        assert len(data) < 128 + 2 * len(values)  # one byte per value after the .npy header


def test_columns_are_read_day_by_day_as_the_rows_hold_them(
    seeded: sessionmaker[Session],
) -> None:
    """The boards' read: each day of a span in order, narrow, equal to the daily rows; days
    outside the span and other markets are left out."""
    first = END - dt.timedelta(days=1)
    with seeded() as session:
        for name in ("creator_id", "gmv"):
            days = list(iter_columns("MY", name, first, END, session=session))
            assert [day for day, _ in days] == [first, END]
            for day, values in days:
                assert values.tolist() == raw_day(session, "MY", day)[name]
                assert values.dtype.itemsize < 8  # as stored: small numbers take less
        assert [day for day, _ in iter_columns("IT", "gmv", first, END, session=session)] == [END]


def test_the_latest_732_days_are_kept(seeded: sessionmaker[Session]) -> None:
    """SECURITY.md: day columns for the latest 732 days (two windows of 366), the latest
    included; the day before them goes."""
    later = END + dt.timedelta(days=731)  # END is now the 732nd day back, counting `later`
    with seeded.begin() as session:
        write(session, [metric_row(later, "amir", 5)])
    with seeded() as session:
        kept = session.scalars(select(DayColumn.date).where(DayColumn.market == "MY").distinct())
        assert set(kept) == {END, later}
