"""Daily metrics, board rows and segment members without a foreign key to creators: a trigger
on creators deletes a creator's rows with it.

PostgreSQL checked the key of every row written by locking its creator's row (a write to the
creator's tuple): that lock was half the time of writing a day of a million creators, and a
good part of rewriting a market's segments. The write path only writes rows of creators it has
looked up, so the check bought nothing; what the keys also did, deleting a creator's rows with
it, the trigger does.

PostgreSQL also stores the packed arrays (day columns, match pools, segment figures) as they
are, uncompressed: compressing a million creators' figures took seconds of every import (a
segment run's 38 MB, some 8 s under load) and saved a third of the space at best.

On SQLite the board rows and segment members, derived data recomputed by every import, are
recreated empty and their boards and segment runs dropped: the upgrade recomputes them.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 12:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

KEYED = ("daily_metrics", "board_rows", "creator_segments")
PACKED = (("day_columns", "data"), ("match_pools", "data"), ("segment_runs", "figures"))
TRIGGER = "creators_delete_rows"

# PostgreSQL: once per DELETE statement, the rows of every creator it deleted, a join each.
POSTGRESQL = (
    f"CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    + " ".join(
        f"DELETE FROM {table} USING gone WHERE {table}.creator_id = gone.id;" for table in KEYED
    )
    + " RETURN NULL; END $$",
    f"CREATE TRIGGER {TRIGGER} AFTER DELETE ON creators REFERENCING OLD TABLE AS gone "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()",
)
SQLITE = (
    f"CREATE TRIGGER {TRIGGER} AFTER DELETE ON creators FOR EACH ROW BEGIN "
    + " ".join(f"DELETE FROM {table} WHERE creator_id = OLD.id;" for table in KEYED)
    + " END",
)


def _key(table: str) -> str:
    return f"fk_{table}_creator_id_creators"


def upgrade() -> None:
    if _postgresql():
        for table in KEYED:
            op.drop_constraint(_key(table), table, type_="foreignkey")
        for statement in POSTGRESQL:
            op.execute(statement)
        for table, column in PACKED:  # values written from now on; older ones stay as they are
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STORAGE EXTERNAL")
        return
    # SQLite copies the table without the key; the table is described here rather than read
    # back, which would reflect creators too (and warn about its expression indexes).
    with op.batch_alter_table("daily_metrics", copy_from=_daily_metrics()) as batch_op:
        batch_op.drop_constraint(_key("daily_metrics"), type_="foreignkey")
    # Derived rows: recreated empty, and recomputed by the upgrade (`storage.db.upgrade`) as
    # their markets' boards and segment runs are gone.
    op.execute("DELETE FROM boards")
    op.execute("DELETE FROM segment_runs")
    op.drop_table("board_rows")
    op.drop_table("creator_segments")
    _create_board_rows(keyed=False)
    _create_creator_segments(keyed=False)
    for statement in SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if _postgresql():
        for table, column in PACKED:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STORAGE EXTENDED")
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON creators")
        op.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
        for table in KEYED:
            # Rows whose creator is gone (none, while the trigger ran) would fail the key.
            op.execute(f"DELETE FROM {table} WHERE creator_id NOT IN (SELECT id FROM creators)")
            op.create_foreign_key(
                _key(table), table, "creators", ["creator_id"], ["id"], ondelete="CASCADE"
            )
        return
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    op.execute("DELETE FROM daily_metrics WHERE creator_id NOT IN (SELECT id FROM creators)")
    with op.batch_alter_table("daily_metrics", copy_from=_daily_metrics(keyed=False)) as batch_op:
        batch_op.create_foreign_key(
            _key("daily_metrics"), "creators", ["creator_id"], ["id"], ondelete="CASCADE"
        )
    op.execute("DELETE FROM boards")
    op.execute("DELETE FROM segment_runs")
    op.drop_table("board_rows")
    op.drop_table("creator_segments")
    _create_board_rows(keyed=True)
    _create_creator_segments(keyed=True)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _creator_key(table: str, keyed: bool) -> list[sa.ForeignKeyConstraint]:
    if not keyed:
        return []
    return [
        sa.ForeignKeyConstraint(
            ["creator_id"], ["creators.id"], name=_key(table), ondelete="CASCADE"
        )
    ]


def _daily_metrics(*, keyed: bool = True) -> sa.Table:
    """daily_metrics as revision 0017 left it (`keyed`), or as this one leaves it."""
    metadata = sa.MetaData()
    sa.Table("creators", metadata, sa.Column("id", sa.Integer(), primary_key=True))
    return sa.Table(
        "daily_metrics",
        metadata,
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("gmv", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("items_sold", sa.Integer(), nullable=False),
        sa.Column("live_gmv", sa.BigInteger(), nullable=False),
        sa.Column("video_gmv", sa.BigInteger(), nullable=False),
        sa.Column("live_sessions", sa.Integer(), nullable=False),
        sa.Column("live_minutes", sa.Integer(), nullable=False),
        sa.Column("video_posts", sa.Integer(), nullable=False),
        sa.Column("video_views", sa.BigInteger(), nullable=False),
        sa.Column("new_followers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("creator_id", "date", name="pk_daily_metrics"),
        *_creator_key("daily_metrics", keyed),
        sa.Index("ix_daily_metrics_market_date", "market", "date"),
    )


def _create_board_rows(*, keyed: bool) -> None:
    op.create_table(
        "board_rows",
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("scope", sa.String(length=96), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("previous_rank", sa.Integer(), nullable=True),
        *_creator_key("board_rows", keyed),
        sa.PrimaryKeyConstraint(
            "market", "metric", "period", "scope", "rank", name=op.f("pk_board_rows")
        ),
    )
    op.create_index("ix_board_rows_creator_id", "board_rows", ["creator_id"], unique=False)


def _create_creator_segments(*, keyed: bool) -> None:
    op.create_table(
        "creator_segments",
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("segment", sa.String(length=16), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("gmv_now", sa.BigInteger(), nullable=True),
        sa.Column("gmv_before", sa.BigInteger(), nullable=True),
        sa.Column("target", sa.BigInteger(), nullable=True),
        sa.Column("pace_needed", sa.BigInteger(), nullable=True),
        sa.Column("pace_now", sa.BigInteger(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(length=32), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        *_creator_key("creator_segments", keyed),
        sa.PrimaryKeyConstraint(
            "market", "segment", "creator_id", name=op.f("pk_creator_segments")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_creator_segments_creator_id", "creator_segments", ["creator_id"], unique=False
    )
    op.create_index(
        "ix_creator_segments_market_segment_rank",
        "creator_segments",
        ["market", "segment", "rank"],
        unique=False,
    )
