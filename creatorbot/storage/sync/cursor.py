"""A warehouse query's rows as the driver's plain tuples, a batch at a time, streamed: a SQLite
cursor steps through the result, a psycopg one is a server-side cursor. Building a SQLAlchemy
Row per row cost as much as the driver's own reading; other databases stream through their
SQLAlchemy dialect, which knows how."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

CURSOR_NAME = "creatorbot_sync"  # psycopg: the server-side cursor's name
DIRECT = {("sqlite", "pysqlite"), ("postgresql", "psycopg")}  # (dialect, driver) read directly


def batches(
    connection: Connection, sql: str, params: Mapping[str, Any], size: int
) -> tuple[list[str], Iterator[Sequence[tuple[Any, ...]]]]:
    """The result's column names and its rows, `size` at a time. The driver's errors are
    raised as SQLAlchemy's, as a statement's would be."""
    dialect = connection.dialect
    if (dialect.name, dialect.driver) not in DIRECT:
        streamed = connection.execution_options(stream_results=True, yield_per=size)
        result = streamed.execute(text(sql), dict(params))
        parts = ([tuple(row) for row in part] for part in result.partitions(size))
        return list(result.keys()), parts
    compiled = text(sql).compile(dialect=dialect)
    bound = compiled.construct_params(dict(params))
    args: Any = bound
    if compiled.positional:
        args = [bound[name] for name in compiled.positiontup or ()]
    statement = str(compiled)
    driver: Any = connection.connection.driver_connection
    cursor = driver.cursor(name=CURSOR_NAME) if dialect.name == "postgresql" else driver.cursor()
    try:
        cursor.execute(statement, args)
        names = [str(column[0]) for column in cursor.description or ()]
    except dialect.loaded_dbapi.Error as exc:
        cursor.close()
        raise DBAPIError.instance(statement, args, exc, dialect.loaded_dbapi.Error) from exc
    return names, _fetched(cursor, statement, args, size, dialect.loaded_dbapi.Error)


def _fetched(
    cursor: Any, statement: str, args: Any, size: int, error: type[Exception]
) -> Iterator[Sequence[tuple[Any, ...]]]:
    try:
        while rows := cursor.fetchmany(size):
            yield rows
    except error as exc:
        raise DBAPIError.instance(statement, args, exc, error) from exc
    finally:
        cursor.close()
