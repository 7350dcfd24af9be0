"""Seen events: platform deliveries already handled, so retries are dropped.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:33:48.240667
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_events",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "event_id", name=op.f("pk_seen_events")),
    )
    with op.batch_alter_table("seen_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seen_events_seen_at"), ["seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("seen_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seen_events_seen_at"))

    op.drop_table("seen_events")
