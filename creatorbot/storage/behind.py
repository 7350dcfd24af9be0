"""PostgreSQL COPYs left to finish on a thread of their own while the writer goes on: the server
works through a block's rows (its table, its indexes) while the next block is read and checked.

Order is kept by the driver's connection lock: the thread holds it from the COPY's start to its
end, and every other use of the connection (a statement, a fetch, a commit) waits for it. A COPY
is started before `send` returns, so nothing sent after it can run before it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from sqlalchemy.orm import Session

_KEY = "copies_behind"


class _Behind:
    """One session's COPYs in flight, one at a time, in the order sent."""

    def __init__(self) -> None:
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy")
        self.sent: list[Future[None]] = []

    def send(self, copy: Callable[[threading.Event], None]) -> None:
        """Run `copy` on the thread once what was sent before is done; return once it started
        (it sets the event it is given when it holds the connection) or failed to."""
        self.raise_failed()
        started = threading.Event()
        future = self.thread.submit(copy, started)
        future.add_done_callback(lambda _: started.set())
        self.sent.append(future)
        started.wait()

    def raise_failed(self) -> None:
        """The error of a COPY that failed, if one did: the first."""
        for future in self.sent:
            if future.done() and future.exception() is not None:
                future.result()
        self.sent = [future for future in self.sent if not future.done()]

    def finish(self) -> None:
        """Wait for every COPY sent; raise the first one's error."""
        try:
            for future in self.sent:
                future.result()
        finally:
            self.sent = []
            self.thread.shutdown(wait=True)


@contextmanager
def copies_behind(*, session: Session) -> Iterator[None]:
    """Inside the block, the session's COPYs (`upsert`'s bulk writes on PostgreSQL) finish on a
    thread of their own. The block's end waits for the last; a COPY that failed raises its own
    error there, rather than what its aborted transaction made a later statement raise."""
    if session.get_bind().dialect.name != "postgresql" or _KEY in session.info:
        yield
        return
    behind = session.info[_KEY] = _Behind()
    try:
        yield
    except BaseException:
        session.info.pop(_KEY, None)
        behind.finish()  # the COPY's own error, if it failed, before the one it caused
        raise
    session.info.pop(_KEY, None)
    behind.finish()


def behind(session: Session) -> _Behind | None:
    """The session's COPYs in flight, when inside `copies_behind`."""
    found = session.info.get(_KEY)
    return found if isinstance(found, _Behind) else None
