"""The rate limits' table on PostgreSQL: unlogged, so a hit's commit never waits on the disk."""

from __future__ import annotations

from sqlalchemy import Engine, text


def test_rate_hits_are_unlogged_on_postgresql(pg_engine: Engine) -> None:
    query = text("SELECT relpersistence FROM pg_class WHERE oid = 'rate_hits'::regclass")
    with pg_engine.connect() as connection:
        assert connection.execute(query).scalar_one() == "u"
