"""Bulk writes — insert, upsert by key, add to stored numbers, update — with as few round trips
as each database allows: executemany of plain tuples on SQLite; on PostgreSQL, COPY (straight
into the table for new rows, else into a staging table)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from threading import Event
from typing import Any, cast

import pandas as pd
from sqlalchemy import Dialect, Table, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from creatorbot.storage import pgbinary
from creatorbot.storage.behind import behind
from creatorbot.storage.models import Base

CHUNK = 20_000
BINARY_CHUNK = 100_000  # rows encoded at a time for a binary COPY
COPY_FROM = 2_000  # rows: below this, plain upserts are as quick and simpler
ROWS_PER_INSERT = 500  # SQLite: rows one INSERT writes (statements are compiled once per size)
BULK_CACHE_KIB = 256 * 1024  # SQLite's page cache while a bulk write runs
Progress = Callable[[int], None]


def table_of(model: type[Base]) -> Table:
    """The Core table behind a mapped class."""
    return cast(Table, model.__table__)


@contextmanager
def bulk_cache(*, session: Session) -> Iterator[None]:
    """SQLite: a page cache that holds a bulk write's working set while it runs. With the
    default 2 MB, an index written in random order (ranks, say) is spilled and re-read page by
    page; the cache only takes memory as pages are touched. Memory-mapped reads are off
    meanwhile: pages a write touches would be both mapped and cached (a 1M-row day took 1 GB
    more, and longer)."""
    with _sqlite_pragmas(session, cache_kib=BULK_CACHE_KIB):
        yield


@contextmanager
def unmapped(*, session: Session) -> Iterator[None]:
    """SQLite: no memory-mapped reads while the block runs. A bulk read of blobs (the boards'
    day columns after an import) would otherwise keep every page it touched resident, mapped,
    until the connection closes: some 300 MB at a million creators, on top of the import's own
    peak. Read through the page cache, each page is copied once and its memory reused."""
    with _sqlite_pragmas(session, cache_kib=None):
        yield


@contextmanager
def _sqlite_pragmas(session: Session, *, cache_kib: int | None) -> Iterator[None]:
    """SQLite: memory-mapped reads off, and the page cache `cache_kib` (None: as it is), until
    the block ends; nothing on other databases."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    # On the driver's connection: restoring the settings must work even after a failed write.
    sqlite = session.connection().connection.driver_connection
    (before,) = sqlite.execute("PRAGMA cache_size").fetchone()  # type: ignore[union-attr]
    (mapped,) = sqlite.execute("PRAGMA mmap_size").fetchone()  # type: ignore[union-attr]
    if cache_kib is not None:
        sqlite.execute(f"PRAGMA cache_size = -{cache_kib}")  # type: ignore[union-attr]
    sqlite.execute("PRAGMA mmap_size = 0")  # type: ignore[union-attr]
    try:
        yield
    finally:
        sqlite.execute(f"PRAGMA cache_size = {int(before)}")  # type: ignore[union-attr]
        sqlite.execute(f"PRAGMA mmap_size = {int(mapped)}")  # type: ignore[union-attr]


def upsert_frame(
    table: Table,
    frame: pd.DataFrame,
    columns: Sequence[str],
    key: Sequence[str],
    *,
    session: Session,
    progress: Progress | None = None,
) -> int:
    """Upsert `frame[columns]`, updating every non-key column of rows whose `key` exists."""
    return _upsert(table, list(columns), frame, key, session=session, progress=progress)


def insert_frame(
    table: Table,
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    session: Session,
    progress: Progress | None = None,
) -> int:
    """Insert `frame[columns]` as new rows: quicker than an upsert, for keys known to be new
    (one already stored fails the write)."""
    return _insert(table, list(columns), frame, "", session=session, progress=progress)


def add_frame(table: Table, frame: pd.DataFrame, key: Sequence[str], *, session: Session) -> int:
    """Add `frame`'s non-key columns to the numbers of `table`'s rows with the same `key`,
    inserting the rows that are missing."""
    added = ", ".join(f"{c} = {table.name}.{c} + excluded.{c}" for c in frame if c not in key)
    on_conflict = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {added}"
    columns = [str(c) for c in frame.columns]
    return _insert(table, columns, frame, on_conflict, session=session, progress=None)


def update_frame(table: Table, frame: pd.DataFrame, key: Sequence[str], *, session: Session) -> int:
    """Overwrite the non-key columns of `table`'s rows with `frame`'s, matched on `key`."""
    values = [str(c) for c in frame.columns if c not in key]
    columns = [*values, *key]
    if not len(frame):
        return 0
    if _copying(frame, session):
        with _staged(table, columns, frame, session=session, progress=None) as staging:
            sets = ", ".join(f"{c} = {staging}.{c}" for c in values)
            match = " AND ".join(f"{table.name}.{c} = {staging}.{c}" for c in key)
            session.execute(text(f"UPDATE {table.name} SET {sets} FROM {staging} WHERE {match}"))
        return len(frame)
    mark = _mark(session)
    sets = ", ".join(f"{c} = {mark}" for c in values)
    match = " AND ".join(f"{c} = {mark}" for c in key)
    _executemany(f"UPDATE {table.name} SET {sets} WHERE {match}", table, frame, columns, session)
    return len(frame)


def _upsert(
    table: Table,
    columns: list[str],
    frame: pd.DataFrame,
    key: Sequence[str],
    *,
    session: Session,
    progress: Progress | None,
) -> int:
    updates = [c for c in columns if c not in key]
    conflict = (
        "DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in updates)
        if updates
        else "DO NOTHING"
    )
    on_conflict = f"ON CONFLICT ({', '.join(key)}) {conflict}"
    return _insert(table, columns, frame, on_conflict, session=session, progress=progress)


def _insert(
    table: Table,
    columns: list[str],
    frame: pd.DataFrame,
    on_conflict: str,
    *,
    session: Session,
    progress: Progress | None,
) -> int:
    """INSERT `frame[columns]` with the given ON CONFLICT clause (or none): straight in, or
    through staging."""
    if not len(frame):
        return 0
    names = ", ".join(columns)
    if _copying(frame, session) and not on_conflict:  # new rows: COPY straight into the table
        _copy(table, table.name, columns, frame, session=session, progress=progress)
        return len(frame)
    if _copying(frame, session):
        with _staged(table, columns, frame, session=session, progress=progress) as staging:
            session.execute(
                text(
                    f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {staging} "
                    f"{on_conflict}"
                )
            )
        return len(frame)
    marks = ", ".join([_mark(session)] * len(columns))
    head = f"INSERT INTO {table.name} ({names}) VALUES "
    per = _rows_per_insert(len(columns), session)
    if per == 1:
        _executemany(f"{head}({marks}) {on_conflict}", table, frame, columns, session, progress)
        return len(frame)
    connection = session.connection()
    width = len(columns)
    for start in range(0, len(frame), CHUNK):
        values = _flat_rows(table, frame.iloc[start : start + CHUNK], columns, session=session)
        rows = len(values) // width
        for at in range(0, rows, per):
            count = min(per, rows - at)
            groups = ", ".join([f"({marks})"] * count)
            bound = tuple(values[at * width : (at + count) * width])
            connection.exec_driver_sql(f"{head}{groups} {on_conflict}", bound)
        if progress:
            progress(rows)
    return len(frame)


def _rows_per_insert(width: int, session: Session) -> int:
    """SQLite: rows written by one INSERT (as many as its limit of bound values allows, up to
    ROWS_PER_INSERT): binding a row at a time took half of a million-row write. Elsewhere 1:
    PostgreSQL takes large writes by COPY, and small ones by the driver's pipelined batch."""
    if session.get_bind().dialect.name != "sqlite" or not width:
        return 1
    driver = session.connection().connection.driver_connection
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # type: ignore[union-attr]
    return max(1, min(ROWS_PER_INSERT, limit // width))


def _copying(frame: pd.DataFrame, session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql" and len(frame) >= COPY_FROM


def _mark(session: Session) -> str:
    return "%s" if session.get_bind().dialect.name == "postgresql" else "?"


def _executemany(
    sql: str,
    table: Table,
    frame: pd.DataFrame,
    columns: Sequence[str],
    session: Session,
    progress: Progress | None = None,
) -> None:
    """Run `sql` for each row of `frame[columns]`, CHUNK rows at a time: only one chunk's
    driver tuples exist at once (a 200,000-row part's took some 200 MB)."""
    connection = session.connection()
    for start in range(0, len(frame), CHUNK):
        rows = _driver_rows(table, frame.iloc[start : start + CHUNK], columns, session=session)
        connection.exec_driver_sql(sql, rows)
        if progress:
            progress(len(rows))


@contextmanager
def _staged(
    table: Table,
    columns: list[str],
    frame: pd.DataFrame,
    *,
    session: Session,
    progress: Progress | None,
) -> Iterator[str]:
    """PostgreSQL: a temporary table shaped like `columns` of `table`, filled by COPY — one
    statement then writes them all, instead of one per row."""
    names = ", ".join(columns)
    staging = f"staging_{table.name}"
    session.execute(text(f"DROP TABLE IF EXISTS {staging}"))
    session.execute(
        text(
            f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {names} FROM {table.name} "
            "WITH NO DATA"
        )
    )
    _copy(table, staging, columns, frame, session=session, progress=progress)
    session.execute(text(f"ANALYZE {staging}"))  # else the planner guesses its size: badly
    yield staging
    session.execute(text(f"DROP TABLE {staging}"))


def _copy(
    table: Table,
    target: str,
    columns: list[str],
    frame: pd.DataFrame,
    *,
    session: Session,
    progress: Progress | None,
) -> None:
    """PostgreSQL: COPY `frame[columns]` into those columns of `target` (`table`, or a staging
    table shaped like it), a block of rows at a time: in the binary format when numpy can
    encode the block exactly, else as the driver's rows. The driver's errors are raised as
    SQLAlchemy's (a key already stored is an `IntegrityError`), as a statement's would be."""
    names = ", ".join(columns)
    dialect = session.get_bind().dialect
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    in_flight = behind(session)
    for start in range(0, len(frame), BINARY_CHUNK):
        block = frame.iloc[start : start + BINARY_CHUNK]
        encoded = pgbinary.encode(table, block, columns)
        sql = f"COPY {target} ({names}) FROM STDIN"
        if encoded is not None and in_flight is not None:
            in_flight.send(partial(_copy_binary, cursor, sql, encoded, dialect))
        elif encoded is not None:
            _copy_binary(cursor, sql, encoded, dialect)
        else:
            try:
                with cursor.copy(sql) as copy:
                    for row in _driver_rows(table, block, columns, session=session):
                        copy.write_row(row)
            except dialect.loaded_dbapi.Error as exc:
                raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error) from exc
        if progress:
            progress(len(block))


def _copy_binary(
    cursor: Any, sql: str, encoded: bytes, dialect: Dialect, started: Event | None = None
) -> None:
    """COPY rows `pgbinary` encoded; `started` is set once the COPY holds the connection."""
    try:
        with cursor.copy(f"{sql} (FORMAT BINARY)") as copy:
            if started is not None:
                started.set()
            copy.write(pgbinary.HEADER)
            copy.write(encoded)
            copy.write(pgbinary.TRAILER)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error) from exc


def _driver_rows(
    table: Table, frame: pd.DataFrame, columns: Sequence[str], *, session: Session
) -> list[tuple[Any, ...]]:
    """`frame[columns]` as the tuples the driver takes, converted column by column."""
    dialect = session.get_bind().dialect
    values = [_plain_values(frame[name], table.c[name].type, dialect) for name in columns]
    return list(zip(*values, strict=True)) if len(columns) else []


def _flat_rows(
    table: Table, frame: pd.DataFrame, columns: Sequence[str], *, session: Session
) -> list[Any]:
    """`frame[columns]` as the driver's values, row after row in one flat list: a statement
    of many rows binds a slice of it, without a tuple per row in between."""
    dialect = session.get_bind().dialect
    flat: list[Any] = [None] * (len(frame) * len(columns))
    for position, name in enumerate(columns):
        flat[position :: len(columns)] = _plain_values(frame[name], table.c[name].type, dialect)
    return flat


def _plain_values(column: pd.Series, kind: TypeEngine[Any], dialect: Dialect) -> list[Any]:
    """One column as the values the driver takes (converting a million rows cell by cell took
    longer than writing them): plain Python values passed through the column type's bind
    processor, None for NaN/NaT/NA."""
    if pd.api.types.is_datetime64_any_dtype(column):
        codes, uniques = pd.factorize(column)  # few distinct days: convert each once
        # As the dialect itself binds a date (ISO text on SQLite): else the driver would adapt
        # every row's date object again.
        to_driver = kind.dialect_impl(dialect).bind_processor(dialect)
        days = [stamp.date() for stamp in uniques]
        lookup = [to_driver(day) if to_driver else day for day in days] + [None]  # -1 is NaT
        return [lookup[code] for code in codes]
    bind = kind.bind_processor(dialect)
    values = column.tolist()
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=False) == "string":
        # Text alone (a market, a handle): nothing to make plain, nothing missing.
        return values if bind is None else [bind(value) for value in values]
    missing = column.isna().to_numpy()
    if column.dtype == object:
        values = [_plain(value) for value in values]
    if missing.any():
        values = [None if gone else value for value, gone in zip(values, missing, strict=True)]
    if bind is not None:
        values = [None if value is None else bind(value) for value in values]
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value
