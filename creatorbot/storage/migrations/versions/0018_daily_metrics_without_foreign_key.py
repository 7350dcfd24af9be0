"""Daily metrics without a foreign key to creators: a creator's rows still go with it, deleted
by a trigger on creators.

PostgreSQL checked the key of every row written by locking its creator's row (a write to the
creator's tuple): that lock was half the time of writing a day of a million creators. The write
path only ever writes rows of creators it has looked up, so the check bought nothing; what the
key also did, deleting a creator's rows with it, the trigger does.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 12:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_daily_metrics_creator_id_creators"
TRIGGER = "creators_delete_daily_metrics"

# PostgreSQL: once per DELETE statement, the rows of every creator it deleted, in one join.
POSTGRESQL = (
    f"CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN DELETE FROM daily_metrics USING gone WHERE daily_metrics.creator_id = gone.id; "
    "RETURN NULL; END $$",
    f"CREATE TRIGGER {TRIGGER} AFTER DELETE ON creators REFERENCING OLD TABLE AS gone "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()",
)
SQLITE = (
    f"CREATE TRIGGER {TRIGGER} AFTER DELETE ON creators FOR EACH ROW "
    "BEGIN DELETE FROM daily_metrics WHERE creator_id = OLD.id; END",
)


def upgrade() -> None:
    # SQLite copies the table without the key; the table is described here rather than read
    # back, which would reflect creators too (and warn about its expression indexes).
    with op.batch_alter_table("daily_metrics", copy_from=_daily_metrics()) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
    for statement in POSTGRESQL if _postgresql() else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}" + (" ON creators" if _postgresql() else ""))
    if _postgresql():
        op.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    # Rows whose creator is gone (none, while the trigger ran) would fail the key.
    op.execute("DELETE FROM daily_metrics WHERE creator_id NOT IN (SELECT id FROM creators)")
    with op.batch_alter_table("daily_metrics", copy_from=_daily_metrics(keyed=False)) as batch_op:
        batch_op.create_foreign_key(
            FOREIGN_KEY, "creators", ["creator_id"], ["id"], ondelete="CASCADE"
        )


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _daily_metrics(*, keyed: bool = True) -> sa.Table:
    """daily_metrics as revision 0017 left it (`keyed`), or as this one leaves it."""
    metadata = sa.MetaData()
    sa.Table("creators", metadata, sa.Column("id", sa.Integer(), primary_key=True))
    key = sa.ForeignKeyConstraint(
        ["creator_id"], ["creators.id"], name=FOREIGN_KEY, ondelete="CASCADE"
    )
    return sa.Table(
        "daily_metrics",
        metadata,
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("gmv", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("items_sold", sa.Integer(), nullable=False),
        sa.Column("live_gmv", sa.BigInteger(), nullable=False),
        sa.Column("video_gmv", sa.BigInteger(), nullable=False),
        sa.Column("live_sessions", sa.Integer(), nullable=False),
        sa.Column("live_minutes", sa.Integer(), nullable=False),
        sa.Column("video_posts", sa.Integer(), nullable=False),
        sa.Column("video_views", sa.BigInteger(), nullable=False),
        sa.Column("new_followers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("creator_id", "date", name="pk_daily_metrics"),
        *([key] if keyed else []),
        sa.Index("ix_daily_metrics_market_date", "market", "date"),
    )
