"""Creators keep their display name without accents, case or extra spaces, indexed (in byte
order on PostgreSQL), so `creator zoe` finds Zoë by name, prefix or part of it; the index on
lower(display_name) it replaces is dropped. Handle keys are in byte order too, for prefixes.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 13:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from creatorbot.storage.handles import name_key

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

INDEX = "ix_creators_name_key"
BATCH = 10_000


def upgrade() -> None:
    kind = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
    op.add_column("creators", sa.Column("name_key", kind, server_default="", nullable=False))
    creators = sa.table(
        "creators", sa.column("id"), sa.column("display_name"), sa.column("name_key")
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(creators.c.id, creators.c.display_name)).all()
    update = (
        creators.update()
        .where(creators.c.id == sa.bindparam("creator"))
        .values(name_key=sa.bindparam("key"))
    )
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        bind.execute(update, [{"creator": i, "key": name_key(n or "")} for i, n in batch])
    op.create_index(INDEX, "creators", ["name_key"])
    op.drop_index("ix_creators_lower_display_name", table_name="creators")
    if bind.dialect.name == "postgresql":  # a handle's prefix, too, is a range of its index
        op.execute('ALTER TABLE creators ALTER COLUMN handle_key TYPE text COLLATE "C"')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE creators ALTER COLUMN handle_key TYPE text COLLATE "default"')
    op.create_index("ix_creators_lower_display_name", "creators", [sa.text("lower(display_name)")])
    op.drop_index(INDEX, table_name="creators")
    op.drop_column("creators", "name_key")
