"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, Select, inspect, or_, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.db import head_revision, upgrade
from creatorbot.storage.models import Base, Creator, FeedbackResponse, Market


# Reflection cannot read expression indexes back; the test below checks those directly.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def _plan(engine: Engine, query: Select[Any]) -> str:
    """The database's plan for `query`, as one line of text."""
    with engine.connect() as connection:
        compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN QUERY PLAN" if engine.dialect.name == "sqlite" else "EXPLAIN"
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))  # tiny table: force the choice
        return " ".join(str(row) for row in connection.execute(text(f"{explain} {compiled}")))


def test_creator_look_ups_by_name_use_an_index(engine: Engine) -> None:
    """`creator NAME` compares the handle's key (up to case and invisible characters) and the
    name's (up to accents and case), whole or as a prefix: both are indexed, so the look-up
    probes instead of scanning."""
    query = select(Creator.id).where(
        or_(
            Creator.handle_key == "x",
            Creator.name_key == "x",
            Creator.handle_key.between("ab", "ab\uffff"),
            Creator.name_key.between("ab", "ab\uffff"),
        )
    )
    plan = _plan(engine, query)
    assert "ix_creators_handle_key" in plan
    assert "ix_creators_name_key" in plan


def test_a_creators_latest_feedback_uses_an_index(engine: Engine) -> None:
    """`creator` shows a creator's latest feedback: found by creator and time, not by reading
    every response about them and sorting."""
    query = (
        select(FeedbackResponse.id)
        .where(FeedbackResponse.creator_id == 7)
        .order_by(FeedbackResponse.created_at.desc(), FeedbackResponse.id.desc())
        .limit(1)
    )
    plan = _plan(engine, query)
    assert "ix_feedback_responses_creator_created" in plan


def _schema(engine: Engine) -> dict[str, object]:
    """Every table's columns, indexes, keys and row count, and the recorded revision."""
    found = inspect(engine)
    shape: dict[str, object] = {}
    with engine.connect() as connection:
        for table in sorted(found.get_table_names()):
            shape[table] = (
                [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
                sorted(
                    (i["name"] or "", tuple(i["column_names"])) for i in found.get_indexes(table)
                ),
                found.get_pk_constraint(table)["constrained_columns"],
                sorted(str(fk["referred_table"]) for fk in found.get_foreign_keys(table)),
                connection.scalar(text(f'SELECT count(*) FROM "{table}"')),
            )
        shape["revision"] = connection.scalar(text("SELECT version_num FROM alembic_version"))
    return shape


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrade_twice_leaves_the_same_schema(engine: Engine) -> None:
    before = _schema(engine)
    assert before["revision"] == head_revision() and "creators" in before
    upgrade(engine)
    upgrade(engine)
    assert _schema(engine) == before


def test_markets_are_seeded(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        markets = {m.code: (m.currency, m.timezone) for m in session.scalars(select(Market))}
    assert markets == {"MY": ("MYR", "Asia/Kuala_Lumpur"), "IT": ("EUR", "Europe/Rome")}


def test_packed_arrays_are_stored_uncompressed_on_postgresql(pg_engine: Engine) -> None:
    """Day columns, match pools and segment figures are numpy arrays of every creator, written
    by every import: compressing them took seconds and saved a third of the space at best."""
    query = text(
        "SELECT attrelid::regclass::text, attname, attstorage FROM pg_attribute"
        " WHERE attrelid IN ('day_columns'::regclass, 'match_pools'::regclass,"
        " 'segment_runs'::regclass) AND atttypid = 'bytea'::regtype"
    )
    with pg_engine.connect() as connection:
        found = {(table, column): storage for table, column, storage in connection.execute(query)}
    assert found == {
        ("day_columns", "data"): "e",
        ("match_pools", "data"): "e",
        ("segment_runs", "figures"): "e",
    }
