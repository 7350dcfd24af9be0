"""One scheduler per database: a PostgreSQL advisory lock, or a lock file beside a SQLite file.

Both are released by the operating system or the server when their holder dies, so a standby
takes over without anyone cleaning up, and whoever holds the lock knows that any run still
marked claimed was left by a process that is gone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from creatorbot.storage.advisory import try_lock, unlock

LOCK_NAME = "scheduler"  # the advisory lock every creatorbot scheduler of a schema asks for
LEADING_ELSEWHERE = (
    "another creatorbot scheduler is already running on this database; "
    "stop it first (only one may post)"
)
_memory_locks: dict[str, threading.Lock] = {}


class LeaderLock:
    """`acquire()` without waiting; `held()` checks it is still ours; `release()` lets go."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._file: IO[str] | None = None
        self._memory: threading.Lock | None = None
        # The scheduler's tick and its other leader-only jobs (housekeeping, the inbox) ask from
        # their own threads; the lock's one connection must not be used by two at once.
        self._guard = threading.RLock()

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; True when it is ours (now or already)."""
        with self._guard:
            return self._acquire()

    def _acquire(self) -> bool:
        if self._held():
            return True
        if self.engine.dialect.name == "postgresql":
            return self._acquire_advisory()
        path = self.engine.url.database
        if not path or path == ":memory:":
            return self._acquire_memory(str(self.engine.url))
        return self._acquire_file(Path(f"{path}.scheduler.lock"))

    def held(self) -> bool:
        """Whether this process still holds the lock (a lost database connection loses it)."""
        with self._guard:
            return self._held()

    def _held(self) -> bool:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1"))
                return True
            except SQLAlchemyError:
                self._drop_connection()
                return False
        return self._file is not None or self._memory is not None

    def release(self) -> None:
        """Let a standby take over."""
        with self._guard:
            self._release()

    def _release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                unlock(LOCK_NAME, connection=self._connection)
            self._drop_connection()
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._memory is not None:
            self._memory.release()
            self._memory = None

    def _acquire_advisory(self) -> bool:
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if try_lock(LOCK_NAME, connection=connection):
            self._connection = connection
            return True
        connection.close()
        return False

    def _acquire_file(self, path: Path) -> bool:
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def _acquire_memory(self, key: str) -> bool:
        lock = _memory_locks.setdefault(key, threading.Lock())
        if lock.acquire(blocking=False):
            self._memory = lock
            return True
        return False

    def _drop_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._connection.close()
            self._connection = None
