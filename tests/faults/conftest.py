"""The database behind a switch: a private PostgreSQL schema that the bot reaches through a proxy
the test can take down, and a direct engine to look at what was really written; the bot's
database on either backend; slack_sdk's rate-limit waits recorded instead of slept."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from slack_sdk.http_retry import builtin_handlers
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from creatorbot.storage.models import Base
from tests.bot.slack_harness import SlackBot, running_bot
from tests.conftest import KEEP, private_schema
from tests.faults.proxy import Proxy


@dataclass(frozen=True)
class Database:
    """The schema, the server it lives on, and an engine that goes around the proxy."""

    schema: str
    server: URL
    direct: Engine

    def through(self, proxy: Proxy) -> str:
        """The DATABASE_URL that reaches this schema through `proxy`; its connections are named
        after the schema, so a test can see them on the server."""
        return self._url(self.server.set(host="127.0.0.1", port=proxy.port))

    def directly(self) -> str:
        """The DATABASE_URL that reaches this schema on its server, no proxy between."""
        return self._url(self.server)

    def _url(self, server: URL) -> str:
        query = {**server.query, "options": f"-csearch_path={self.schema}"}
        query["application_name"] = self.schema
        return server.set(query=query).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def fault_database() -> Iterator[Database]:
    """A private schema in the test PostgreSQL, migrated once (the bot only checks it)."""
    with private_schema("creatorbot_faults") as (direct, schema):
        yield Database(schema, direct.url, direct)


@pytest.fixture
def database(fault_database: Database) -> Database:
    """The schema, emptied (markets kept)."""
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name not in KEEP)
    with fault_database.direct.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return fault_database


@pytest.fixture
def proxy(fault_database: Database) -> Iterator[Proxy]:
    """The switch between the bot and its database, up."""
    server = fault_database.server
    with Proxy((server.host or "127.0.0.1", server.port or 5432)) as running:
        yield running


@pytest.fixture
def bot(tmp_path: Path, database: Database, proxy: Proxy) -> Iterator[SlackBot]:
    """The real bot in HTTP mode, on the fake Slack, its database behind `proxy`."""
    with running_bot(tmp_path, database_url=database.through(proxy)) as running:
        yield running


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """The bot's database: a fresh SQLite file, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        return None
    database: Database = request.getfixturevalue("database")
    return database.directly()


@pytest.fixture
def slack_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """slack_sdk's waits after a 429 (Retry-After plus up to a second of its own jitter),
    recorded instead of slept: a test of dozens of 429s takes no time, and says how long the
    bot would have waited."""
    waits: list[float] = []
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=waits.append))
    return waits
