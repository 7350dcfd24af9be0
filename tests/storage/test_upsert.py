"""Bulk writes: rows known to be new go straight in (COPY on PostgreSQL) and a key already
stored fails the write; SQLite's bulk settings last only as long as the write."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import upsert
from creatorbot.storage.behind import copies_behind
from creatorbot.storage.models import Creator, SlotMetric
from creatorbot.storage.upsert import bulk_cache, insert_frame, table_of, unmapped

N = 2_500  # above upsert.COPY_FROM
COLUMNS = ("date", "market", "slot", "surface", "impressions", "clicks", "conversions")


def slots(first: int, count: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime([dt.date(2026, 11, 23)] * count),
            "market": ["MY"] * count,
            "slot": [f"s{n:05d}" for n in range(first, first + count)],
            "surface": ["banner"] * count,
            "impressions": range(first, first + count),
            "clicks": [1] * count,
            "conversions": [0] * count,
        }
    )


def test_new_rows_go_straight_in_and_a_stored_key_fails(sessions: sessionmaker[Session]) -> None:
    assert N >= upsert.COPY_FROM
    table = table_of(SlotMetric)
    with sessions.begin() as session:
        assert insert_frame(table, slots(0, N), COLUMNS, session=session) == N
    with sessions() as session:
        count, total = session.execute(select(func.count(), func.sum(SlotMetric.impressions))).one()
    assert (count, total) == (N, sum(range(N)))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        insert_frame(table, slots(N - 1, N), COLUMNS, session=session)  # s02499 is stored
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(SlotMetric)) == N


def test_sqlite_bulk_settings_are_restored_even_after_a_failure(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            with bulk_cache(session=session):  # nothing to set: a plain block
                pass
            return
        driver = session.connection().connection.driver_connection
        assert driver is not None

        def pragma(name: str) -> int:
            return int(driver.execute(f"PRAGMA {name}").fetchone()[0])

        before = pragma("cache_size"), pragma("mmap_size")
        assert before[1] > 0  # the engine maps the file for reads
        with pytest.raises(RuntimeError), bulk_cache(session=session):
            assert pragma("cache_size") == -upsert.BULK_CACHE_KIB
            assert pragma("mmap_size") == 0
            raise RuntimeError("the write failed")
        assert (pragma("cache_size"), pragma("mmap_size")) == before


def test_sqlite_reads_unmapped_keep_the_cache_and_restore_the_map(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session:
        if session.get_bind().dialect.name != "sqlite":
            with unmapped(session=session):  # nothing to set: a plain block
                pass
            return
        driver = session.connection().connection.driver_connection
        assert driver is not None

        def pragma(name: str) -> int:
            return int(driver.execute(f"PRAGMA {name}").fetchone()[0])

        before = pragma("cache_size"), pragma("mmap_size")
        assert before[1] > 0
        with pytest.raises(RuntimeError), unmapped(session=session):
            assert (pragma("cache_size"), pragma("mmap_size")) == (before[0], 0)
            raise RuntimeError("the refresh failed")
        assert (pragma("cache_size"), pragma("mmap_size")) == before


def creators(count: int, *, names: list[str]) -> pd.DataFrame:
    """Creators with every kind of column a bulk write encodes: text, numbers of each width,
    days, and missing values (no owner, no joining day) in every combination."""
    return pd.DataFrame(
        {
            "market": ["MY"] * count,
            "handle": [f"h{n:05d}" for n in range(count)],
            "display_name": [names[n % len(names)] for n in range(count)],
            "tier": ["gold"] * count,
            "category": ["beauty"] * count,
            "followers": [n * 1_000_003 if n % 7 else 2**40 + n for n in range(count)],
            "cm": [None if n % 2 else f"cm{n % 10}" for n in range(count)],
            "am": ["am1"] * count,
            "joined_on": pd.to_datetime(
                [
                    None if n % 3 == 0 else dt.date(2024, 1, 1) + dt.timedelta(days=n % 400)
                    for n in range(count)
                ]
            ),
        }
    )


@pytest.mark.parametrize(
    "names",
    [["Aisyah", "Bianca"], ["Aisyah", "Bea", "Chiara Rossi 💄", "Đặng"], [""]],
    ids=["fixed-width", "varying-width", "empty"],
)
def test_bulk_rows_read_back_exactly(sessions: sessionmaker[Session], names: list[str]) -> None:
    """Whatever way the rows travel (numpy-encoded when they can be, as text otherwise), what
    is stored is what was written, missing values included."""
    assert N >= upsert.COPY_FROM
    frame = creators(N, names=names)
    columns = tuple(frame.columns)
    with sessions.begin() as session:
        insert_frame(table_of(Creator), frame, columns, session=session)
    with sessions() as session:
        stored = session.execute(
            select(*(getattr(Creator, name) for name in columns)).order_by(Creator.handle)
        ).all()
    expected = [
        tuple(
            None if pd.isna(value) else value.date() if isinstance(value, pd.Timestamp) else value
            for value in row
        )
        for row in frame.itertuples(index=False)
    ]
    assert [tuple(row) for row in stored] == expected


def test_copies_left_behind_are_in_before_the_next_statement(
    sessions: sessionmaker[Session],
) -> None:
    """A COPY finishing on its own thread: whatever runs next on the session sees its rows."""
    table = table_of(SlotMetric)
    with sessions.begin() as session, copies_behind(session=session):
        for part in range(4):
            insert_frame(table, slots(part * N, N), COLUMNS, session=session)
            count = session.scalar(select(func.count()).select_from(SlotMetric))
            assert count == (part + 1) * N
    with sessions() as session:
        total = session.scalar(select(func.sum(SlotMetric.impressions)))
    assert total == sum(range(4 * N))


def test_a_copy_left_behind_that_fails_raises_its_own_error(
    sessions: sessionmaker[Session],
) -> None:
    """A key already stored fails the COPY on its thread: the block raises that (an integrity
    error), not what the aborted transaction made the next statement raise, and keeps nothing."""
    table = table_of(SlotMetric)
    with sessions.begin() as session:
        insert_frame(table, slots(0, N), COLUMNS, session=session)
    with (
        pytest.raises(IntegrityError),
        sessions.begin() as session,
        copies_behind(session=session),
    ):
        insert_frame(table, slots(N - 1, N), COLUMNS, session=session)  # s02499 is stored
        session.execute(select(func.count()).select_from(SlotMetric)).one()
    with (
        pytest.raises(IntegrityError),
        sessions.begin() as session,
        copies_behind(session=session),
    ):
        insert_frame(table, slots(N - 1, N), COLUMNS, session=session)
        insert_frame(table, slots(5 * N, N), COLUMNS, session=session)  # the next write
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(SlotMetric)) == N
