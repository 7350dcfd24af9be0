"""Case-insensitive look-ups of creators by handle or display name use an index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 01:25:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_creators_lower_handle", "creators", [sa.text("lower(handle)")])
    op.create_index("ix_creators_lower_display_name", "creators", [sa.text("lower(display_name)")])


def downgrade() -> None:
    op.drop_index("ix_creators_lower_display_name", table_name="creators")
    op.drop_index("ix_creators_lower_handle", table_name="creators")
