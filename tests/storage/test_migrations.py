"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.db import upgrade
from creatorbot.storage.models import Base, Market


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent(engine: Engine) -> None:
    upgrade(engine)
    upgrade(engine)


def test_markets_are_seeded(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        markets = {m.code: (m.currency, m.timezone) for m in session.scalars(select(Market))}
    assert markets == {"MY": ("MYR", "Asia/Kuala_Lumpur"), "IT": ("EUR", "Europe/Rome")}
