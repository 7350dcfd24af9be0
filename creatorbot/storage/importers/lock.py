"""One import writes at a time: the lock `write` takes before it counts new and updated rows,
held until the transaction ends, so two imports of the same day never both count a row as new
(nor both add a difference to the campaign figures)."""

from __future__ import annotations

import logging
import sqlite3
import time

from sqlalchemy.orm import Session

from creatorbot.storage.advisory import try_xact_lock

logger = logging.getLogger(__name__)

NAME = "creatorbot:imports"
WAIT_SECONDS = 600.0  # an import of a million rows takes well under a minute
POLL_SECONDS = 0.2


class ImportBusy(Exception):
    """Another import held the lock for longer than the wait allowed."""


def lock_imports(*, session: Session, wait: float = WAIT_SECONDS) -> None:
    """Take the import lock in the session's transaction, waiting up to `wait` seconds for
    another import to finish (`ImportBusy` after that)."""
    dialect = session.get_bind().dialect.name
    deadline = time.monotonic() + wait
    if dialect == "postgresql":
        _postgresql(session, deadline)
    elif dialect == "sqlite":
        _sqlite(session, deadline)


def _postgresql(session: Session, deadline: float) -> None:
    # A try in a loop rather than pg_advisory_xact_lock: a statement_timeout must not cut the
    # wait short, and the wait must end.
    while not try_xact_lock(NAME, session=session):
        _pause(deadline)


def _sqlite(session: Session, deadline: float) -> None:
    """SQLite has one writer at a time: the transaction starts as a write (BEGIN IMMEDIATE)
    before anything is counted. Reads before it ran outside any transaction (the driver begins
    one only at the first write), so nothing read earlier can be stale."""
    driver = session.connection().connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    if driver.in_transaction:
        return  # this transaction has written already: it holds the write lock
    while True:
        try:
            driver.execute("BEGIN IMMEDIATE")  # waits busy_timeout for the writer before it
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            _pause(deadline)


def _pause(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise ImportBusy("another import is still being written")
    logger.info("waiting for another import to finish")
    time.sleep(POLL_SECONDS)
