"""Holding what a read-then-write is about until the transaction ends, so that two of them never
interleave: on PostgreSQL the row is locked (FOR UPDATE), or a name when there is no row to
lock (an advisory lock); SQLite has one writer at a time, so the transaction starts as the
write (BEGIN IMMEDIATE) before anything is read."""

from __future__ import annotations

import sqlite3

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from creatorbot.storage.advisory import xact_lock


def hold_row(key: InstrumentedAttribute[int], value: int, *, session: Session) -> bool:
    """Lock the row whose `key` column is `value` until the transaction ends (another unit of
    work holding it is waited for); whether there is one."""
    query = select(key).where(key == value)
    if begin_write(session):
        return session.scalar(query) is not None
    return session.scalar(query.with_for_update()) is not None


def hold_name(name: str, *, session: Session) -> None:
    """Hold `name` until the transaction ends (another unit of work holding it is waited for)."""
    if not begin_write(session):
        xact_lock(name, session=session)


def begin_write(session: Session) -> bool:
    """On SQLite, start the session's transaction as a write, waiting (the busy timeout) for
    the writer before it; True. Elsewhere nothing: False. Reads before it ran outside any
    transaction (the driver begins one at the first write), so nothing read is stale: no
    BUSY_SNAPSHOT can follow."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    if not driver.in_transaction:  # else it has written already: it holds the write lock
        driver.execute("BEGIN IMMEDIATE")
    return True
