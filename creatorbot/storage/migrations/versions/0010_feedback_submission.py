"""Feedback responses remember which submission they came from, so a form sent again (its
answer lost on the way back) is kept once.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEX = "ix_feedback_responses_submission"
COLUMNS = ["platform", "user_id", "submission"]


def upgrade() -> None:
    # A unique index rather than a constraint: SQLite adds one without rebuilding the table.
    op.add_column("feedback_responses", sa.Column("submission", sa.String(length=64)))
    op.create_index(INDEX, "feedback_responses", COLUMNS, unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="feedback_responses")
    with op.batch_alter_table("feedback_responses") as batch:
        batch.drop_column("submission")
