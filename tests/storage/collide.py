"""Two units of work made to collide on one database, deterministically: the first stops just
before it writes a table until the second is about to write it too, or has asked for a lock
(and so waits for the first to finish). Without a lock both have read "nothing there yet" and
both write."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, text

DEADLINE = 30.0  # seconds: a loaded machine is slow, a stuck test still ends
SQLITE_LOCK = re.compile(r"BEGIN\s+IMMEDIATE", re.IGNORECASE)


def wait_for(done: Callable[[], bool], what: str, deadline: float = DEADLINE) -> None:
    """Return once `done()` holds; fail the test after `deadline` seconds."""
    end = time.monotonic() + deadline
    while not done():
        if time.monotonic() > end:
            raise AssertionError(f"still waiting after {deadline} s for {what}")
        time.sleep(0.002)


def writes(table: str) -> re.Pattern[str]:
    """Statements that write `table`."""
    return re.compile(rf"^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?{table}\b", re.IGNORECASE)


@contextmanager
def statements_sent(
    engine: Engine,
    before: Callable[[str], None],
    traced: Callable[[str], None],
    pids: dict[threading.Thread, int],
) -> Iterator[None]:
    """While inside, call `before(sql)` as each statement is handed to the driver, and
    `traced(sql)` as it starts running (SQLite: also what the driver sends by itself, such as
    BEGIN IMMEDIATE), each from the thread that sends it; on PostgreSQL, note in `pids` each
    thread's server process."""

    def on_execute(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        before(statement)
        if engine.dialect.name != "sqlite":
            pids[threading.current_thread()] = conn.connection.dbapi_connection.info.backend_pid
            traced(statement)

    def on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(traced)

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "checkout", on_checkout)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "checkout", on_checkout)
        if engine.dialect.name == "sqlite":
            engine.dispose()  # no pooled connection keeps the trace


def blocked(engine: Engine, pid: int | None) -> bool:
    """Whether PostgreSQL's process `pid` waits for a lock another transaction holds."""
    if pid is None:
        return False
    with engine.connect() as connection:
        query = text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND NOT granted")
        return bool(connection.execute(query, {"pid": pid}).scalar_one())


def collide(
    engine: Engine, table: str, first: Callable[[], Any], second: Callable[[], Any]
) -> tuple[Any, Any]:
    """Run `first` and `second` on two threads; `first` pauses before its first write of
    `table` until `second` is about to write it too, waits for a lock, or has finished. Both
    results (an exception raised is the result)."""
    writing = writes(table)
    threads: dict[str, threading.Thread] = {}
    first_waits, second_arrived = threading.Event(), threading.Event()
    pids: dict[threading.Thread, int] = {}

    def before(statement: str) -> None:
        me = threading.current_thread()
        if me is threads.get("first") and not first_waits.is_set() and writing.search(statement):
            first_waits.set()
            wait_for(
                lambda: (
                    second_arrived.is_set()
                    or "second" in finished
                    or blocked(engine, pids.get(threads["second"]))
                ),
                f"the second unit of work to write {table} or to wait for a lock",
            )

    def traced(statement: str) -> None:
        # SQLite's BEGIN IMMEDIATE waits while the first holds the write lock; PostgreSQL's
        # row and advisory locks only when another holds them (`blocked` asks the server).
        if threading.current_thread() is threads.get("second") and (
            SQLITE_LOCK.search(statement) or writing.search(statement)
        ):
            second_arrived.set()

    results: dict[str, Any] = {}
    finished: set[str] = set()

    def run(name: str, work: Callable[[], Any]) -> None:
        try:
            results[name] = work()
        except Exception as exc:  # the test asserts on it
            results[name] = exc
        finally:
            finished.add(name)

    threads["first"] = threading.Thread(target=run, args=("first", first), name="first")
    threads["second"] = threading.Thread(target=run, args=("second", second), name="second")
    with statements_sent(engine, before, traced, pids):
        threads["first"].start()
        wait_for(
            lambda: first_waits.is_set() or "first" in finished,
            f"the first unit of work to write {table}",
        )
        threads["second"].start()
        for thread in threads.values():
            thread.join(DEADLINE)
            assert not thread.is_alive(), f"{thread.name} did not finish"
    assert first_waits.is_set(), f"the first unit of work never wrote {table}"
    return results["first"], results["second"]
