"""Money from a warehouse stays exact whatever the column's type (exact decimals, binary
floating point, text): an amount is stored as the minor units it says, and one that is not an
amount of the currency (a sum made in floating point, a refund below zero, a third decimal,
NULL, too large) is refused and named, never rounded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.importers import ImportFailed
from creatorbot.storage.sync import Source, sync_source
from creatorbot.storage.sync.sources import Query
from tests.storage.warehouse import DAY, creator_days, postgres_warehouse, seed_creators, stored

# Three amount columns of three types: exact decimals with more places than the currency has,
# binary floating point, and decimals of no stated scale (SQLite: REAL and NUMERIC affinity).
DDL = (
    "CREATE TABLE {table} (stat_day DATE, market VARCHAR(8), handle VARCHAR(64), "
    "gmv NUMERIC(20, 6), live_gmv DOUBLE PRECISION, video_gmv NUMERIC)"
)
COUNTS = "0 AS orders, 1 AS items_sold, 2 AS live_sessions, 3 AS live_minutes, "
COUNTS += "4 AS video_posts, 5 AS video_views, 6 AS new_followers"
QUERY = (
    "SELECT stat_day AS date, market, handle, {gmv} AS gmv, live_gmv, video_gmv, "
    + COUNTS
    + " FROM {table} WHERE stat_day = :day AND market = :market ORDER BY handle"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """An empty warehouse table of DDL's columns: (URL, table)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'money.sqlite3'}"
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(DDL.format(table="amounts")))
        engine.dispose()
        yield url, "amounts"
        return
    with postgres_warehouse([]) as (url, table):
        schema = table.split(".")[0]
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(DDL.format(table=f"{schema}.amounts")))
        engine.dispose()
        yield url, f"{schema}.amounts"


def fill(url: str, table: str, amounts: list[tuple[Any, Any, Any]]) -> None:
    """A row per amount triple (gmv, live_gmv, video_gmv), for creators c0000, c0001, …"""
    engine = create_engine(url)
    rows = [
        {"day": DAY, "handle": f"c{n:04d}", "gmv": gmv, "live": live, "video": video}
        for n, (gmv, live, video) in enumerate(amounts)
    ]
    sql = f"INSERT INTO {table} VALUES (:day, 'MY', :handle, :gmv, :live, :video)"
    with engine.begin() as conn:
        conn.execute(text(sql), rows)
    engine.dispose()


def sync(
    sessions: sessionmaker[Session], url: str, table: str, *, gmv: str = "gmv", chunk_rows: int = 2
) -> Any:
    query = Query(QUERY.format(table=table, gmv=gmv))
    source = Source("dwh-my", url, {"daily_metrics": query}, markets=("MY",), chunk_rows=chunk_rows)
    with sessions.begin() as session:
        return sync_source(source, "daily_metrics", market="MY", day=DAY, session=session)


def test_amounts_of_every_column_type_are_stored_exactly(
    sqlite_sessions: sessionmaker[Session], warehouse: tuple[str, str], tmp_path: Path
) -> None:
    seed_creators(sqlite_sessions, tmp_path, creator_days(4))
    fill(
        *warehouse,
        [
            ("0.30", "0.3", "0.30"),
            ("99999999.99", "99999999.99", "99999999.99"),  # the largest a creator-day holds
            ("0.01", "0", "1234567.890000"),
            ("12.500000", "0.07", "0.1"),
        ],
    )

    result = sync(sqlite_sessions, *warehouse)

    assert (result.rows, result.inserted) == (4, 4)
    with sqlite_sessions.begin() as session:
        money = {handle: figures[:3] for handle, figures in stored(session).items()}
    assert money == {
        "c0000": (30, 30, 30),
        "c0001": (9_999_999_999, 9_999_999_999, 9_999_999_999),
        "c0002": (1, 0, 123_456_789),
        "c0003": (1_250, 7, 10),
    }


def test_an_amount_summed_in_binary_floating_point_is_refused_not_rounded(
    sqlite_sessions: sessionmaker[Session], warehouse: tuple[str, str], tmp_path: Path
) -> None:
    seed_creators(sqlite_sessions, tmp_path, creator_days(2))
    fill(*warehouse, [("1.00", "1.00", "1.00"), ("2.00", "2.00", "2.00")])
    summed = "CAST(0.1 AS DOUBLE PRECISION) + CAST(0.2 AS DOUBLE PRECISION)"  # 0.30000000000000004

    with pytest.raises(ImportFailed) as failed:
        sync(sqlite_sessions, *warehouse, gmv=summed)

    said = str(failed.value)
    assert said.startswith("dwh-my daily_metrics: 2 problems, nothing was imported")
    assert 'row 2, column gmv: "0.30000000000000004"' in said
    assert 'row 3, column gmv: "0.30000000000000004"' in said
    with sqlite_sessions.begin() as session:
        assert stored(session) == {}


def test_refunds_nulls_extra_decimals_and_huge_amounts_are_each_named(
    sqlite_sessions: sessionmaker[Session], warehouse: tuple[str, str], tmp_path: Path
) -> None:
    seed_creators(sqlite_sessions, tmp_path, creator_days(5))
    fill(
        *warehouse,
        [
            ("-12.50", "1.00", "1.00"),  # a refund: below zero
            (None, "1.00", "1.00"),
            ("1.00", "1.005", "1.00"),  # a third decimal
            ("1.00", "1.00", "100000000.00"),  # beyond what a creator-day holds
            ("1.00", "1.00", "1.00"),
        ],
    )

    with pytest.raises(ImportFailed) as failed:
        sync(sqlite_sessions, *warehouse)

    said = str(failed.value)
    assert said.startswith("dwh-my daily_metrics: 4 problems, nothing was imported")
    assert 'row 2, column gmv: "-12.5' in said
    assert "row 3, column gmv: a value is required" in said
    assert 'row 4, column live_gmv: "1.005"' in said
    assert 'row 5, column video_gmv: "100000000' in said
    with sqlite_sessions.begin() as session:
        assert stored(session) == {}
