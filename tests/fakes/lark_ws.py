"""A fake Lark long-connection (WebSocket) server on 127.0.0.1 that pushes events as Lark does."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from lark_oapi.ws.enum import FrameType, MessageType
from lark_oapi.ws.pb.pbbp2_pb2 import Frame
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.fakes.lark_api import WS_CLIENT_CONFIG
from tests.fakes.loopback import Running

SERVICE_ID = 33554678  # Lark's long-connection service; the client echoes it in each ping
PATH = "/ws/v2"


class FakeLarkWs(Running):
    """Lark's side of the long connection, in a daemon thread with an event loop of its own.

    Its `url` (what `FakeLark.ws_url` hands out) carries the `device_id` and `service_id` the
    SDK reads, and a `ticket` the handshake must present. `push()` sends one event as a data
    frame and returns the client's answer; pings are answered with a pong carrying the client
    config. A failed handshake, a frame that does not parse or an unanswered push is recorded in
    `problems`.
    """

    def __init__(self) -> None:
        self.device_id = f"dev_{secrets.token_hex(6)}"
        self.ticket = secrets.token_hex(8)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._connections: list[ServerConnection] = []
        self._waiting: dict[str, Future[dict[str, Any]]] = {}
        self._connected = threading.Condition(self._lock)
        self._handshakes = 0
        self._serial = 0
        self.pings = 0
        self.problems: list[str] = []

    # ---- life

    def start(self) -> Self:
        """Serve on a free port of 127.0.0.1 in a daemon thread."""
        if self._server is None:
            loop = asyncio.new_event_loop()
            ready: Future[Server] = Future()
            self._thread = threading.Thread(
                target=self._run, args=(loop, ready), name="fake-lark-ws", daemon=True
            )
            self._thread.start()
            self._server = ready.result(timeout=5)
            self._loop = loop
        return self

    def _run(self, loop: asyncio.AbstractEventLoop, ready: Future[Server]) -> None:
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(self._open())
        except BaseException as exc:
            ready.set_exception(exc)
            loop.close()
            return
        ready.set_result(server)
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _open(self) -> Server:
        return await serve(self._serve, "127.0.0.1", 0, process_request=self._check_handshake)

    def stop(self) -> None:
        """Close every connection (the client sees "going away"), then the server."""
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        async def close() -> None:
            server.close()
            await server.wait_closed()

        try:
            asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=5)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._loop = self._server = self._thread = None
            with self._lock:
                self._connections.clear()
                for waiting in self._waiting.values():
                    waiting.cancel()
                self._waiting.clear()

    @property
    def url(self) -> str:
        """The endpoint as Lark's discovery answers it: device and service ids in the query."""
        if self._server is None:
            raise RuntimeError("FakeLarkWs is not started")
        port = self._server.sockets[0].getsockname()[1]
        query = f"device_id={self.device_id}&service_id={SERVICE_ID}&ticket={self.ticket}"
        return f"ws://127.0.0.1:{port}{PATH}?{query}"

    # ---- what tests do

    @property
    def connections(self) -> int:
        """Connections open now."""
        with self._lock:
            return len(self._connections)

    @property
    def handshakes(self) -> int:
        """Connections ever accepted."""
        with self._lock:
            return self._handshakes

    def wait_connected(self, timeout: float = 5.0) -> None:
        """Block until a client holds a connection open."""
        with self._connected:
            if not self._connected.wait_for(lambda: bool(self._connections), timeout):
                raise AssertionError(
                    f"no long connection within {timeout}s; problems: {self.problems}"
                )

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Poll until `predicate()` holds; on timeout fail with the problems seen."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise AssertionError(f"condition not met within {timeout}s; {self.problems}")
            time.sleep(0.01)

    def push(self, body: dict[str, Any], timeout: float = 5.0) -> dict[str, Any] | None:
        """Send one event (a data frame of type "event") to the newest connection and wait for
        the client's answer to its message_id: the response payload ({"code": 200, ...}), `data`
        decoded from its base64 JSON when present, and the answer frame's headers under
        "frame_headers". None when no answer comes within `timeout`."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("FakeLarkWs is not started")
        with self._lock:
            if not self._connections:
                raise AssertionError("push() with no client connected")
            connection = self._connections[-1]
            self._serial += 1
            serial = self._serial
            message_id = f"msg_{serial:06d}{secrets.token_hex(4)}"
            answer: Future[dict[str, Any]] = Future()
            self._waiting[message_id] = answer
        frame = _data_frame(serial, message_id, json.dumps(body, ensure_ascii=False).encode())
        sent = asyncio.run_coroutine_threadsafe(connection.send(frame.SerializeToString()), loop)
        try:
            sent.result(timeout=timeout)
            return answer.result(timeout=timeout)
        except FutureTimeout:
            with self._lock:
                self.problems.append(f"no answer to {message_id} within {timeout}s")
            return None
        finally:
            with self._lock:
                self._waiting.pop(message_id, None)

    # ---- the server side

    def _check_handshake(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        expected = {"device_id": self.device_id, "service_id": str(SERVICE_ID)}
        if parts.path != PATH or query.get("ticket") != self.ticket:
            with self._lock:
                self.problems.append(f"handshake refused: {request.path}")
            return connection.respond(HTTPStatus.FORBIDDEN, "unknown ticket\n")
        if any(query.get(key) != value for key, value in expected.items()):
            with self._lock:
                self.problems.append(f"handshake refused: {request.path}")
            return connection.respond(HTTPStatus.FORBIDDEN, "unknown device\n")
        return None

    async def _serve(self, connection: ServerConnection) -> None:
        with self._connected:
            self._connections.append(connection)
            self._handshakes += 1
            self._connected.notify_all()
        try:
            async for message in connection:
                if isinstance(message, bytes):
                    await self._receive(connection, message)
                else:
                    with self._lock:
                        self.problems.append(f"text frame: {message[:80]!r}")
        except ConnectionClosed:
            pass
        finally:
            with self._lock:
                if connection in self._connections:
                    self._connections.remove(connection)

    async def _receive(self, connection: ServerConnection, raw: bytes) -> None:
        frame = Frame()
        try:
            frame.ParseFromString(raw)
            headers = {h.key: h.value for h in frame.headers}
            kind = headers.get("type")
            if frame.method == FrameType.CONTROL.value and kind == MessageType.PING.value:
                with self._lock:
                    self.pings += 1
                await connection.send(_pong(frame.service).SerializeToString())
            elif frame.method == FrameType.DATA.value:
                self._answered(headers, json.loads(frame.payload))
            else:
                with self._lock:
                    self.problems.append(f"unexpected frame: method {frame.method}, {headers}")
        except Exception as exc:  # a fake records what it cannot read; the test decides
            with self._lock:
                self.problems.append(f"unreadable frame: {exc!r}")

    def _answered(self, headers: dict[str, str], payload: dict[str, Any]) -> None:
        if isinstance(payload.get("data"), str):
            payload["data"] = json.loads(base64.b64decode(payload["data"]))
        payload["frame_headers"] = headers
        with self._lock:
            waiting = self._waiting.get(headers.get("message_id", ""))
        if waiting is None:
            with self._lock:
                self.problems.append(f"answer to an unknown message: {headers}")
        elif not waiting.done():
            waiting.set_result(payload)


def _frame(method: FrameType, serial: int, headers: dict[str, str], payload: bytes) -> Frame:
    frame = Frame()
    frame.SeqID = serial
    frame.LogID = serial
    frame.service = SERVICE_ID
    frame.method = method.value
    for key, value in headers.items():
        header = frame.headers.add()
        header.key = key
        header.value = value
    if payload:
        frame.payload = payload
    return frame


def _data_frame(serial: int, message_id: str, payload: bytes) -> Frame:
    headers = {
        "type": MessageType.EVENT.value,
        "message_id": message_id,
        "sum": "1",
        "seq": "0",
        "trace_id": secrets.token_hex(8),
    }
    return _frame(FrameType.DATA, serial, headers, payload)


def _pong(service: int) -> Frame:
    frame = _frame(FrameType.CONTROL, 0, {"type": MessageType.PONG.value}, b"")
    frame.service = service
    frame.payload = json.dumps(WS_CLIENT_CONFIG).encode()
    return frame
