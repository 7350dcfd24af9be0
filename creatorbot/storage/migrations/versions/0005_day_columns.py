"""Day columns: each market's days of rankable metrics as packed arrays, for the boards.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 01:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "day_columns",
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("market", "date", "name", name=op.f("pk_day_columns")),
    )


def downgrade() -> None:
    op.drop_table("day_columns")
