"""Campaign standings kept packed: each campaign's enrolled creators, figures and ranks as one
row of numpy arrays, stored uncompressed on PostgreSQL, instead of a row per creator (a day's
import moved nearly every rank, so it rewrote every row and its three index entries). The
campaigns' totals are dropped with the rows, so the upgrade recomputes their stats.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 16:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

PACKED = ("creator_id", "value", "gmv", "orders", "rank")


def upgrade() -> None:
    op.create_table(
        "campaign_standing_packs",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.LargeBinary(), nullable=False) for name in PACKED),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_standing_packs_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_campaign_standing_packs")),
    )
    with op.batch_alter_table("campaign_standings", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_standings_campaign_id_value")
        batch_op.drop_index("ix_campaign_standings_campaign_id_rank")
    op.drop_table("campaign_standings")
    op.execute("DELETE FROM campaign_totals")  # recomputed, packed, at start
    if op.get_bind().dialect.name == "postgresql":
        # As the other packed arrays (0018, 0019): compressing mostly small numbers costs
        # seconds a write and saves little.
        for name in PACKED:
            op.execute(
                f"ALTER TABLE campaign_standing_packs ALTER COLUMN {name} SET STORAGE EXTERNAL"
            )


def downgrade() -> None:
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
    op.drop_table("campaign_standing_packs")
    op.execute("DELETE FROM campaign_totals")  # recomputed, a row per creator, at start
