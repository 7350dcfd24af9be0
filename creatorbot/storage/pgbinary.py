"""PostgreSQL's binary COPY format built from numpy columns in one go, for the bulk writes:
formatting a million rows value by value took longer than the database took to store them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Date, Enum, Integer, SmallInteger, String, Table, Text
from sqlalchemy.types import TypeEngine

EPOCH = np.datetime64(dt.date(2000, 1, 1), "D")  # day 0 of PostgreSQL's binary dates
HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
TRAILER = b"\xff\xff"


def encode(table: Table, frame: pd.DataFrame, columns: Sequence[str]) -> bytes | None:
    """`frame[columns]` as binary COPY tuples for `table`'s columns (no header or trailer);
    None when some value has no exact fixed-width encoding here (text of varying length, a
    number outside its column's type, a type not handled): the caller then sends those rows as
    text, and PostgreSQL judges them. Rows with missing values come after the others (each
    pattern of missing values is one fixed layout)."""
    missing = np.zeros(len(frame), dtype=np.int64)
    for n, name in enumerate(columns):
        missing |= frame[name].isna().to_numpy().astype(np.int64) << n
    parts = []
    for pattern in np.unique(missing):
        rows = frame[missing == pattern]
        absent = {name for n, name in enumerate(columns) if int(pattern) >> n & 1}
        part = _records(table, rows, columns, absent)
        if part is None:
            return None
        parts.append(part)
    return b"".join(parts)


def _records(
    table: Table, frame: pd.DataFrame, columns: Sequence[str], absent: set[str]
) -> bytes | None:
    """The tuples of rows that all miss exactly the `absent` columns' values (NULLs)."""
    fields: list[tuple[str, str]] = [("count", ">i2")]
    values: dict[str, np.ndarray] = {}
    for n, name in enumerate(columns):
        fields.append((f"size{n}", ">i4"))
        if name in absent:
            continue
        encoded = _column(frame[name], table.c[name].type)
        if encoded is None:
            return None
        fields.append((f"value{n}", encoded.dtype.str))
        values[f"value{n}"] = encoded
    record = np.empty(len(frame), dtype=np.dtype(fields))
    record["count"] = len(columns)
    for n in range(len(columns)):
        value = values.get(f"value{n}")
        record[f"size{n}"] = -1 if value is None else value.dtype.itemsize
        if value is not None:
            record[f"value{n}"] = value
    return record.tobytes()


def _column(column: pd.Series, kind: TypeEngine[object]) -> np.ndarray | None:
    if isinstance(kind, Date):
        if not pd.api.types.is_datetime64_any_dtype(column) or column.dt.tz is not None:
            return None
        days = column.to_numpy().astype("datetime64[D]") - EPOCH
        return days.astype(">i4")
    if isinstance(kind, Enum):
        return None
    if isinstance(kind, String | Text):
        return _text(column)
    width = _integer_width(kind)
    if width is None or column.dtype.kind not in "iu":
        return None
    numbers = np.asarray(column.to_numpy())
    if numbers.dtype.kind not in "iu":
        return None
    limit = 2 ** (8 * width - 1)
    if len(numbers) and (numbers.min() < -limit or numbers.max() >= limit):
        return None
    return numbers.astype(f">i{width}")


def _text(column: pd.Series) -> np.ndarray | None:
    """Text of one width in bytes, encoded once per distinct value (a market code a million
    times over is a handful of values): a million values one by one took a second."""
    codes, distinct = pd.factorize(column)
    if (codes < 0).any() or not all(isinstance(value, str) for value in distinct):
        return None
    encoded = np.array([value.encode() for value in distinct], dtype=bytes)
    # A fixed width only: numpy pads shorter text with NULs PostgreSQL would store.
    if any(len(value) != encoded.dtype.itemsize for value in encoded.tolist()):
        return None
    return encoded[codes]


def _integer_width(kind: TypeEngine[object]) -> int | None:
    if isinstance(kind, BigInteger):
        return 8
    if isinstance(kind, SmallInteger):
        return 2
    if isinstance(kind, Integer):
        return 4
    return None


def decode_integers(data: bytes, columns: int) -> np.ndarray:
    """A binary COPY's output of `columns` integer columns without NULLs as one int64 array
    (rows × columns); every row has the layout of the first."""
    body = memoryview(data)[len(HEADER) : len(data) - len(TRAILER)]
    if not len(body):
        return np.zeros((0, columns), dtype=np.int64)
    fields: list[tuple[str, str]] = [("count", ">i2")]
    at = 2
    for n in range(columns):
        size = int.from_bytes(body[at : at + 4], "big", signed=True)
        if size not in (2, 4, 8):
            raise ValueError(f"column {n} is not an integer column without NULLs")
        fields += [(f"size{n}", ">i4"), (f"value{n}", f">i{size}")]
        at += 4 + size
    records = np.frombuffer(body, dtype=np.dtype(fields))
    out = np.empty((len(records), columns), dtype=np.int64)
    for n in range(columns):
        size = records.dtype[f"value{n}"].itemsize
        if (records["count"] != columns).any() or (records[f"size{n}"] != size).any():
            raise ValueError(f"column {n} is not an integer column without NULLs")
        out[:, n] = records[f"value{n}"]
    return out
