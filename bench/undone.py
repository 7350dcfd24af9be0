"""A bench's write undone without a trace: its transaction rolled back and, on PostgreSQL, the
dead rows the rollback leaves vacuumed, so that each run finds the tables as the first did (a
committed day leaves none; left, every later run met them in the tables and their indexes)."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

# Where a write of daily metrics leaves dead rows when rolled back: the day's rows, and what the
# write path keeps of them (day columns, boards, match pools, segments, campaign figures).
WRITTEN = (
    "daily_metrics",
    "day_columns",
    "boards",
    "board_rows",
    "match_pools",
    "segment_runs",
    "segment_packs",
    "campaign_days",
    "campaign_totals",
    "campaign_standing_packs",
)


def undo(session: Session) -> None:
    """Roll the session's transaction back, then vacuum what it wrote on PostgreSQL (on a
    connection of its own from the session's engine, in the same schema)."""
    rolled_back(session)
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine.dialect.name != "postgresql":  # a rolled-back transaction leaves nothing in SQLite
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in WRITTEN:
            connection.execute(text(f"VACUUM {table}"))


def rolled_back(session: Session) -> None:
    """Roll the session's transaction back; on PostgreSQL 15 and later, with the statistics of
    what it wrote sent as it ends. A backend sends them at most once a second: held back, they
    went when the bench's engine was disposed, after the vacuum, and counted its rows as dead
    again."""
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql" and (dialect.server_version_info or (0,)) >= (15,):
        session.execute(text("SELECT pg_stat_force_next_flush()"))
    session.rollback()
