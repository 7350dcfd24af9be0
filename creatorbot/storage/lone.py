"""Units of work that begin their transaction at their first write, on PostgreSQL: a command that
only reads sends no BEGIN and no COMMIT (two round trips of the few it makes), one that writes is
as atomic as ever. SQLite's driver already begins at the first write."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

BEGIN_ON_WRITE = "begin_on_write"  # a connection's option: reads go in autocommit until a write
ALONE = "alone"  # a statement's option: one statement, atomic by itself, begins nothing
# A SELECT that locks, or changes something, must be in the transaction of what follows it.
_NOT_A_READ = re.compile(
    r"\bFOR\s+(?:UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|pg_advisory|nextval|setval"
    r"|set_config|pg_notify",
    re.IGNORECASE,
)


def watch(engine: Engine) -> None:
    """Let `engine`'s connections opened by `reads_first` begin at their first write."""
    event.listen(engine, "before_cursor_execute", _begin_before_a_write)


def reads_first(session: Session) -> None:
    """Open `session`'s connection so that its reads go without a transaction (each read is a
    snapshot of its own, as in READ COMMITTED, the isolation the bot runs at) and the first
    statement that writes or locks begins one, committed or rolled back with the session."""
    if session.get_bind().dialect.driver == "psycopg":
        session.connection(
            execution_options={"isolation_level": "AUTOCOMMIT", BEGIN_ON_WRITE: True}
        )


def still_reading(session: Session) -> bool:
    """Whether `session` was opened by `reads_first` and has written nothing: a statement sent
    now is a transaction of its own."""
    connection = session.connection()
    if not connection.get_execution_options().get(BEGIN_ON_WRITE):
        return False
    return bool(connection.connection.dbapi_connection.autocommit)  # type: ignore[union-attr]


def reads_only(statement: str) -> bool:
    """Whether `statement` only reads: a SELECT that neither locks nor changes anything."""
    return statement.lstrip()[:6].upper() == "SELECT" and not _NOT_A_READ.search(statement)


def _begin_before_a_write(
    connection: Any,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    context: Any,
    _executemany: bool,
) -> None:
    options = context.execution_options if context is not None else {}
    if not options.get(BEGIN_ON_WRITE) or options.get(ALONE):
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.autocommit and not reads_only(statement):
        # psycopg sends BEGIN before this statement; the session's commit sends COMMIT.
        dbapi_connection.autocommit = False
