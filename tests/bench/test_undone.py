"""A bench's rolled-back write leaves no dead rows behind on PostgreSQL, as its statistics say:
what the next run of the bench reads from them."""

from __future__ import annotations

import time

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from bench.undone import rolled_back

ROWS = 300


def dead_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        query = "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'undone_probe'"
        return int(connection.scalar(text(query)) or 0)


def test_the_rollbacks_rows_are_counted_before_the_vacuum(pg_engine: Engine) -> None:
    with pg_engine.connect() as connection:
        schema = connection.scalar(text("SELECT current_schema()"))
    url = pg_engine.url.render_as_string(hide_password=False)
    # A pool of its own, as a bench's engine: its connection outlives the session, and a
    # backend's statistics not yet sent (they go at most once a second) go when it exits.
    own = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        with Session(own) as session:
            session.execute(text("CREATE TABLE undone_probe (x integer)"))
            session.execute(text("INSERT INTO undone_probe VALUES (0)"))
            session.commit()  # statistics just sent: the next are held back a second
            session.execute(text(f"INSERT INTO undone_probe SELECT generate_series(1, {ROWS})"))
            rolled_back(session)
            with pg_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as other:
                other.execute(text("VACUUM undone_probe"))
        own.dispose()  # as the bench's child does once it is done
        time.sleep(1.5)  # the closed backend's last statistics, had it kept any
        assert dead_rows(pg_engine) == 0
    finally:
        own.dispose()
        with pg_engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS undone_probe"))
