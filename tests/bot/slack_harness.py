"""The real bot in HTTP mode, pointed at the fake Slack Web API, for end-to-end Slack tests."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creatorbot.bot.app import App, build
from creatorbot.bot.http import make_server, run_until_closed
from creatorbot.bot.serve import Running, wire
from creatorbot.bot.settings import Settings
from tests.bot.settle import settle
from tests.bot.world import NOW, seed_world
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import post, signed_headers

SECRET = "test-signing-secret"


@dataclass
class SlackBot:
    """A running bot and its fake Slack: send signed requests, read what users see."""

    app: App
    running: Running
    fake: FakeSlack
    url: str

    def send(self, body: bytes, **header_options: Any) -> tuple[int, bytes, float]:
        """POST a signed body; returns status, body and seconds until the answer."""
        headers = signed_headers(body, SECRET, **header_options)
        started = time.perf_counter()
        status, _headers, answer = post(self.url, body, headers)
        return status, answer, time.perf_counter() - started

    def settle(self) -> None:
        """Until the bot has finished all it was asked: whatever it would send is sent."""
        settle(self.running.pool)


@contextmanager
def running_bot(
    tmp_path: Path,
    *,
    database_url: str | None = None,
    signing_secret: str | None = SECRET,
    clock: Callable[[], dt.datetime] = lambda: NOW,
    **settings: Any,
) -> Iterator[SlackBot]:
    """Start the fake Slack and the bot's HTTP server on 127.0.0.1; stop both afterwards. The
    bot's database is a fresh SQLite file unless `database_url` names a migrated, empty one."""
    with FakeSlack() as fake:
        fake.add_user("U1", locale="en-US", email="farah@example.com", real_name="Farah Aziz")
        fake.add_user("U2", locale="it-IT", email="marco@example.com", real_name="Marco Bianchi")
        config = Settings(
            DATABASE_URL=database_url or f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=signing_secret,
            SLACK_API_URL=fake.api_url,
            _env_file=None,
            **settings,
        )
        app = build(config, clock=clock)
        seed_world(app)
        running = wire(app)
        server = make_server(running.web, "127.0.0.1", 0, threads=config.http_threads)
        thread = threading.Thread(target=run_until_closed, args=(server,), daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.effective_port}/slack/events"
        try:
            yield SlackBot(app, running, fake, url)
        finally:
            server.close()
            running.close()
            app.close()
