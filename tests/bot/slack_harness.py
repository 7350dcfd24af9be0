"""The real bot in HTTP mode, pointed at the fake Slack Web API, for end-to-end Slack tests."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from creatorbot.bot.app import App, build
from creatorbot.bot.http import make_server, run_until_closed
from creatorbot.bot.serve import Running, wire
from creatorbot.bot.settings import Settings
from creatorbot.storage import writer
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import post, signed_headers

SECRET = "test-signing-secret"
NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)
END = dt.date(2026, 11, 23)


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


def seed_world(app: App) -> None:
    """Two MY creators owned by Farah (by email) over a week, and one IT creator."""
    creators = pd.DataFrame(
        [
            {
                "market": "MY",
                "handle": "amir",
                "display_name": "Amir <!channel>",
                "tier": "gold",
                "category": "beauty",
                "followers": 10,
                "cm": "farah@example.com",
                "am": None,
                "joined_on": None,
            },
            {
                "market": "MY",
                "handle": "bella",
                "display_name": "Bella Tan",
                "tier": "gold",
                "category": "beauty",
                "followers": 10,
                "cm": "Farah Aziz",
                "am": None,
                "joined_on": None,
            },
            {
                "market": "IT",
                "handle": "giulia",
                "display_name": "Giulia Rossi",
                "tier": "oro",
                "category": "moda",
                "followers": 10,
                "cm": None,
                "am": None,
                "joined_on": None,
            },
        ]
    )
    rows = []
    for offset in range(7):
        day = END - dt.timedelta(days=offset)
        for market, handle, gmv in (
            ("MY", "amir", 25_000),
            ("MY", "bella", 12_000),
            ("IT", "giulia", 9_999),
        ):
            rows.append(
                {
                    "date": day,
                    "market": market,
                    "handle": handle,
                    "gmv": gmv,
                    "orders": 2,
                    "items_sold": 3,
                    "live_gmv": gmv,
                    "video_gmv": 0,
                    "live_sessions": 1,
                    "live_minutes": 30,
                    "video_posts": 0,
                    "video_views": 0,
                    "new_followers": 1,
                }
            )
    with app.sessions.begin() as session:
        writer.write_creators(creators, session=session)
        writer.write_daily_metrics(pd.DataFrame(rows), session=session)


@contextmanager
def running_bot(tmp_path: Path, **settings: Any) -> Iterator[SlackBot]:
    """Start the fake Slack and the bot's HTTP server on 127.0.0.1; stop both afterwards."""
    with FakeSlack() as fake:
        fake.add_user("U1", locale="en-US", email="farah@example.com", real_name="Farah Aziz")
        fake.add_user("U2", locale="it-IT", email="marco@example.com", real_name="Marco Bianchi")
        config = Settings(
            DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            _env_file=None,
            **settings,
        )
        app = build(config, clock=lambda: NOW)
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
