"""The fake Slack served from one event loop, and the users' requests sent from the same loop:
the load driver then costs a fraction of a core (a thread per user and a thread per request
took a fifth to two fifths of the two cores the bot was measured on)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
import time
from collections.abc import Coroutine
from http import HTTPStatus
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

from tests.fakes.slack_api import RESPONSE_URL, FakeSlack

T = TypeVar("T")
Answer = tuple[float, dict[str, Any] | None]  # when it arrived; what it said (None: refused)


class Headers(dict[str, str]):
    """A request's headers, looked up whatever their case (as `email.message.Message` is)."""

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)


class Exchange:
    """One request and its reply, in the shape of the `BaseHTTPRequestHandler` the fake's
    `handle` is written for."""

    def __init__(self, path: str, headers: Headers, body: bytes) -> None:
        self.path = path
        self.headers = headers
        self.rfile = io.BytesIO(body)
        self.wfile = io.BytesIO()
        self.close_connection = False
        self._head: list[str] = []

    def send_response(self, status: int) -> None:
        self._head.append(f"HTTP/1.1 {status} {HTTPStatus(status).phrase}")
        self._head.append("Connection: close")

    def send_header(self, name: str, value: str) -> None:
        self._head.append(f"{name}: {value}")

    def end_headers(self) -> None:
        self.wfile.write(("\r\n".join(self._head) + "\r\n\r\n").encode("latin-1"))
        self._head = []

    def reply(self) -> bytes:
        return self.wfile.getvalue()


async def read_message(reader: asyncio.StreamReader) -> tuple[str, Headers, bytes]:
    """A request or response: its first line, headers and body (by length, chunks or close)."""
    head = await reader.readuntil(b"\r\n\r\n")  # at most the reader's limit, 64 KiB
    first, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
    headers = Headers()
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return first, headers, await _chunks(reader)
    length = headers.get("content-length")
    if length is not None:
        return first, headers, await reader.readexactly(int(length))
    if first.startswith("HTTP/"):  # a response without a length ends with the connection
        return first, headers, await reader.read()
    return first, headers, b""


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while size := int((await reader.readline()).split(b";")[0], 16):
        body += await reader.readexactly(size)
        await reader.readline()
    await reader.readuntil(b"\r\n")  # the blank line after the last chunk (no trailers sent)
    return bytes(body)


async def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST `body` to `url` (http, loopback) on a connection of its own; status and body."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        head = [f"POST {parts.path or '/'} HTTP/1.1", f"Host: {parts.netloc}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        head += [f"Content-Length: {len(body)}", "Connection: close"]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()
        first, _headers, answer = await read_message(reader)
        return int(first.split()[1]), answer
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


class LoopSlack(FakeSlack):
    """The fake Slack Web API on an event loop of its own thread, telling a waiting user the
    moment their answer arrives on its response_url, and what it said."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._listening: asyncio.Server | None = None
        self._origin = ""
        self._arrivals: dict[str, asyncio.Future[Answer]] = {}

    @property
    def base_url(self) -> str:
        if not self._origin:
            raise RuntimeError("LoopSlack is not started")
        return self._origin

    def start(self) -> Self:
        if self._listening is None:
            self._loop_thread.start()
            listening = asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=1024)
            self._listening = self.run(listening)
            self._origin = f"http://127.0.0.1:{self._listening.sockets[0].getsockname()[1]}"
        return self

    def stop(self) -> None:
        if self._listening is not None:
            self.run(self._close(self._listening))  # asyncio's Server is the loop's alone
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._loop_thread.join(timeout=5)
            self.loop.close()
            self._listening = None
            self._origin = ""

    @staticmethod
    async def _close(server: asyncio.Server) -> None:
        server.close()
        await server.wait_closed()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the loop, from another thread, and wait for its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result()

    def expect(self, url: str) -> asyncio.Future[Answer]:
        """On the loop: a future that gets the answer posted to `url`."""
        arrival: asyncio.Future[Answer] = self.loop.create_future()
        self._arrivals[url] = arrival
        return arrival

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            first, headers, body = await read_message(reader)
            headers["content-length"] = str(len(body))  # as the fake reads it, chunked or not
            exchange = Exchange(first.split()[1], headers, body)
            arrived = time.perf_counter()
            self.handle(exchange)  # type: ignore[arg-type]  # the handler's shape, see Exchange
            self._arrived(exchange.path, arrived)
            if not exchange.close_connection:
                writer.write(exchange.reply())
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    def _arrived(self, path: str, arrived: float) -> None:
        url = f"{self.base_url}{urlsplit(path).path}"
        waiting = self._arrivals.pop(url, None)
        if waiting is None or waiting.done():
            return
        with self._lock:  # the call just recorded is the last of its URL
            said = next(
                (c for c in reversed(self._calls) if c.method == RESPONSE_URL and c.url == url),
                None,
            )
        waiting.set_result((arrived, said.params if said and not said.failed else None))
