"""Bulk reads as the driver's plain tuples: for queries that return a market's worth of rows,
where building a SQLAlchemy Row per row costs more than the database does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

BATCH = 100_000


def fetch_all(
    query: Select[*tuple[Any, ...]], *, session: Session, binary: bool = False
) -> list[tuple[Any, ...]]:
    """Every row of `query` as a tuple of the driver's values, in the session's transaction.
    `binary` asks PostgreSQL for its binary result format: blobs then arrive as they are
    stored, not as hex text twice their size (other databases ignore it).

    Parameters pass through their types' bind processors (an IN list's values go to the driver
    as they are); results are not processed, so this is for integer and text columns (a date
    comes back as the driver gives it).
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
    size = size or BATCH
    connection = session.connection()
    dialect = connection.dialect
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    for name, bind in compiled.binds.items():
        processor = bind.type.bind_processor(dialect)
        if processor is not None and params.get(name) is not None:
            params[name] = processor(params[name])
    values: Any = (
        [params[name] for name in compiled.positiontup or ()] if compiled.positional else params
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if binary and dialect.name == "postgresql":
            cursor.execute(str(compiled), values, binary=True)
        else:
            cursor.execute(str(compiled), values)
        while batch := cursor.fetchmany(size):
            yield list(batch)
    finally:
        cursor.close()
