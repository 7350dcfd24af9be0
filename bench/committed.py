"""A bench's write timed to its commit, as `creatorbot sync` and `import` run it, without
changing the bench world: on SQLite the write goes into a copy of the world's file (its commit
pays for the write-ahead log's checkpoint, as a real one does), thrown away after; PostgreSQL's
commit is a flush of the log its server has been writing all along, so there the transaction
is rolled back, and the dead rows it leaves are vacuumed away so the next run starts as this
one did."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.commands import DATA, connect_args, database_url
from creatorbot.storage.db import make_engine

# Where a rolled-back write on PostgreSQL leaves dead rows (a row per creator-day written).
WRITTEN = ("daily_metrics", "day_columns", "board_rows", "boards")


@contextlib.contextmanager
def world_to_write(scale: str, db: str) -> Iterator[str]:
    """The URL of a world to write into: a copy of the SQLite file, or PostgreSQL's own."""
    if db != "sqlite":
        yield database_url(scale, db)
        return
    source = Path(database_url(scale, db).removeprefix("sqlite:///"))
    with contextlib.closing(sqlite3.connect(source)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the log's pages into the file
    with tempfile.TemporaryDirectory(dir=DATA) as folder:
        target = Path(folder) / source.name
        shutil.copyfile(source, target)
        yield f"sqlite:///{target}"


def finish(session: Session, db: str) -> None:
    """End the bench's transaction as the bench world allows: committed on a SQLite copy,
    rolled back on PostgreSQL."""
    if db == "sqlite":
        session.commit()
    else:
        session.rollback()


def vacuum(scale: str, db: str) -> None:
    """After PostgreSQL rolled back a write: its dead rows vacuumed, as a committed day has none."""
    if db == "sqlite":
        return
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in WRITTEN:
            connection.execute(text(f"VACUUM {table}"))
    engine.dispose()
