"""Campaigns set up in chat: a budget cap, reminder days, prize bands for competitions, and
channels that follow one campaign from its start to its recap.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("budget_cap", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("remind_days", sa.SmallInteger(), nullable=True))
    op.create_table(
        "reward_bands",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("rank_from", sa.Integer(), nullable=False),
        sa.Column("rank_to", sa.Integer(), nullable=False),
        sa.Column("reward", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_reward_bands_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "rank_from", name=op.f("pk_reward_bands")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("campaign_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_subscriptions_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_subscriptions_campaign_id_campaigns"),
            "campaigns",
            ["campaign_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_subscriptions_campaign_id_campaigns"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_subscriptions_campaign_id"))
        batch_op.drop_column("campaign_id")
    op.drop_table("reward_bands")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("remind_days")
        batch_op.drop_column("budget_cap")
