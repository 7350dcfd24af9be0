"""Boards: the top rows of every standard leaderboard, precomputed when daily metrics change.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 23:13:39.406830
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "boards",
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("scope", sa.String(length=96), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=False),
        sa.Column("ranked", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column(
            "computed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("market", "metric", "period", "scope", name=op.f("pk_boards")),
    )
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
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["creators.id"],
            name=op.f("fk_board_rows_creator_id_creators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "market", "metric", "period", "scope", "rank", name=op.f("pk_board_rows")
        ),
    )
    with op.batch_alter_table("board_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_rows_creator_id"), ["creator_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("board_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_rows_creator_id"))

    op.drop_table("board_rows")
    op.drop_table("boards")
