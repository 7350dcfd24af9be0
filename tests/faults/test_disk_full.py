"""The disk fills part-way through `creatorbot import`: a plain answer, nothing half-imported."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg.errors
import pytest
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.exc import IntegrityError, OperationalError

from creatorbot.bot.cli import main
from creatorbot.storage import writer
from creatorbot.storage.demo.world import DemoSpec, build_world
from creatorbot.storage.failures import disk_full

# Big enough that the second daily file takes a couple of hundred pages to write (and draws the
# progress bar), small enough that each case takes about a second.
SPEC = DemoSpec(creators=200, days=60, seed=7, end=dt.date(2026, 11, 30))
FIRST_DAYS = 12  # the first daily file; the big one re-sends them and adds the other 48
MONEY = ("gmv", "live_gmv", "video_gmv", "gmv_target", "min_gmv_30d")
# What the write path keeps in step with daily metrics.
DERIVED = (
    "day_columns",
    "campaign_days",
    "campaign_standing_packs",
    "campaign_totals",
    "boards",
    "board_rows",
)
ENVIRONMENT = ("DATABASE_URL", "CREATORBOT_LOCALE", "LANG", "LC_ALL", "CREATORBOT_DEFAULT_MARKET")


@dataclass(frozen=True)
class Before:
    """A database holding a world and its first days, and the big daily file to import next."""

    database: Path
    imports: tuple[tuple[str, Path], ...]  # what made it, in order, as (kind, file)
    big: Path
    daily: pd.DataFrame  # the rows of `big`
    first_rows: int  # how many of them the database already holds
    pages: int  # the database's size in pages
    grown: int  # the pages importing `big` adds when the disk has room
    imported: Path  # the database after importing `big` with room to spare


def amount(minor: Any) -> str:
    """Minor units as the decimal amount an import file holds."""
    if minor is None or pd.isna(minor):
        return ""
    return f"{int(minor) // 100}.{int(minor) % 100:02d}"


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """`frame` (the generator's shapes, money in minor units) as a canonical import file."""
    out = frame.copy()
    for column in out.columns.intersection(MONEY):
        out[column] = out[column].map(amount)
    if "reward_tiers" in out:
        out["reward_tiers"] = out["reward_tiers"].map(
            lambda tiers: ";".join(f"{amount(a)}:{amount(b)}" for a, b in tiers or ())
        )
    out.to_csv(path, index=False)
    return path


def pages(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(database)) as db:
        return int(db.execute("PRAGMA page_count").fetchone()[0])


@contextlib.contextmanager
def looking_at(where: Path | Engine) -> Iterator[Connection]:
    """A connection around the bot: to a SQLite file, or through a direct engine."""
    engine = create_engine(f"sqlite:///{where}") if isinstance(where, Path) else where
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        if engine is not where:
            engine.dispose()


def contents(where: Path | Engine, *, moments: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in a stable order: what "exactly as before" compares. Without
    `moments`, when a board was computed is left out."""
    found = {}
    with looking_at(where) as connection:
        schema = inspect(connection)
        for table in sorted(schema.get_table_names()):
            columns = ", ".join(
                f'"{column["name"]}"'
                for column in schema.get_columns(table)
                if moments or column["name"] != "computed_at"
            )
            rows = connection.execute(text(f'SELECT {columns} FROM "{table}"'))
            found[table] = sorted((tuple(row) for row in rows), key=repr)
    return found


def use_data_dir(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Path:
    """Point the CLI at `data_dir`, nothing from the developer's environment; its database."""
    data_dir.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(data_dir.parent)
    monkeypatch.setenv("CREATORBOT_DATA_DIR", str(data_dir))
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    return data_dir / "creatorbot.sqlite3"


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Before]:
    """Import a generated world through the CLI, then its first days; measure what the big
    daily file adds by importing it into a copy with room to spare."""
    world = build_world(SPEC)
    files = tmp_path_factory.mktemp("files")
    daily = world.daily_metrics
    first = daily[daily["date"] < SPEC.start + dt.timedelta(days=FIRST_DAYS)]
    imports = (
        ("creators", write_csv(files / "creators.csv", world.creators)),
        ("tiers", write_csv(files / "tiers.csv", world.tiers)),
        ("campaigns", write_csv(files / "campaigns.csv", world.campaigns)),
        ("enrollments", write_csv(files / "enrollments.csv", world.enrollments)),
        ("daily_metrics", write_csv(files / "first.csv", first)),
    )
    big = write_csv(files / "big.csv", daily)
    with pytest.MonkeyPatch.context() as monkeypatch:
        database = use_data_dir(monkeypatch, tmp_path_factory.mktemp("before") / "data")
        for kind, path in imports:
            assert main(["import", kind, str(path)]) == 0
        kept = Path(shutil.copy(database, files / "before.sqlite3"))
        assert main(["import", "daily_metrics", str(big)]) == 0
    yield Before(
        database=kept,
        imports=imports,
        big=big,
        daily=daily,
        first_rows=len(first),
        pages=pages(kept),
        grown=pages(database) - pages(kept),
        imported=database,
    )


@pytest.fixture
def sqlite_file(before: Before, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the database before the big import, which the CLI uses."""
    path = use_data_dir(monkeypatch, tmp_path / "data")
    shutil.copy(before.database, path)
    return path


@pytest.fixture
def driver_errors() -> Iterator[list[BaseException]]:
    """The driver errors the database layer met while the test ran."""
    errors: list[BaseException] = []

    def record(context: Any) -> None:
        errors.append(context.original_exception)

    event.listen(Engine, "handle_error", record)
    yield errors
    event.remove(Engine, "handle_error", record)


def sqlite_full() -> sqlite3.OperationalError:
    """What SQLite raises when a write needs room the disk does not have."""
    exc = sqlite3.OperationalError("database or disk is full")
    exc.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
    exc.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
    return exc


def postgres_full() -> psycopg.errors.DiskFull:
    """What PostgreSQL answers when it cannot extend a table's file (SQLSTATE 53100)."""
    return psycopg.errors.DiskFull(
        'could not extend file "base/16384/16402": No space left on device'
    )


@contextlib.contextmanager
def room_for(limit: int) -> Iterator[None]:
    """A disk with room for `limit` pages of database: beyond, SQLite's own writes fail with
    SQLITE_FULL. Every connection the CLI opens gets the cap, as it is opened."""

    def cap(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count = {limit}")
        cursor.close()

    event.listen(Engine, "connect", cap)
    try:
        yield
    finally:
        event.remove(Engine, "connect", cap)


@contextlib.contextmanager
def full_at(
    statement: str, nth: int = 1, error: Callable[[], Exception] = sqlite_full
) -> Iterator[None]:
    """The disk fills just as the `nth` statement beginning with `statement` is sent: for the
    derived tables, which fit in the pages the earlier writes freed, and for PostgreSQL."""
    seen = 0

    def fill(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        nonlocal seen
        if sql.lstrip().startswith(statement):
            seen += 1
            if seen == nth:
                raise error()

    event.listen(Engine, "before_cursor_execute", fill)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", fill)
    assert seen >= nth, f"the import never sent {statement!r} #{nth}"


@contextlib.contextmanager
def full_at_commit() -> Iterator[None]:
    """Every write fits, then the disk fills as the transaction commits them (committing one
    that wrote nothing needs no room)."""
    real = SQLiteDialect_pysqlite.do_commit

    def commit(self: Any, dbapi_connection: Any) -> None:
        if dbapi_connection.driver_connection.in_transaction:
            raise sqlite_full()
        real(self, dbapi_connection)

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(SQLiteDialect_pysqlite, "do_commit", commit)
        yield


# Where the disk fills. The page caps leave room for that share of the pages the import
# writes, so SQLite itself refuses a write part-way: half-way (in the daily rows) and near the
# end (by then the day columns).
FAULTS: dict[str, Callable[[Before], contextlib.AbstractContextManager[None]]] = {
    "half the pages": lambda b: room_for(b.pages + b.grown // 2),
    "95% of the pages": lambda b: room_for(b.pages + b.grown * 19 // 20),
    "campaign stats": lambda b: full_at("INSERT INTO campaign_standing_packs", nth=2),
    "boards": lambda b: full_at("INSERT INTO board_rows", nth=2),
    "commit": lambda b: full_at_commit(),
}


def leaderboard(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["ask", "leaderboard", "gmv", "7d", "MY"]) == 0
    return capsys.readouterr().out


def assert_told_the_disk_is_full(err: str, disk: str) -> None:
    assert "Traceback" not in err
    assert "big.csv: the disk is full, nothing was imported" in err
    assert "the database is as it was before" in err
    assert f"Free some space on {disk}, then run the same import again." in err


def assert_unchanged(where: Path | Engine, stored: dict[str, list[tuple[Any, ...]]]) -> None:
    """Every table as it was, but for the audit log, which may have gained the failed import
    (when there was room left for it) and nothing else."""
    now = contents(where)
    assert {t: r for t, r in now.items() if t != "audit_log"} == {
        t: r for t, r in stored.items() if t != "audit_log"
    }
    added = [row for row in now["audit_log"] if row not in stored["audit_log"]]
    with looking_at(where) as connection:
        logged = connection.execute(
            text("SELECT command, arguments, outcome FROM audit_log ORDER BY id")
        ).all()
    assert [tuple(row) for row in logged[len(logged) - len(added) :]] == [
        ("import", "daily_metrics big.csv", "failed")
    ] * len(added)


def assert_imported_completely(
    before: Before, where: Path | Engine, stored: dict[str, list[Any]], out: str
) -> dict[str, list[tuple[Any, ...]]]:
    """The big file is all in, counted from the file itself; the derived tables moved on."""
    rows, new = len(before.daily), len(before.daily) - before.first_rows
    assert f"Imported {rows} daily_metrics rows from big.csv: {new} new, " in out
    assert f"{before.first_rows} updated." in out
    imported = contents(where, moments=False)
    assert len(imported["daily_metrics"]) == rows
    with looking_at(where) as connection:
        gmv, last, boards = (
            {market: str(value) for market, value in connection.execute(text(sql))}
            for sql in (
                "SELECT market, sum(gmv) FROM daily_metrics GROUP BY market",
                "SELECT market, max(date) FROM daily_metrics GROUP BY market",
                "SELECT market, min(end_day) FROM boards GROUP BY market",
            )
        )
    daily = before.daily.groupby("market")
    assert gmv == {market: str(total) for market, total in daily["gmv"].sum().items()}
    assert last == boards == {market: str(day) for market, day in daily["date"].max().items()}
    assert all(imported[table] != stored[table] for table in DERIVED)
    return imported


@pytest.mark.parametrize("where", list(FAULTS))
def test_a_full_disk_part_way_through_an_import_changes_nothing(
    where: str,
    before: Before,
    sqlite_file: Path,
    driver_errors: list[BaseException],
    capsys: pytest.CaptureFixture[str],
) -> None:
    shown = leaderboard(capsys)  # asking is audited: before the contents are kept
    stored = contents(sqlite_file)
    assert all(stored[table] for table in (*DERIVED, "daily_metrics")), "nothing to compare"

    with FAULTS[where](before):
        code = main(["import", "daily_metrics", str(before.big)])

    out, err = capsys.readouterr()
    assert code == 1
    assert any("database or disk is full" in str(e) for e in driver_errors), "no fault fired"
    assert_told_the_disk_is_full(err, f"the disk that holds {sqlite_file.resolve()}")
    assert "Imported" not in out
    assert_unchanged(sqlite_file, stored)
    assert leaderboard(capsys) == shown

    # Space is freed: the same import now goes through, completely…
    assert main(["import", "daily_metrics", str(before.big)]) == 0
    imported = assert_imported_completely(before, sqlite_file, stored, capsys.readouterr().out)
    # …and leaves the data exactly as an import that never met a full disk (the asks above
    # are in this audit log only).
    reference = contents(before.imported, moments=False)
    assert {t: r for t, r in imported.items() if t != "audit_log"} == {
        t: r for t, r in reference.items() if t != "audit_log"
    }


def test_on_postgresql_a_full_disk_changes_nothing(
    before: Before,
    pg_engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """PostgreSQL's disk cannot be filled from here: it answers 53100 as the second market's
    boards are replaced, after every daily row went in (the rows themselves go by COPY)."""
    use_data_dir(monkeypatch, tmp_path / "data")
    with pg_engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    url = pg_engine.url.set(query={"options": f"-csearch_path={schema}"})
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    for kind, path in before.imports:
        assert main(["import", kind, str(path)]) == 0
    capsys.readouterr()
    stored = contents(pg_engine)

    with full_at("DELETE FROM board_rows", nth=2, error=postgres_full):
        assert main(["import", "daily_metrics", str(before.big)]) == 1

    out, err = capsys.readouterr()
    assert_told_the_disk_is_full(err, "the database server's disk")
    assert "Imported" not in out
    assert_unchanged(pg_engine, stored)

    assert main(["import", "daily_metrics", str(before.big)]) == 0
    assert_imported_completely(before, pg_engine, stored, capsys.readouterr().out)


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("INSERT INTO daily_metrics …", None, postgres_full()),
        OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
    ],
    ids=["PostgreSQL 53100", "ENOSPC"],
)
def test_every_kind_of_full_disk_gets_the_same_plain_answer(
    error: Exception,
    before: Before,
    sqlite_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A full disk as PostgreSQL or the OS reports it, after the rows were written."""
    stored = contents(sqlite_file)

    def write_then_fail(frame: pd.DataFrame, **kwargs: Any) -> int:
        writer.write_daily_metrics(frame, **kwargs)
        raise error

    monkeypatch.setitem(writer.WRITERS, "daily_metrics", write_then_fail)
    assert main(["import", "daily_metrics", str(before.big)]) == 1
    assert_told_the_disk_is_full(
        capsys.readouterr().err, f"the disk that holds {sqlite_file.resolve()}"
    )
    assert_unchanged(sqlite_file, stored)


def test_a_disk_too_full_to_create_the_database_is_said_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first command on a new machine creates and migrates the SQLite file: no room, no
    traceback."""
    use_data_dir(monkeypatch, tmp_path / "fresh")
    with room_for(2):
        assert main(["ask", "help"]) == 2
    said = capsys.readouterr().err
    assert "creatorbot: the disk is full" in said and "Free some space" in said
    assert "Traceback" not in said
    assert main(["ask", "help"]) == 0  # with room, the same command creates it and answers


def test_a_full_disk_is_told_from_other_failures() -> None:
    def wrapped(exc: Exception) -> OperationalError:
        return OperationalError("INSERT …", None, exc)

    caused = RuntimeError("the write failed")
    caused.__cause__ = OSError(errno.ENOSPC, "No space left on device")
    full = [
        sqlite_full(),
        sqlite3.OperationalError("database or disk is full"),
        wrapped(sqlite_full()),
        postgres_full(),
        wrapped(postgres_full()),
        OSError(errno.ENOSPC, "No space left on device"),
        caused,
    ]
    other = [
        sqlite3.OperationalError("database is locked"),
        wrapped(sqlite3.OperationalError("database is locked")),
        wrapped(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
        IntegrityError("INSERT …", None, psycopg.errors.UniqueViolation("duplicate key")),
        wrapped(psycopg.errors.OutOfMemory("out of memory")),
        OSError(errno.EACCES, "Permission denied"),
        ValueError("disk"),
    ]
    assert [disk_full(exc) for exc in full] == [True] * len(full)
    assert [disk_full(exc) for exc in other] == [False] * len(other)
