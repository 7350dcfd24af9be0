"""Campaign stats: standings, days and totals of every campaign, kept by the write path.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 09:12:05.118204
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_standings",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("gmv", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_standings_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["creators.id"],
            name=op.f("fk_campaign_standings_creator_id_creators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "creator_id", name=op.f("pk_campaign_standings")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("campaign_standings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_standings_campaign_id_rank", ["campaign_id", "rank"], unique=False
        )
        batch_op.create_index(
            "ix_campaign_standings_campaign_id_value", ["campaign_id", "value"], unique=False
        )
    op.create_table(
        "campaign_days",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("gmv", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_days_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "date", name=op.f("pk_campaign_days")),
    )
    op.create_table(
        "campaign_totals",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("enrolled", sa.Integer(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.Column("ranked", sa.Integer(), nullable=False),
        sa.Column("gmv", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("through", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_totals_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_campaign_totals")),
    )


def downgrade() -> None:
    op.drop_table("campaign_totals")
    op.drop_table("campaign_days")
    with op.batch_alter_table("campaign_standings", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_standings_campaign_id_value")
        batch_op.drop_index("ix_campaign_standings_campaign_id_rank")

    op.drop_table("campaign_standings")
