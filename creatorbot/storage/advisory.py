"""PostgreSQL advisory locks named by text and kept to the schema: two creatorbot deployments
(or test runs) in separate schemas of one database never wait on each other's locks."""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

# The lock's key: the name hashed with the schema the connection writes to.
KEY = "hashtext(current_schema() || ':' || :name)"


def xact_lock(name: str, *, session: Session) -> None:
    """Wait for the lock `name` and hold it until the transaction ends (PostgreSQL only; SQLite
    has one writer at a time anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({KEY})"), {"name": name})


def try_xact_lock(name: str, *, session: Session) -> bool:
    """Take the lock `name` until the transaction ends if it is free; whether it was."""
    query = text(f"SELECT pg_try_advisory_xact_lock({KEY})")
    return bool(session.execute(query, {"name": name}).scalar_one())


def try_lock(name: str, *, connection: Connection) -> bool:
    """Take the lock `name` for as long as `connection` lives (or until `unlock`) if it is free."""
    query = text(f"SELECT pg_try_advisory_lock({KEY})")
    return bool(connection.execute(query, {"name": name}).scalar_one())


def unlock(name: str, *, connection: Connection) -> None:
    """Let go of the lock `try_lock` took on `connection`."""
    connection.execute(text(f"SELECT pg_advisory_unlock({KEY})"), {"name": name})
