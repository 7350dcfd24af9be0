"""Creators keep their handle up to case, Unicode form and invisible characters, indexed, so a
look-up finds every creator a typed handle could mean and an import can refuse look-alikes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from creatorbot.storage.handles import handle_key

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEX = "ix_creators_handle_key"
BATCH = 10_000


def upgrade() -> None:
    op.add_column("creators", sa.Column("handle_key", sa.Text(), server_default="", nullable=False))
    creators = sa.table("creators", sa.column("id"), sa.column("handle"), sa.column("handle_key"))
    bind = op.get_bind()
    rows = bind.execute(sa.select(creators.c.id, creators.c.handle)).all()
    update = (
        creators.update()
        .where(creators.c.id == sa.bindparam("creator"))
        .values(handle_key=sa.bindparam("key"))
    )
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        bind.execute(update, [{"creator": i, "key": handle_key(h)} for i, h in batch])
    op.create_index(INDEX, "creators", ["handle_key"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="creators")
    op.drop_column("creators", "handle_key")
