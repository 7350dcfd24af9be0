"""`/livez` answers while the process runs; `/readyz` only while the bot can work: the database
answers, its migrations are current, and each platform can reach the bot (Socket Mode or Lark's
long connection up, or signed HTTP requests verifiable). `/healthz` stays as it was."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from sqlalchemy import text

from creatorbot.bot.health import readiness
from creatorbot.bot.http import WebApp
from creatorbot.bot.metrics import Metrics
from creatorbot.storage.db import head_revision
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.test_lark_ws import WsBot, long_connected_bot


def get(url: str) -> tuple[int, dict[str, Any]]:
    """GET `url`; its status and JSON body, whatever the status."""
    try:
        with urlopen(url, timeout=5) as answer:
            return answer.status, json.load(answer)
    except HTTPError as refused:
        return refused.code, json.load(refused)


def base(bot: SlackBot) -> str:
    return bot.url.removesuffix("/slack/events")


@pytest.fixture
def slack_bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        yield running


def test_a_bot_that_can_work_is_alive_and_ready(slack_bot: SlackBot) -> None:
    assert get(base(slack_bot) + "/livez") == (200, {"status": "alive"})
    assert get(base(slack_bot) + "/readyz") == (
        200,
        {"status": "ready", "database": "ok", "migrations": "ok", "slack": "ok"},
    )
    assert get(base(slack_bot) + "/healthz") == (200, {"status": "ok"})


def test_migrations_behind_make_it_not_ready_but_alive(slack_bot: SlackBot) -> None:
    head = head_revision()
    earlier = f"{int(head) - 1:04d}"
    with slack_bot.app.engine.begin() as connection:  # as after a rollback to the release before
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": earlier})

    status, answer = get(base(slack_bot) + "/readyz")

    assert status == 503
    assert answer["status"] == "not ready"
    assert answer["database"] == "ok"
    assert answer["migrations"] == (f"at {earlier}, needs {head}: run `creatorbot db upgrade`")
    assert get(base(slack_bot) + "/livez") == (200, {"status": "alive"})


def probe(web: WebApp, path: str) -> tuple[int, dict[str, Any]]:
    """GET `path` through the WSGI app itself."""
    seen: list[str] = []
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}
    body = b"".join(web(environ, lambda status, _headers: seen.append(status)))  # type: ignore[arg-type]
    return int(seen[0].split()[0]), json.loads(body)


def until(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.05)


def test_a_closed_lark_long_connection_makes_it_not_ready_but_alive(tmp_path: Path) -> None:
    with long_connected_bot(tmp_path) as bot:
        web = lark_front(bot)
        # The fake counts the connection at its handshake, a moment before the SDK holds it.
        until(lambda: probe(web, "/readyz")[0] == 200)
        assert probe(web, "/readyz") == (
            200,
            {"status": "ready", "database": "ok", "migrations": "ok", "lark": "ok"},
        )

        bot.ws.stop()  # Lark closes the long connection (and does not take it back)

        until(lambda: probe(web, "/readyz")[0] == 503)
        status, answer = probe(web, "/readyz")
        assert answer == {
            "status": "not ready",
            "database": "ok",
            "migrations": "ok",
            "lark": "not connected",
        }
        assert probe(web, "/livez") == (200, {"status": "alive"})


def lark_front(bot: WsBot) -> WebApp:
    """The web front as `serve.wire` builds it, for the long-connected bot."""
    return WebApp(
        {}, Metrics(), readiness=lambda: readiness(bot.app.engine, {"lark": bot.platform})
    )
