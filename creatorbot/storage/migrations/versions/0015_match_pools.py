"""Match pools: each category's matchmaking candidates and their 30-day figures, kept per market.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_pools",
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("market", "category", "name", name=op.f("pk_match_pools")),
    )


def downgrade() -> None:
    op.drop_table("match_pools")
