"""Read a source's query in chunks of rows, each as the text table the importers validate."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Generator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from psycopg.adapt import AdaptersMap
from psycopg.types.string import TextLoader
from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from creatorbot.storage.importers.read import Table
from creatorbot.storage.sync.cursor import batches
from creatorbot.storage.sync.sources import Query, Source

FIRST_ROW = 2  # rows are numbered as a CSV export of the result would be: the header is row 1


class WarehouseError(RuntimeError):
    """The warehouse could not be read (no server, no file, no dialect, a bad query); the
    message is one plain line, without the URL."""


def chunks(
    source: Source, query: Query, params: Mapping[str, Any], *, label: str
) -> Generator[Table]:
    """The query's rows, `source.chunk_rows` at a time, as tables of text (empty for NULL; a
    column holding integers alone stays integers, see `counts`) named `label`. Only one chunk
    is held at a time, on either side of the connection."""
    try:
        url = make_url(source.url)
        database = url.database if url.get_backend_name() == "sqlite" else None
        if database not in (None, "", ":memory:") and not Path(str(database)).is_file():
            # SQLite would create an empty one.
            raise WarehouseError(f"no such database file: {Path(str(database)).name}")
        engine = create_engine(url, poolclass=NullPool, **dict(source.engine_options))
        event.listen(engine, "connect", _numeric_as_text)
    except ImportError as exc:
        raise WarehouseError(f"the database driver is not installed ({exc.name})") from exc
    except SQLAlchemyError as exc:
        raise WarehouseError(f"not a usable SQLAlchemy URL ({type(exc).__name__})") from exc
    try:
        # Only the warehouse's own errors arrive here: the consumer's happen outside this frame.
        with engine.connect() as connection:
            yield from _read(connection, source, query, params, label)
    except SQLAlchemyError as exc:
        raise WarehouseError(reason(exc)) from exc
    finally:
        engine.dispose()


def _numeric_as_text(driver_connection: Any, _record: Any) -> None:
    """psycopg: NUMERIC values as the text PostgreSQL sends (always positional, "1234.50"),
    which validation reads exactly; a million of them are not made Decimals first, to be
    written back as text."""
    adapters = getattr(driver_connection, "adapters", None)
    if isinstance(adapters, AdaptersMap):
        adapters.register_loader("numeric", TextLoader)


def reason(exc: SQLAlchemyError) -> str:
    """The first line of what the driver said (SQLAlchemy's own text adds the statement)."""
    said = str(exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc)
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _read(
    connection: Connection,
    source: Source,
    query: Query,
    params: Mapping[str, Any],
    label: str,
) -> Iterator[Table]:
    wanted = {name: value for name, value in params.items() if name in query.parameters}
    names, parts = batches(connection, query.sql, wanted, source.chunk_rows)
    header = [query.columns.get(name, name).strip() for name in names]
    first = FIRST_ROW
    for part in parts:
        yield _table(part, header, first, label)
        first += len(part)


def _table(rows: Sequence[Any], header: list[str], first: int, label: str) -> Table:
    keep = [header.index(name) for name in dict.fromkeys(header) if name]
    repeated = frozenset(name for name in header if name and header.count(name) > 1)
    index = pd.RangeIndex(first, first + len(rows), name="row")
    grid = _grid(rows, len(header))
    columns = {header[i]: _column(grid[:, i], index) for i in keep}
    frame = pd.DataFrame(
        {name: _text_unless_integers(column) for name, column in columns.items()},
        index=index,
        copy=False,
    )
    return Table(label, frame, header, repeated)


def _grid(rows: Sequence[Any], width: int) -> np.ndarray:
    """The rows as one array of objects (rows × columns): numpy takes a chunk of tuples apart
    several times quicker than `zip`. A value that is itself a sequence (an array column)
    would be taken apart too: then the rows are transposed by `zip`."""
    try:
        grid = np.array(rows, dtype=object)
    except ValueError:  # sequences of different lengths among the values
        grid = None
    if grid is None or grid.shape != (len(rows), width):
        grid = np.empty((len(rows), width), dtype=object)
        for position, values in enumerate(zip(*rows, strict=True)):
            grid[:, position] = values
    return grid


def _text_unless_integers(column: pd.Series) -> pd.Series:
    # Integers stay integers: the sync takes the counts among them as they are (`counts`).
    return column if column.dtype.kind == "i" else as_text(column)


def _column(values: np.ndarray, index: pd.RangeIndex) -> pd.Series:
    """One column as the driver gave it: numbers as numbers, anything else as objects."""
    # Python ints alone (no bool, no NULL), or Python floats and ints: told apart in C.
    inferred = pd.api.types.infer_dtype(values, skipna=False)
    try:
        if inferred == "integer":
            return pd.Series(values.astype(np.int64), index=index)
        if inferred in ("floating", "mixed-integer-float"):
            return pd.Series(values.astype(np.float64), index=index)
    except (OverflowError, TypeError):  # beyond int64: kept as it is, for validation to refuse
        pass
    return pd.Series(values, index=index, dtype=object)


def as_text(values: pd.Series) -> pd.Series:
    """A column of warehouse values as the text a canonical file would hold: dates as
    YYYY-MM-DD, numbers in plain positional notation, NULL as empty."""
    kind = values.dtype.kind
    if kind in "iub":
        return values.astype(str)
    if kind == "f":
        return pd.Series(_floats(values.to_numpy()), index=values.index, dtype=object)
    if kind == "M":
        return values.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values  # text alone: no NULL to look for
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred in ("string", "empty"):
        return values.fillna("") if values.hasnans else values
    if inferred == "date":  # a day repeats on every row: each one written once
        codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
        if all(type(day) is dt.date for day in uniques):  # not a datetime among them
            shown = np.array([day.isoformat() for day in uniques] + [""], dtype=object)
            return pd.Series(shown[codes], index=values.index, dtype=object)  # -1 picks ""
    return values.map(_cell)


def _floats(values: np.ndarray) -> np.ndarray:
    out = np.full(len(values), "", dtype=object)
    present = ~np.isnan(values)
    whole = present & (values == np.round(values)) & (np.abs(values) < 2**53)
    out[whole] = values[whole].astype(np.int64).astype(str)
    rest = present & ~whole
    out[rest] = [np.format_float_positional(v, trim="-") for v in values[rest]]
    return out


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return np.format_float_positional(value, trim="-")
    if isinstance(value, dt.datetime):
        return value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)
