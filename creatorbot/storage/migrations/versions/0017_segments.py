"""Segments: each creator's memberships of their market's segments, and when they were computed.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["creators.id"],
            name=op.f("fk_creator_segments_creator_id_creators"),
            ondelete="CASCADE",
        ),
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
    op.create_table(
        "segment_runs",
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("figures", sa.LargeBinary(), nullable=False),
        sa.Column("days_stamp", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("market", name=op.f("pk_segment_runs")),
    )
    # A portfolio is the creators whose CM or AM is the owner: a probe each, never a scan.
    op.create_index("ix_creators_lower_cm", "creators", [sa.text("lower(cm)")], unique=False)
    op.create_index("ix_creators_lower_am", "creators", [sa.text("lower(am)")], unique=False)


def downgrade() -> None:
    op.drop_index("ix_creators_lower_am", table_name="creators")
    op.drop_index("ix_creators_lower_cm", table_name="creators")
    op.drop_table("segment_runs")
    with op.batch_alter_table("creator_segments", schema=None) as batch_op:
        batch_op.drop_index("ix_creator_segments_market_segment_rank")
        batch_op.drop_index(batch_op.f("ix_creator_segments_creator_id"))
    op.drop_table("creator_segments")
