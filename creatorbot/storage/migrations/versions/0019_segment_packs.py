"""Segments kept packed: each segment's members and figures as a few numpy arrays per market,
instead of a row per member, stored uncompressed on PostgreSQL. The stored runs are dropped, so
the upgrade computes them anew. The trigger that deletes a creator's rows (0018) stops naming
the dropped table.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "segment_packs",
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("segment", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("market", "segment", "name", name=op.f("pk_segment_packs")),
    )
    with op.batch_alter_table("creator_segments", schema=None) as batch_op:
        batch_op.drop_index("ix_creator_segments_market_segment_rank")
        batch_op.drop_index(batch_op.f("ix_creator_segments_creator_id"))
    op.drop_table("creator_segments")
    _delete_rows_of(("daily_metrics", "board_rows"))
    op.execute("DELETE FROM segment_runs")  # recomputed, packed, by the upgrade's refresh
    if op.get_bind().dialect.name == "postgresql":
        # Stored as they are, not compressed: PostgreSQL's compression took 9 s to write a
        # market's 20 MB of figures (mostly small numbers, so it kept trying), 0.5 s without.
        op.execute("ALTER TABLE segment_runs ALTER COLUMN figures SET STORAGE EXTERNAL")
        op.execute("ALTER TABLE segment_packs ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
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
        sa.PrimaryKeyConstraint(
            "market", "segment", "creator_id", name=op.f("pk_creator_segments")
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("creator_segments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_creator_segments_creator_id"), ["creator_id"], unique=False
        )
        batch_op.create_index(
            "ix_creator_segments_market_segment_rank",
            ["market", "segment", "rank"],
            unique=False,
        )
    _delete_rows_of(("daily_metrics", "board_rows", "creator_segments"))
    op.drop_table("segment_packs")
    op.execute("DELETE FROM segment_runs")  # recomputed, a row per member, by the refresh


TRIGGER = "creators_delete_rows"  # 0018's: deleting creators deletes their rows in `tables`


def _delete_rows_of(tables: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        deletes = " ".join(
            f"DELETE FROM {table} USING gone WHERE {table}.creator_id = gone.id;"
            for table in tables
        )
        op.execute(
            f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {deletes} RETURN NULL; END $$"
        )
        return
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    deletes = " ".join(f"DELETE FROM {table} WHERE creator_id = OLD.id;" for table in tables)
    op.execute(
        f"CREATE TRIGGER {TRIGGER} AFTER DELETE ON creators FOR EACH ROW BEGIN {deletes} END"
    )
