"""Alerts that reach their owner: personal subscriptions and floors, chat users by email, alert
messages kept to be updated in place, and the acknowledgements still to show on them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 09:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("min_orders", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("min_gmv", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "chat_people",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "workspace", "email", name=op.f("pk_chat_people")),
    )
    op.create_table(
        "alert_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("message_ref", sa.String(length=128), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_messages")),
    )
    op.create_table(
        "alert_message_items",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["alert_messages.id"],
            name=op.f("fk_alert_message_items_message_id_alert_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_message_items_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", "alert_id", name=op.f("pk_alert_message_items")),
    )
    op.create_index(
        op.f("ix_alert_message_items_alert_id"), "alert_message_items", ["alert_id"], unique=False
    )
    op.create_table(
        "alert_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_notices_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_notices")),
    )
    op.create_index(op.f("ix_alert_notices_status"), "alert_notices", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_alert_notices_status"), table_name="alert_notices")
    op.drop_table("alert_notices")
    op.drop_index(op.f("ix_alert_message_items_alert_id"), table_name="alert_message_items")
    op.drop_table("alert_message_items")
    op.drop_table("alert_messages")
    op.drop_table("chat_people")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("handled_at")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("min_gmv")
        batch.drop_column("min_orders")
        batch.drop_column("owner")
