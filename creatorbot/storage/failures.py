"""Telling what kind of failure a database error is: the database out of reach, or its disk
full, whichever database or file system says so."""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

PG_DISK_FULL = "53100"  # SQLSTATE disk_full: psycopg.errors.DiskFull
# SQLSTATE classes that mean the server is not there for us: connection exceptions, and the
# server shutting down, crashed or still starting up.
UNREACHABLE_STATES = ("08", "57P")


def disk_full(exc: BaseException) -> bool:
    """Whether `exc`, or an error it was raised from, says the disk is full: SQLite's
    SQLITE_FULL ("database or disk is full"), PostgreSQL's 53100, or the OS's ENOSPC."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _says_full(current):
            return True
        if isinstance(current, DBAPIError) and current.orig is not None:
            current = current.orig
        else:
            current = current.__cause__ or current.__context__
    return False


def _says_full(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        # The code is the extended one; its low byte is the primary SQLITE_FULL.
        return (code is not None and code & 0xFF == sqlite3.SQLITE_FULL) or (
            "database or disk is full" in str(exc)
        )
    if PG_DISK_FULL in (getattr(exc, "sqlstate", None), getattr(exc, "pgcode", None)):
        return True
    return isinstance(exc, OSError) and exc.errno == errno.ENOSPC


def database_unreachable(exc: BaseException) -> bool:
    """Whether `exc` (or what it was raised from) says the database could not be reached or the
    connection to it was lost, rather than that something failed inside it."""
    seen: BaseException | None = exc
    for _ in range(5):  # a rollback failing after the connection went is chained to it
        if seen is None:
            return False
        if isinstance(seen, DBAPIError):
            if seen.connection_invalidated:
                return True
            if isinstance(seen, (OperationalError, InterfaceError)):
                # psycopg gives no SQLSTATE for a failure on the client side (no connection).
                state = getattr(seen.orig, "sqlstate", "")
                if state is None or str(state).startswith(UNREACHABLE_STATES):
                    return True
        seen = seen.__cause__ or seen.__context__
    return False


def first_line(exc: BaseException) -> str:
    """The first line of what the driver said: while the database is away, one line per request
    says why, rather than a traceback."""
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__
