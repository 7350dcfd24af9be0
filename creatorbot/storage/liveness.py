"""Whether a pooled PostgreSQL connection is still alive, found out without a round trip when it
was in use a moment ago: a server that restarted or a connection cut on the way has closed the
socket, which the client sees at once. Only a connection idle for a while is pinged."""

from __future__ import annotations

import select
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

# A connection idle longer than this is pinged when it is handed out: what may have dropped it
# silently (a NAT or firewall idle timeout, a failover that left no FIN) takes longer than this.
IDLE_PING_SECONDS = 10.0
_LAST_USED = "liveness_last_used"


def watch(engine: Engine) -> None:
    """Check each connection `engine`'s pool hands out, instead of `pool_pre_ping`'s round trip
    on every checkout. A connection found dead is replaced before the caller sees it (the pool
    retries with a fresh one), as with the pre-ping."""
    event.listen(engine, "connect", _used)
    event.listen(engine, "checkin", _used)
    event.listen(engine, "checkout", _check(engine))


def _used(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_LAST_USED] = time.monotonic()


def _check(engine: Engine) -> Any:
    def check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle = time.monotonic() - record.info.get(_LAST_USED, float("-inf"))
        if idle <= IDLE_PING_SECONDS and not has_news(dbapi_connection):
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"connection found dead: {exc}") from exc
        if not alive:
            raise DisconnectionError("connection found dead")

    return check


def has_news(dbapi_connection: Any) -> bool:
    """Whether the server said something unasked on an idle connection: it closed it (a restart,
    a cut: the socket reads its end), or a notice came. Either way it is worth a ping."""
    try:
        fileno = dbapi_connection.fileno()
        if hasattr(select, "poll"):  # any descriptor number, unlike select()
            poller = select.poll()
            poller.register(fileno, select.POLLIN)
            return bool(poller.poll(0))
        readable, _, _ = select.select([fileno], [], [], 0)
    except Exception:  # closed already
        return True
    return bool(readable)
