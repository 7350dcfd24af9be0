"""Creators answer the feedback form themselves, on the web, by signed link: the links (to
revoke one, and to name it in the audit), and each answer's source and link.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 19:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_form_links_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["creators.id"],
            name=op.f("fk_form_links_creator_id_creators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_links")),
    )
    op.create_index("ix_form_links_creator", "form_links", ["creator_id", "campaign_id"])
    # On SQLite a batch copies the table; the tables it refers to are not read (the creators'
    # expression indexes cannot be reflected, and need not be).
    with op.batch_alter_table(
        "feedback_responses", reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), server_default="staff", nullable=False)
        )
        batch_op.add_column(sa.Column("link_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_feedback_responses_link_id", ["link_id"], unique=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_feedback_responses_link_id_form_links"),
            "form_links",
            ["link_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table(
        "feedback_responses", reflect_kwargs={"resolve_fks": False}
    ) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_feedback_responses_link_id_form_links"), type_="foreignkey"
        )
        batch_op.drop_index("ix_feedback_responses_link_id")
        batch_op.drop_column("link_id")
        batch_op.drop_column("source")
    op.drop_index("ix_form_links_creator", table_name="form_links")
    op.drop_table("form_links")
