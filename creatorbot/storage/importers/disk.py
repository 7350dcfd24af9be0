"""Telling a full disk from other write failures, whichever database or file system says so."""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError

PG_DISK_FULL = "53100"  # SQLSTATE disk_full: psycopg.errors.DiskFull


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
