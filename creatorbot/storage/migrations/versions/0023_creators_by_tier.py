"""Creators indexed by market, tier, category and id: the boards read a market's creators by
tier and category from this index alone, not from a pass over the whole table.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 16:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

INDEX = "ix_creators_market_tier_category"


def upgrade() -> None:
    with op.batch_alter_table("creators", schema=None) as batch_op:
        batch_op.create_index(INDEX, ["market", "tier", "category", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("creators", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
