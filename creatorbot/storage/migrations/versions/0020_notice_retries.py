"""Alert notices are tried again: how many times so far, and when the next try (or the claim's
end) is due.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_notices") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_notices") as batch:
        batch.drop_column("due_at")
        batch.drop_column("attempts")
