"""A start at head reads the schema's migration without Alembic: what it reads is what Alembic
says, so a database behind is still migrated and a PostgreSQL one behind is still refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, text

from creatorbot.storage.db import alembic_config, current_revision, head_revision, upgrade


def test_the_head_read_from_the_file_names_is_alembics(engine: Engine) -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def test_the_migration_read_is_alembics(engine: Engine) -> None:
    with engine.connect() as connection:
        assert (
            current_revision(engine)
            == MigrationContext.configure(connection).get_current_revision()
        )
    assert current_revision(engine) == head_revision()


def test_a_new_database_is_migrated_and_one_behind_is_brought_to_head(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    command.downgrade(alembic_config(engine), "0020")
    assert current_revision(engine) == "0020"
    upgrade(engine)
    with engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == head_revision()
        )
    engine.dispose()


def test_a_start_at_head_does_not_load_alembic(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    script = (
        "import sys\n"
        "from creatorbot.storage.db import make_engine, upgrade\n"
        f"upgrade(make_engine('sqlite:///{path}'))\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(loaded & {'alembic', 'psycopg', 'openpyxl'}))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"
