"""Two processes starting at once on a database written before stamps (replicas after a
release), on SQLite and PostgreSQL: both stamp it without error, each key once."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.models import Meta
from creatorbot.storage.stamps import people_key, stamp_unstamped
from tests.commands.conftest import creator_row, seed
from tests.storage.collide import collide


def test_two_starts_at_once_stamp_an_unstamped_database_once(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    seed(sessions, [creator_row("amir", "MY"), creator_row("giulia", "IT")], [])
    with sessions.begin() as session:
        session.execute(delete(Meta))  # as a database written before stamps existed

    def start() -> int:
        with sessions.begin() as session:
            return stamp_unstamped(session=session)

    first, second = collide(engine, "meta", start, start)
    assert not isinstance(first, BaseException), first
    assert not isinstance(second, BaseException), second
    with sessions() as session:
        keys = list(session.scalars(select(Meta.key).order_by(Meta.key)))
    assert keys == sorted([people_key("IT"), people_key("MY")])
