"""The HTTP front: one WSGI app for every platform's callbacks plus `/livez`, `/readyz`,
`/healthz` and `/metrics`, and the public pages (the creators' form, under a path prefix), served
by waitress (a production WSGI server, threads sized for many concurrent acks)."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from waitress.server import create_server

from creatorbot.bot.metrics import Metrics

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # platforms send far less; more is refused rather than read
PAGE_MAX_BODY = 32 * 1024  # a page's form: 2,000 characters, percent-encoded, and a little


@dataclass(frozen=True)
class HttpRequest:
    """What a platform handler needs of an inbound request."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    remote: str = ""  # the peer's address (a proxy's, behind one)

    def header(self, name: str) -> str | None:
        """A header's value, its name matched without regard to case."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


@dataclass(frozen=True)
class HttpResponse:
    """What a platform handler answers."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[HttpRequest], HttpResponse]
REASONS = {
    200: "OK",
    303: "See Other",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    410: "Gone",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
READY = "ok"


def text(status: int, body: str) -> HttpResponse:
    """A plain-text response."""
    return HttpResponse(status, body.encode(), {"Content-Type": "text/plain; charset=utf-8"})


class WebApp:
    """Routes POSTs to platform handlers and GETs and POSTs under a page prefix (`/f/`) to its
    handler; answers health and metrics itself."""

    def __init__(
        self,
        routes: Mapping[str, Handler],
        metrics: Metrics,
        health: Callable[[], bool] = lambda: True,
        pages: Mapping[str, Handler] | None = None,
        too_large: Callable[[HttpRequest], HttpResponse] | None = None,
        readiness: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        self.routes = dict(routes)
        self.metrics = metrics
        self.health = health
        self.pages = dict(pages or {})
        self.too_large = too_large  # how a page says its body was too large
        self.readiness = readiness

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = self.respond(environ)
        reason = REASONS.get(response.status, "")
        headers = [(k, v) for k, v in response.headers.items()]
        headers.append(("Content-Length", str(len(response.body))))
        start_response(f"{response.status} {reason}", headers)
        return [response.body]

    def respond(self, environ: WSGIEnvironment) -> HttpResponse:
        """Dispatch one request; a handler's exception becomes a logged 500, never a crash."""
        path = environ.get("PATH_INFO", "/")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/livez" and method == "GET":  # the process answers: nothing else asked
            return _json(200, {"status": "alive"})
        if path == "/readyz" and method == "GET":
            checks = dict(self.readiness())
            ok = all(value == READY for value in checks.values())
            return _json(200 if ok else 503, {"status": "ready" if ok else "not ready", **checks})
        if path == "/healthz" and method == "GET":
            ok = self.health()
            return _json(200 if ok else 503, {"status": "ok" if ok else "unavailable"})
        if path == "/metrics" and method == "GET":
            return HttpResponse(
                200, self.metrics.render(), {"Content-Type": "text/plain; version=0.0.4"}
            )
        page = next((h for prefix, h in self.pages.items() if path.startswith(prefix)), None)
        handler = self.routes.get(path) or page
        if handler is None:
            return text(404, "not found")
        if page is not None and method not in ("GET", "POST"):
            return text(405, "GET or POST only")
        if page is None and method != "POST":
            return text(405, "POST only")
        try:
            length = max(int(environ.get("CONTENT_LENGTH") or 0), 0)
        except ValueError:
            return text(400, "bad length")
        request = HttpRequest(
            method=method,
            path=path,
            query=environ.get("QUERY_STRING", ""),
            headers=_headers(environ),
            body=b"",
            remote=environ.get("REMOTE_ADDR", ""),
        )
        if length > (PAGE_MAX_BODY if page is not None else MAX_BODY):
            if page is not None and self.too_large is not None:
                return self.too_large(request)
            return text(413, "too large")
        if length:
            request = replace(request, body=environ["wsgi.input"].read(length))
        try:
            return handler(request)
        except Exception:
            logger.exception("request handler failed", extra={"path": path})
            self.metrics.errors.labels(platform=path.split("/")[1], stage="http").inc()
            return text(500, "internal error")


def _json(status: int, answer: Mapping[str, str]) -> HttpResponse:
    return HttpResponse(status, json.dumps(answer).encode(), {"Content-Type": "application/json"})


def _headers(environ: Mapping[str, Any]) -> dict[str, str]:
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").title()] = value
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = environ[key]
    return headers


def make_server(
    app: WebApp,
    host: str,
    port: int,
    threads: int = 16,
    sockets: list[socket.socket] | None = None,
) -> Any:
    """A waitress server for `app` (call `.run()`; `.close()` stops it; port 0 picks one), or
    on `sockets` already listening (the one a supervisor shares among its workers)."""
    if sockets:
        return create_server(app, sockets=sockets, threads=threads, ident="creatorbot")
    return create_server(app, host=host, port=port, threads=threads, ident="creatorbot")


def run_until_closed(server: Any) -> None:
    """Serve until another thread calls `server.close()`; the closed socket then fails the
    waiting select with EBADF, which is how a stop looks, not an error."""
    with contextlib.suppress(OSError, ValueError):
        server.run()
