"""A feedback form remembers the ledger period of its prompt (one form per channel, market and
period), and responses are found by their form (who has answered a prompt).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_forms") as batch:
        batch.add_column(sa.Column("period", sa.String(length=32), nullable=True))
        batch.create_unique_constraint(
            "uq_feedback_forms_platform", ["platform", "channel", "market", "period"]
        )
    with op.batch_alter_table("feedback_responses") as batch:
        batch.create_index("ix_feedback_responses_form_id", ["form_id"])


def downgrade() -> None:
    with op.batch_alter_table("feedback_responses") as batch:
        batch.drop_index("ix_feedback_responses_form_id")
    with op.batch_alter_table("feedback_forms") as batch:
        batch.drop_constraint("uq_feedback_forms_platform", type_="unique")
        batch.drop_column("period")
