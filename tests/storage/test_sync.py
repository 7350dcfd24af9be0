"""Warehouse sync: PostgreSQL and SQLite warehouses give the figures of the file import, a
re-run changes nothing, chunks change nothing, and any failure leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

import creatorbot.storage.sync.reading as reading
from creatorbot.storage.importers import ImportFailed, import_file
from creatorbot.storage.models import Creator, DailyMetric, DayColumn
from creatorbot.storage.sync import Source, SourcesError, SyncFailed, load_sources, sync_source
from creatorbot.storage.sync.sources import Query
from creatorbot.storage.sync.stream import chunks
from tests.storage.warehouse import (
    COLUMNS,
    DAY,
    SELECT,
    canonical_csv,
    creator_days,
    expected,
    postgres_warehouse,
    seed_creators,
    sqlite_warehouse,
    stored,
)


def source_for(url: str, table: str, *, chunk_rows: int = 50_000, name: str = "dwh-my") -> Source:
    query = Query(SELECT.format(table=table), COLUMNS)
    return Source(name, url, {"daily_metrics": query}, markets=("MY",), chunk_rows=chunk_rows)


@pytest.fixture(params=["sqlite", "postgresql"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Make a warehouse of the given rows: (URL, table)."""

    if request.param == "sqlite":
        yield lambda rows: sqlite_warehouse(tmp_path / "warehouse.sqlite3", rows)
        return
    opened: list[Any] = []

    def make(rows: list[dict[str, Any]]) -> tuple[str, str]:
        context = postgres_warehouse(rows)
        opened.append(context)
        return context.__enter__()

    yield make
    for context in opened:
        context.__exit__(None, None, None)


@pytest.fixture(params=["thread", "process"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Read the warehouse on a thread (a small market) or in a process of its own (a large
    one): the same results either way."""
    if request.param == "process":
        monkeypatch.setattr(reading, "APART_FROM", 0)
    return str(request.param)


def sync(sessions: sessionmaker[Session], source: Source, day: dt.date = DAY) -> Any:
    with sessions.begin() as session:
        return sync_source(source, "daily_metrics", market="MY", day=day, session=session)


def everything(session: Session) -> tuple[list[Any], list[Any]]:
    metrics = session.execute(select(DailyMetric.__table__).order_by("creator_id", "date")).all()
    columns = session.execute(select(DayColumn.__table__).order_by("market", "date", "name")).all()
    return [tuple(r) for r in metrics], [tuple(r) for r in columns]


def test_sync_stores_the_figures_of_the_file_import(
    sessions: sessionmaker[Session], warehouse: Any, tmp_path: Path, reader: str
) -> None:
    rows = creator_days(10)
    seed_creators(sessions, tmp_path, rows)
    source = source_for(*warehouse(rows))

    result = sync(sessions, source)

    assert (result.rows, result.inserted, result.updated) == (10, 10, 0)
    with sessions.begin() as session:
        assert stored(session) == expected(rows)
    # The equivalent canonical file finds every row already stored, with the same figures.
    with sessions.begin() as session:
        again = import_file(
            "daily_metrics", canonical_csv(tmp_path / "d.csv", rows), session=session
        )
    assert (again.inserted, again.updated) == (0, 10)
    with sessions.begin() as session:
        assert stored(session) == expected(rows)


def test_a_second_sync_of_the_day_changes_nothing(
    sessions: sessionmaker[Session], warehouse: Any, tmp_path: Path
) -> None:
    rows = creator_days(10)
    seed_creators(sessions, tmp_path, rows)
    source = source_for(*warehouse(rows))
    sync(sessions, source)
    with sessions.begin() as session:
        before = everything(session)

    result = sync(sessions, source)

    assert (result.rows, result.inserted, result.updated) == (10, 0, 10)
    with sessions.begin() as session:
        assert everything(session) == before


def test_small_chunks_store_the_same_figures(
    sessions: sessionmaker[Session], warehouse: Any, tmp_path: Path, reader: str
) -> None:
    rows = creator_days(10)
    seed_creators(sessions, tmp_path, rows)
    source = source_for(*warehouse(rows), chunk_rows=3)  # chunks of 3, 3, 3 and 1 rows

    result = sync(sessions, source)

    assert (result.rows, result.inserted) == (10, 10)
    with sessions.begin() as session:
        assert stored(session) == expected(rows)
        (count,) = session.execute(select(func.count()).select_from(DayColumn)).one()
        assert count > 0  # the day's columns were kept by the write path


def test_a_bad_row_in_a_late_chunk_leaves_nothing(
    sessions: sessionmaker[Session], warehouse: Any, tmp_path: Path, reader: str
) -> None:
    rows = creator_days(10)
    seed_creators(sessions, tmp_path, rows)
    rows[8]["gmv"] = Decimal("-5.00")  # result row 9, in the third chunk of three
    source = source_for(*warehouse(rows), chunk_rows=3)

    with pytest.raises(ImportFailed) as failed:
        sync(sessions, source)

    said = str(failed.value)
    assert said.startswith("dwh-my daily_metrics: 1 problem, nothing was imported")
    assert "row 10, column gmv" in said  # numbered as a CSV export of the result
    with sessions.begin() as session:
        assert stored(session) == {}
        assert session.scalar(select(func.count()).select_from(DayColumn)) == 0


def test_counts_beyond_their_bounds_are_refused_and_named(
    sessions: sessionmaker[Session], warehouse: Any, tmp_path: Path
) -> None:
    # Integer columns are taken as they come only when every value is a count validation
    # accepts; otherwise each bad one is named, as in a file.
    rows = creator_days(10)
    seed_creators(sessions, tmp_path, rows)
    rows[2]["orders"] = -1  # result row 4
    rows[6]["video_views"] = 10**10  # result row 8: beyond what a sum can hold
    source = source_for(*warehouse(rows), chunk_rows=4)

    with pytest.raises(ImportFailed) as failed:
        sync(sessions, source)

    said = str(failed.value)
    assert said.startswith("dwh-my daily_metrics: 2 problems, nothing was imported")
    assert "row 4, column orders" in said and "-1" in said
    assert "row 8, column video_views" in said and "10000000000" in said
    with sessions.begin() as session:
        assert stored(session) == {}


def test_a_key_repeated_in_another_chunk_is_refused(
    sessions: sessionmaker[Session], warehouse: Any, tmp_path: Path, reader: str
) -> None:
    rows = creator_days(6)
    seed_creators(sessions, tmp_path, rows)
    rows.append({**rows[0], "handle": "c0000"})  # c0000 again: result rows 1 and 2
    source = source_for(*warehouse(rows), chunk_rows=1)  # each in a chunk of its own

    with pytest.raises(ImportFailed) as failed:
        sync(sessions, source)

    assert "row 3, column date+market+handle" in str(failed.value)
    assert "same date, market, handle as row 2" in str(failed.value)
    with sessions.begin() as session:
        assert stored(session) == {}


def test_a_warehouse_that_is_down_is_a_plain_error(
    sessions: sessionmaker[Session], tmp_path: Path, reader: str
) -> None:
    rows = creator_days(3)
    seed_creators(sessions, tmp_path, rows)
    source = source_for("postgresql+psycopg://reader:secret@127.0.0.1:1/dwh", "creator_day")

    with pytest.raises(SyncFailed) as failed:
        sync(sessions, source)

    said = str(failed.value)
    assert said.startswith("dwh-my daily_metrics: the warehouse could not be read")
    assert "refused" in said.lower()
    assert "secret" not in said and "\n" not in said
    with sessions.begin() as session:
        assert stored(session) == {}


def test_a_missing_sqlite_warehouse_is_not_created(
    sessions: sessionmaker[Session], tmp_path: Path, reader: str
) -> None:
    seed_creators(sessions, tmp_path, creator_days(1))
    source = source_for(f"sqlite:///{tmp_path / 'nowhere.sqlite3'}", "creator_day")

    with pytest.raises(SyncFailed, match="no such database file: nowhere.sqlite3"):
        sync(sessions, source)
    assert not (tmp_path / "nowhere.sqlite3").exists()


def test_an_empty_day_is_a_failure_to_retry(
    sessions: sessionmaker[Session], warehouse: Any, tmp_path: Path, reader: str
) -> None:
    rows = creator_days(3)
    seed_creators(sessions, tmp_path, rows)
    source = source_for(*warehouse(rows))

    with pytest.raises(SyncFailed, match="returned no rows for 2026-12-04"):
        sync(sessions, source, day=DAY - dt.timedelta(days=1))


CREATORS = (
    "SELECT handle, display_name, market, 'gold' AS tier, 'beauty' AS category, followers, "
    "NULL AS cm, NULL AS am, NULL AS joined_on FROM people WHERE market IN ('IT', :market)"
)


def test_rows_of_another_market_are_refused(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    url, _ = sqlite_warehouse(tmp_path / "w.sqlite3", [])
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE people (handle, display_name, market, followers)"))
        conn.execute(
            text("INSERT INTO people VALUES ('ana', 'Ana', 'MY', 10), ('zed', 'Zed', 'IT', 5)")
        )
    engine.dispose()
    source = Source("dwh-my", url, {"creators": Query(CREATORS)}, markets=("MY",))

    with pytest.raises(ImportFailed) as failed, sessions.begin() as session:
        sync_source(source, "creators", market="MY", day=DAY, session=session)

    assert 'row 3, column market: "IT" — the sync is for market MY' in str(failed.value)
    with sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Creator)) == 0
    source = replace(source, queries={"creators": Query(CREATORS.replace("'IT', ", ""))})
    with sessions.begin() as session:
        result = sync_source(source, "creators", market="MY", day=DAY, session=session)
    assert (result.kind, result.rows, result.inserted) == ("creators", 1, 1)


SOURCES = """
sources:
  dwh-my:
    url: postgresql+psycopg://reader:${DWH_PASSWORD}@dwh.internal:5432/analytics
    markets: [MY]
    at: "06:30"
    chunk_rows: 20000
    kinds:
      daily_metrics:
        query: SELECT * FROM creator_day WHERE stat_day = :day AND market_code = :market
        columns: {creator: handle, views: video_views}
      creators: SELECT * FROM creators WHERE market = :market
"""


def test_the_sources_file_takes_secrets_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES, encoding="utf-8")

    sources = load_sources(path, {"DWH_PASSWORD": "s3cret"})

    source = sources["dwh-my"]
    assert source.url == "postgresql+psycopg://reader:s3cret@dwh.internal:5432/analytics"
    assert "s3cret" not in repr(source)
    assert source.at == dt.time(6, 30) and source.chunk_rows == 20_000
    assert source.queries["daily_metrics"].columns == {"creator": "handle", "views": "video_views"}
    assert source.queries["daily_metrics"].parameters == {"day", "market"}
    assert set(source.queries) == {"daily_metrics", "creators"}
    with pytest.raises(SourcesError, match=r"dwh-my.*\$\{DWH_PASSWORD\}, which is not set"):
        load_sources(path, {})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("sources: {}", "expected a `sources:` mapping"),
        ("sources: {a: {url: 'sqlite://', kinds: {orders: 'SELECT 1'}}}", "unknown kind 'orders'"),
        (
            "sources: {a: {url: 'sqlite://', kinds: {tiers: 'SELECT * FROM t'}}}",
            "no :market parameter, so the source must serve exactly one market",
        ),
        ("sources: {a: {url: 'sqlite://', market: MY, at: 'soon', kinds: {tiers: 'S'}}}", "HH:MM"),
        ("sources: [", "not valid YAML"),
    ],
)
def test_a_wrong_sources_file_is_explained(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError, match=problem):
        load_sources(path, {})


def test_rows_are_read_in_chunks_of_the_size_asked(warehouse: Any) -> None:
    source = source_for(*warehouse(creator_days(10)), chunk_rows=3)
    parts = chunks(source, source.queries["daily_metrics"], {"day": DAY, "market": "MY"}, label="x")
    tables = list(parts)
    assert [len(t.frame) for t in tables] == [3, 3, 3, 1]
    assert [t.frame.index[0] for t in tables] == [2, 5, 8, 11]  # rows numbered as in a CSV
    assert tables[0].frame.loc[2, "gmv"] == str(creator_days(10)[0]["gmv"])
