"""How the bot's PostgreSQL connections are opened, so that a database (or anything on the way to
it) that stops answering is given up on instead of waited on forever: a connect timeout, TCP
keepalives, a statement timeout on the server, and a bound on every wait for an answer."""

from __future__ import annotations

import logging
import re
from functools import partial
from typing import Any, TypeVar

import psycopg
from psycopg import errors
from psycopg.abc import PQGen
from sqlalchemy import Engine, event

logger = logging.getLogger(__name__)

RV = TypeVar("RV")
CONNECT_TIMEOUT_SECONDS = 5  # give up on a connect after this, unless the URL says
# A peer that vanished (a host gone, a network cut) is noticed on an idle connection after
# about 30 + 3 × 10 s, and on a busy one once what was sent stays unacknowledged for 30 s.
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
TCP_USER_TIMEOUT_MS = 30_000
# How much longer than the statement timeout the client waits for an answer: a statement the
# server is running is cancelled by the server first, with its own error.
ANSWER_GRACE_SECONDS = 5.0
_NAMED = re.compile(r"statement_timeout\s*=\s*'?(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?")
_UNIT_SECONDS = {"us": 1e-6, "ms": 1e-3, "": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


class WatchedConnection(psycopg.Connection[Any]):
    """A psycopg connection that waits at most `answer_timeout` seconds for any answer (a
    statement's, a commit's, the pool's ping). Past it, the connection is closed and the caller
    gets the same OperationalError as for a lost connection. TCP keepalives cannot tell a
    database that stopped answering from one that is slow: a paused server, or a proxy on the way
    that hangs, still acknowledges every packet."""

    answer_timeout: float | None = None

    def wait(self, gen: PQGen[RV], interval: float = 0.1, timeout: float | None = None) -> RV:
        if timeout is not None or self.answer_timeout is None:
            return super().wait(gen, interval, timeout)  # psycopg's own bounded waits
        try:
            return super().wait(gen, interval, self.answer_timeout)
        except errors._WaitTimeout:
            self.close()
            logger.warning("database gave no answer", extra={"seconds": self.answer_timeout})
            raise psycopg.OperationalError(
                f"the database did not answer within {self.answer_timeout:g} s"
            ) from None


def watch(engine: Engine, statement_timeout: float | None) -> None:
    """Open `engine`'s connections as `WatchedConnection`s, with the timeouts and keepalives
    above (each one the URL names itself is left as it says). `statement_timeout` (seconds; None
    or 0: none of ours) is set on the server and bounds the client's wait, plus the grace."""
    event.listen(engine, "do_connect", partial(_connect, statement_timeout))


def _connect(
    statement_timeout: float | None,
    _dialect: Any,
    _record: Any,
    cargs: tuple[Any, ...],
    cparams: dict[str, Any],
) -> WatchedConnection:
    options = str(cparams.get("options") or "")
    limit = named_statement_timeout(options)
    if limit is None and statement_timeout:
        milliseconds = max(round(statement_timeout * 1000), 1)
        cparams["options"] = f"{options} -c statement_timeout={milliseconds}".strip()
        limit = statement_timeout
    cparams.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    for name, value in KEEPALIVES.items():
        cparams.setdefault(name, value)
    cparams.setdefault("tcp_user_timeout", TCP_USER_TIMEOUT_MS)
    connection = WatchedConnection.connect(*cargs, **cparams)
    connection.answer_timeout = limit + ANSWER_GRACE_SECONDS if limit else None
    return connection


def named_statement_timeout(options: str) -> float | None:
    """The statement timeout (seconds; 0: none) libpq `options` set, if they set one."""
    found = _NAMED.search(options)
    if found is None:
        return None
    return float(found.group(1)) * _UNIT_SECONDS[found.group(2) or ""]
