"""What every fake platform API shares: an HTTP server on a free port of 127.0.0.1, run in a
daemon thread, started and stopped as a context manager, and a wait for what it has seen."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now (for a server started elsewhere)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Connections waiting to be accepted: socketserver's 5 resets some when a hundred users
    # and the bot's workers call at once, which the real platforms never do.
    request_queue_size = 128
    fake: LoopbackFake


class Request(BaseHTTPRequestHandler):
    """One request to a fake; every verb goes to the fake's `handle`."""

    server: _Server

    def do_GET(self) -> None:
        self.server.fake.handle(self)

    def do_POST(self) -> None:
        self.server.fake.handle(self)

    def do_PATCH(self) -> None:
        self.server.fake.handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet; the recorded calls say what happened."""


class Resets:
    """How many of each method's next calls are to be acted on and then answered by closing the
    connection (a fake's `reset_after`); the fake's own lock guards it."""

    def __init__(self) -> None:
        self._left: dict[str, int] = {}

    def add(self, method: str, times: int) -> None:
        self._left[method] = self._left.get(method, 0) + max(times, 0)

    def take(self, method: str) -> bool:
        """Whether this call of `method` is one of them (counted off if so)."""
        left = self._left.get(method, 0)
        if left <= 0:
            return False
        self._left[method] = left - 1
        return True

    def clear(self) -> None:
        self._left.clear()


class Running:
    """A fake's life as a context manager: `start()` on entry, `stop()` on exit."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class LoopbackFake(Running):
    """The server's life; a subclass answers each request in `handle` and says what it saw in
    `summary` (shown when `wait_for` gives up)."""

    def __init__(self) -> None:
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def handle(self, request: Request) -> None:
        raise NotImplementedError

    def summary(self) -> str:
        return ""

    def start(self) -> Self:
        """Serve on a free port of 127.0.0.1 in a daemon thread."""
        if self._server is None:
            server = _Server(("127.0.0.1", 0), Request)
            server.fake = self
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = None
            self._thread = None

    @property
    def base_url(self) -> str:
        """The origin the fake answers on."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Poll until `predicate()` holds; on timeout fail with what the fake has seen."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"condition not met within {timeout}s; the fake saw {self.summary()}"
                )
            time.sleep(0.01)
