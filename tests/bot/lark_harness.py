"""The real bot in Lark HTTP callback mode, pointed at the fake Lark Open API, for end-to-end
Lark tests: events go in encrypted and signed, as Lark sends them."""

from __future__ import annotations

import datetime as dt
import json
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
from tests.fakes import lark_events
from tests.fakes.lark_api import APP_ID, APP_SECRET, FakeLark
from tests.fakes.slack_requests import post


@dataclass
class LarkBot:
    """A running bot and its fake Lark: deliver events, read what users see."""

    app: App
    running: Running
    fake: FakeLark
    url: str
    seconds: float = 0.0  # how long the last POST took to be answered

    def deliver(self, body: dict[str, Any], **options: Any) -> tuple[int, dict[str, Any]]:
        """POST an event as Lark does (encrypted, signed, our token); status and JSON answer.
        A user's message is known to the fake Lark first, so that the bot can reply to it."""
        if body.get("header", {}).get("event_type") == "im.message.receive_v1":
            sender = (body["event"].get("sender") or {}).get("sender_id") or {}
            self.fake.receive(body["event"]["message"], str(sender.get("open_id") or ""))
        raw, headers = lark_events.signed(body, **options)
        return self.post(raw, headers)

    def post(self, raw: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """POST exactly these bytes and headers."""
        started = time.perf_counter()
        status, _, answer = post(self.url, raw, headers)
        self.seconds = time.perf_counter() - started
        try:
            decoded = json.loads(answer) if answer else {}
        except ValueError:
            decoded = {"text": answer.decode("utf-8", "replace")}
        return status, decoded

    def cards(self, chat: str, count: int = 1) -> list[dict[str, Any]]:
        """The cards in a chat once `count` have arrived and the bot has finished its work."""
        self.fake.wait_for(lambda: len(self.fake.cards(chat)) >= count)
        self.settle()
        return self.fake.cards(chat)

    def settle(self) -> None:
        """Until the bot has finished all it was asked: whatever it would send is sent."""
        settle(self.running.pool)


def lark_settings(
    tmp_path: Path, fake: FakeLark, *, database_url: str | None = None, **settings: Any
) -> Settings:
    """Settings for a Lark-only bot in HTTP mode on a SQLite file under `tmp_path`, unless
    `database_url` names a migrated, empty database."""
    return Settings(
        DATABASE_URL=database_url or f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        LARK_APP_ID=APP_ID,
        LARK_APP_SECRET=APP_SECRET,
        LARK_VERIFICATION_TOKEN=lark_events.VERIFICATION_TOKEN,
        LARK_ENCRYPT_KEY=lark_events.ENCRYPT_KEY,
        LARK_DOMAIN=fake.base_url,
        _env_file=None,
        **settings,
    )


@contextmanager
def running_lark_bot(
    tmp_path: Path,
    *,
    clock: Callable[[], dt.datetime] = lambda: NOW,
    database_url: str | None = None,
    **settings: Any,
) -> Iterator[LarkBot]:
    """Start the fake Lark and the bot's HTTP server on 127.0.0.1 (the bot's time is `clock`,
    its database `database_url` or a fresh SQLite file); stop both afterwards."""
    with FakeLark() as fake:
        config = lark_settings(tmp_path, fake, database_url=database_url, **settings)
        app = build(config, clock=clock)
        seed_world(app)
        running = wire(app)
        running.platforms["lark"].api.forget_token()  # the SDK caches tokens process-wide
        server = make_server(running.web, "127.0.0.1", 0, threads=app.settings.http_threads)
        thread = threading.Thread(target=run_until_closed, args=(server,), daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.effective_port}/lark/events"
        try:
            yield LarkBot(app, running, fake, url)
        finally:
            server.close()
            running.close()
            app.close()
