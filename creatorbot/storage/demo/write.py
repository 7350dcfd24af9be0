"""Writing a demo world: everything through `storage.writer`, daily metrics in bulk when empty."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Date, Integer, SmallInteger, select, text
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, DropConstraint

from creatorbot.storage import campaign_stats, writer
from creatorbot.storage.boards.hooks import after_world
from creatorbot.storage.demo.metrics import DailyBlock
from creatorbot.storage.demo.population import MARKETS
from creatorbot.storage.demo.world import World
from creatorbot.storage.models import Creator, DailyMetric

logger = logging.getLogger(__name__)

DAILY_TABLE = writer.table_of(DailyMetric)
BULK_COLUMNS = ("creator_id", "date", "market", *writer.DAILY_MONEY, *writer.DAILY_COUNTS)
PG_EPOCH = dt.date(2000, 1, 1)
PG_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
PG_TRAILER = b"\xff\xff"
WRITER_CHUNK_ROWS = 500_000  # each writer call looks creators up once, so keep calls few


def write_world(
    world: World,
    *,
    session: Session,
    progress: writer.Progress | None = None,
    bulk: bool | None = None,
) -> dict[str, int]:
    """Write `world` in dependency order; return rows written per table. Never commits.

    Daily metrics go through `writer.write_daily_metrics`, or, when the table is empty (or
    `bulk` says so), straight in: binary COPY on PostgreSQL, plain INSERTs on SQLite. Both
    paths store exactly the same rows.
    """
    counts = {
        "creators": writer.write_creators(world.creators, session=session, progress=progress),
        "tiers": writer.write_tiers(world.tiers, session=session, progress=progress),
        "campaigns": writer.write_campaigns(world.campaigns, session=session, progress=progress),
        "enrollments": (
            writer.write_enrollments(world.enrollments, session=session, progress=progress)
            if len(world.enrollments)
            else 0
        ),
    }
    dialect = session.get_bind().dialect.name
    if bulk is None:
        empty = session.execute(select(DailyMetric.creator_id).limit(1)).first() is None
        bulk = empty and dialect in ("postgresql", "sqlite")
    if bulk:
        ids = _creator_ids(world, session=session)
        load = _copy_daily if dialect == "postgresql" else _insert_daily
        counts["daily_metrics"] = load(world, ids, session=session, progress=progress)
    else:
        counts["daily_metrics"] = sum(
            writer.write_daily_metrics(chunk, session=session, progress=progress)
            for chunk in world.daily_metric_chunks(rows=WRITER_CHUNK_ROWS)
        )
    counts["slot_metrics"] = writer.write_slot_metrics(
        world.slot_metrics, session=session, progress=progress
    )
    after_world(session=session, progress=progress)
    campaign_stats.after_world(session=session)
    logger.info("demo world written", extra={"rows": counts, "spec": str(world.spec)})
    return counts


def _creator_ids(world: World, *, session: Session) -> np.ndarray:
    """Database ids of the world's creators, in the world's creator order."""
    stored = pd.DataFrame(
        session.execute(select(Creator.market, Creator.handle, Creator.id)).all(),
        columns=["market", "handle", "id"],
    )
    ids = world.creators[["market", "handle"]].merge(stored, how="left", on=["market", "handle"])
    if ids["id"].isna().any():
        raise RuntimeError("demo creators are missing from the database")
    return ids["id"].to_numpy(dtype=np.int64)


def _insert_daily(
    world: World, ids: np.ndarray, *, session: Session, progress: writer.Progress | None
) -> int:
    """Plain INSERTs through the session's connection, dates stored as SQLAlchemy stores them."""
    columns = ", ".join(BULK_COLUMNS)
    marks = ", ".join("?" for _ in BULK_COLUMNS)
    sql = f"INSERT INTO {DAILY_TABLE.name} ({columns}) VALUES ({marks})"
    dates = np.array([d.isoformat() for d in _dates(world)], dtype=object)
    codes = np.array(MARKETS, dtype=object)
    connection = session.connection()
    written = 0
    for block in world.daily_blocks():
        rows = list(
            zip(
                ids[block.creator].tolist(),
                dates[block.day].tolist(),
                codes[world.model.pop.market[block.creator]].tolist(),
                *(block.values[c].tolist() for c in BULK_COLUMNS[3:]),
                strict=True,
            )
        )
        if rows:
            connection.exec_driver_sql(sql, rows)
        written += len(rows)
        if progress:
            progress(len(rows))
    return written


def _copy_daily(
    world: World, ids: np.ndarray, *, session: Session, progress: writer.Progress | None
) -> int:
    """PostgreSQL binary COPY, each block encoded by numpy in one go.

    COPY checks a foreign key row by row; any the table has (none since revision 0018: a
    trigger on creators deletes their rows instead) is dropped for the load and added back (one
    join over all rows, inside the same transaction).
    """
    columns = ", ".join(BULK_COLUMNS)
    days = np.array([(d - PG_EPOCH).days for d in _dates(world)], dtype=np.int64)
    foreign_keys = sorted(DAILY_TABLE.foreign_key_constraints, key=lambda fk: str(fk.name))
    for fk in foreign_keys:
        session.execute(DropConstraint(fk))
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    written = 0
    with cursor.copy(f"COPY {DAILY_TABLE.name} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(PG_HEADER)
        for block in world.daily_blocks():
            for payload in _binary_rows(world, block, ids, days):
                copy.write(payload)
            written += len(block)
            if progress:
                progress(len(block))
        copy.write(PG_TRAILER)
    for fk in foreign_keys:
        session.execute(AddConstraint(fk))
    # A bulk load leaves no statistics behind; without them the planner guesses badly.
    session.execute(text(f"ANALYZE creators, {DAILY_TABLE.name}"))
    return written


def _binary_rows(
    world: World, block: DailyBlock, ids: np.ndarray, days: np.ndarray
) -> Iterator[bytes]:
    """COPY BINARY tuples of a block: one fixed-width record layout per market code."""
    market = world.model.pop.market[block.creator]
    values = {
        "creator_id": ids[block.creator],
        "date": days[block.day],
        **block.values,
    }
    for m, code in enumerate(MARKETS):
        rows = market == m
        count = int(rows.sum())
        if not count:
            continue
        encoded = code.encode()
        layout: list[tuple[str, str]] = [("fields", ">i2")]
        for name in BULK_COLUMNS:
            kind = f"S{len(encoded)}" if name == "market" else _pg_integer(name)
            layout += [(f"{name}_size", ">i4"), (name, kind)]
        record = np.empty(count, dtype=np.dtype(layout))
        record["fields"] = len(BULK_COLUMNS)
        for name in BULK_COLUMNS:
            record[f"{name}_size"] = record.dtype[name].itemsize
            if name == "market":
                record[name] = encoded
            else:
                column = values[name][rows]
                _check_range(name, column, record.dtype[name].itemsize)
                record[name] = column
        yield record.tobytes()


def _pg_integer(name: str) -> str:
    """The big-endian width PostgreSQL's binary format uses for the column's type."""
    kind = DAILY_TABLE.c[name].type
    if isinstance(kind, BigInteger):
        return ">i8"
    if isinstance(kind, SmallInteger):
        return ">i2"
    if isinstance(kind, Integer | Date):
        return ">i4"
    raise TypeError(f"no binary encoding for {name}: {kind!r}")


def _check_range(name: str, column: np.ndarray, width: int) -> None:
    limit = 2 ** (8 * width - 1)
    if len(column) and (column.max() >= limit or column.min() < -limit):
        raise OverflowError(f"daily_metrics.{name} does not fit in {width} bytes")


def _dates(world: World) -> list[dt.date]:
    return [world.spec.start + dt.timedelta(days=d) for d in range(world.spec.days)]
