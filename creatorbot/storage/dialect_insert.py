"""The INSERT with ON CONFLICT clauses of the database a session is on, its dialect module
imported at first use: PostgreSQL's takes a tenth of a second to import, which a process on
SQLite (every `creatorbot ask` on the default database) never pays."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def insert_of(session: Session) -> Any:
    """`insert` of PostgreSQL's dialect or of SQLite's, as the session's database is."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert
