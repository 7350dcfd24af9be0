"""Bulk reads as the driver's plain tuples: for queries that return a market's worth of rows,
where building a SQLAlchemy Row per row costs more than the database does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from sqlalchemy import Select
from sqlalchemy.orm import Session

from creatorbot.storage import pgbinary

BATCH = 100_000


def fetch_all(
    query: Select[*tuple[Any, ...]], *, session: Session, binary: bool = False
) -> list[tuple[Any, ...]]:
    """Every row of `query` as a tuple of the driver's values, in the session's transaction.

    Parameters pass through their types' bind processors (an IN list's values go to the driver
    as they are); results are not processed, so this is for integer, text and binary columns
    (a date comes back as the driver gives it). `binary`: PostgreSQL sends the values in its
    binary format, for large binary columns (as text they travel hex-encoded, twice the size,
    and are decoded again).
    """
    batches = fetch_batches(query, session=session, binary=binary)
    return [row for batch in batches for row in batch]


def fetch_batches(
    query: Select[*tuple[Any, ...]],
    *,
    session: Session,
    size: int | None = None,
    binary: bool = False,
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of `query` as `fetch_all` gives them, `size` (default BATCH) at a time: a
    million rows as Python tuples take some 200 MB, a batch of them a fraction."""
    yield from Statement(query, session=session).batches(session=session, size=size, binary=binary)


class Statement:
    """A query compiled once and run as often as wanted, with other values of its bound
    parameters each time (`bindparam` names them), its rows as `fetch_all` gives them.
    Compiling takes a millisecond or more: a refresh after an import reads a thousand
    one-row blobs, each with the same query but for the day."""

    def __init__(self, query: Select[*tuple[Any, ...]], *, session: Session) -> None:
        self._dialect = session.connection().dialect
        self._compiled = query.compile(
            dialect=self._dialect, compile_kwargs={"render_postcompile": True}
        )
        self._sql = str(self._compiled)

    def all(
        self, *, session: Session, binary: bool = False, **values: Any
    ) -> list[tuple[Any, ...]]:
        """Every row, with `values` for the parameters of those names."""
        batches = self.batches(session=session, binary=binary, **values)
        return [row for batch in batches for row in batch]

    def batches(
        self,
        *,
        session: Session,
        size: int | None = None,
        binary: bool = False,
        **values: Any,
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The rows, `size` (default BATCH) at a time, with `values` for the parameters of
        those names."""
        compiled, dialect = self._compiled, self._dialect
        params = compiled.construct_params(values or None)
        for name, bind in compiled.binds.items():
            processor = bind.type.bind_processor(dialect)
            if processor is not None and params.get(name) is not None:
                params[name] = processor(params[name])
        positional: Any = (
            [params[name] for name in compiled.positiontup or ()] if compiled.positional else params
        )
        driver: Any = session.connection().connection.driver_connection
        cursor = (
            driver.cursor(binary=True)
            if binary and dialect.name == "postgresql"
            else driver.cursor()
        )
        try:
            cursor.execute(self._sql, positional)
            while batch := cursor.fetchmany(size or BATCH):
                yield list(batch)
        finally:
            cursor.close()


def fetch_integers(query: Select[*tuple[Any, ...]], *, session: Session) -> np.ndarray:
    """Every row of `query`, whose columns are all integers and never NULL, as one int64 array
    (rows × columns). PostgreSQL sends them by a binary COPY that numpy reads in one go;
    building a Python tuple per row took longer than the query."""
    width = len(query.selected_columns)
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return np.array(fetch_all(query, session=session), dtype=np.int64).reshape(-1, width)
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY ({compiled}) TO STDOUT (FORMAT BINARY)") as copy:
            data = b"".join(bytes(block) for block in copy)
    finally:
        cursor.close()
    return pgbinary.decode_integers(data, width)
