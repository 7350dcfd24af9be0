"""Shared fixtures: a migrated database on SQLite and on PostgreSQL for every storage test."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.db import make_engine, make_sessionmaker, upgrade
from creatorbot.storage.models import Base

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Reference data the migration seeds; every other table is emptied between tests.
KEEP = {"markets"}


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@contextmanager
def private_schema(prefix: str) -> Iterator[tuple[Engine, str]]:
    """A migrated schema of its own in the test PostgreSQL, and an engine working in it; dropped
    afterwards. Without a reachable server: a failure in CI, a skip elsewhere."""
    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        engine.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI and is not reachable at {url}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {url}")
    upgrade(engine)
    try:
        yield engine, schema
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """A private schema in the test PostgreSQL, migrated once for the whole run."""
    with private_schema("creatorbot_test") as (engine, _schema):
        yield engine


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database (markets seeded) on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "db.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        sqlite = make_engine(f"sqlite:///{path}")
        yield sqlite
        sqlite.dispose()
        return
    yield request.getfixturevalue("pg_engine")


@pytest.fixture
def pg_engine(postgres_engine: Engine) -> Engine:
    """The PostgreSQL database only, emptied (markets kept), for PostgreSQL-specific tests."""
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name not in KEEP)
    with postgres_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return postgres_engine


@pytest.fixture
def sqlite_engine(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A migrated SQLite database, for tests about commands rather than storage."""
    path = tmp_path / "db.sqlite3"
    shutil.copy(sqlite_template, path)
    sqlite = make_engine(f"sqlite:///{path}")
    yield sqlite
    sqlite.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory over `engine`."""
    return make_sessionmaker(engine)


@pytest.fixture
def sqlite_sessions(sqlite_engine: Engine) -> sessionmaker[Session]:
    """A session factory on SQLite only, for tests about the chat layer rather than storage."""
    return make_sessionmaker(sqlite_engine)
