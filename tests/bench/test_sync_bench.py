"""The warehouse sync bench at the tiny scale (and on PostgreSQL when TEST_DATABASE_URL names
one): it prints the sync of every creator and leaves the bench world as it found it, without
the dead rows of a rollback on PostgreSQL."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from sqlalchemy import text

from bench.commands import END
from creatorbot.storage.db import make_engine
from tests.bench.running import run_bench

CREATORS = 300  # the tiny scale's (bench.commands.SCALES["T"])


def test_the_sync_is_printed_and_leaves_the_world_as_it_was(tmp_path: Path) -> None:
    prefix = f"bench_sync_{uuid.uuid4().hex[:8]}"
    pg = os.environ.get("TEST_DATABASE_URL")
    warehouses = "sqlite,postgresql" if pg else "sqlite"
    try:
        printed = run_bench("sync", ["--scales", "T", "--warehouses", warehouses], tmp_path, prefix)
        worlds = [(f"sqlite:///{tmp_path / 'bench-T.sqlite3'}", {})]
        if pg:
            worlds.append((pg, {"options": f"-csearch_path={prefix}_t"}))
        for url, options in worlds:
            engine = make_engine(url, connect_args=options)
            with engine.connect() as connection:
                latest = connection.scalar(text("SELECT max(date) FROM daily_metrics"))
                if url == pg:  # the rollback's rows vacuumed away
                    dead = connection.scalar(
                        text(
                            "SELECT n_dead_tup FROM pg_stat_user_tables "
                            "WHERE schemaname = :schema AND relname = 'daily_metrics'"
                        ),
                        {"schema": f"{prefix}_t"},
                    )
                    assert dead == 0
            engine.dispose()
            assert str(latest) == END.isoformat(), url  # the synced day did not stay
    finally:
        if pg:
            engine = make_engine(pg)
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {prefix}_t CASCADE"))
                connection.execute(text("DROP SCHEMA IF EXISTS bench_warehouse_t CASCADE"))
            engine.dispose()
    for kind in warehouses.split(","):
        assert re.search(rf"^T\s+{kind}\s+{kind}\s+{CREATORS}\s+[\d.]+ s", printed, re.M), printed
    assert re.search(r"^machine pace: .* took [\d.]+(, then [\d.]+)+ s of CPU", printed, re.M)
