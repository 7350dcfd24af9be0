"""Rate limits counted in the database, shared by every process and replica: hits per limit
and subject in the current minute and the one before. On PostgreSQL the table is UNLOGGED: a
hit commits without waiting for the WAL to reach the disk (0.5 ms instead of 4 on a busy
machine); a crash or a failover empties it, which only forgets a minute of counts.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 21:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    unlogged = ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []
    op.create_table(
        "rate_hits",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("earlier", sa.Integer(), nullable=False),
        sa.Column("allowed", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "subject", name=op.f("pk_rate_hits")),
        prefixes=unlogged,
    )
    op.create_index("ix_rate_hits_bucket", "rate_hits", ["bucket"])


def downgrade() -> None:
    op.drop_index("ix_rate_hits_bucket", table_name="rate_hits")
    op.drop_table("rate_hits")
