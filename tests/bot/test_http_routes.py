"""The bot's HTTP surface as SECURITY.md states it: a platform path takes POST only (a GET is
405, and never reaches the handler), any other path is 404, and `/healthz` needs no
authentication and says only a status."""

from __future__ import annotations

import io
import json

from creatorbot.bot.http import HttpRequest, HttpResponse, WebApp, text
from creatorbot.bot.metrics import Metrics


def world() -> tuple[WebApp, list[HttpRequest]]:
    reached: list[HttpRequest] = []

    def handler(request: HttpRequest) -> HttpResponse:
        reached.append(request)
        return text(200, "handled")

    app = WebApp({"/slack/events": handler, "/lark/events": handler}, Metrics())
    return app, reached


def call(app: WebApp, method: str, path: str, body: bytes = b"") -> HttpResponse:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    return app.respond(environ)


def test_a_platform_path_takes_post_only() -> None:
    app, reached = world()
    for path in ("/slack/events", "/lark/events"):
        for method in ("GET", "PUT", "DELETE"):
            assert call(app, method, path).status == 405
    assert reached == []
    assert call(app, "POST", "/slack/events", b"{}").status == 200
    assert len(reached) == 1


def test_any_other_path_is_not_found() -> None:
    app, reached = world()
    for method, path in (("GET", "/"), ("POST", "/slack"), ("POST", "/slack/events/x")):
        assert call(app, method, path).status == 404
    assert reached == []


def test_healthz_needs_no_authentication_and_says_only_a_status() -> None:
    app, _ = world()
    response = call(app, "GET", "/healthz")
    assert response.status == 200
    assert json.loads(response.body) == {"status": "ok"}
