"""Feedback responses found by creator and time: a creator's latest response is read from an
index instead of every response about them.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 02:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_feedback_responses_creator_created",
        "feedback_responses",
        ["creator_id", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_feedback_responses_creator_created", table_name="feedback_responses")
