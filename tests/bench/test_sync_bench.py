"""The warehouse sync bench at the tiny scale (and on PostgreSQL when TEST_DATABASE_URL names
one): it prints the sync of every creator, timed to its commit on SQLite, and leaves the bench
world as it found it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy import text

from bench.commands import END
from creatorbot.storage.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
CREATORS = 300  # the tiny scale's (bench.commands.SCALES["T"])


def test_the_sync_is_timed_to_its_commit_and_the_world_is_left_as_it_was(tmp_path: Path) -> None:
    prefix = f"bench_sync_{uuid.uuid4().hex[:8]}"
    pg = os.environ.get("TEST_DATABASE_URL")
    warehouses = "sqlite,postgresql" if pg else "sqlite"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CREATORBOT_"))},
        "BENCH_DATA_DIR": str(tmp_path),
        "BENCH_SCHEMA_PREFIX": prefix,
        "PYTHONPATH": str(ROOT),
        **({"BENCH_DATABASE_URL": pg} if pg else {}),
    }

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bench.sync", "--scales", "T", "--warehouses", warehouses],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    try:
        first, second = run(), run()
        # Neither run's day stayed in the bench world.
        worlds = [(f"sqlite:///{tmp_path / 'bench-T.sqlite3'}", {})]
        if pg:
            worlds.append((pg, {"options": f"-csearch_path={prefix}_t"}))
        for url, options in worlds:
            engine = make_engine(url, connect_args=options)
            with engine.connect() as connection:
                latest = connection.scalar(text("SELECT max(date) FROM daily_metrics"))
            engine.dispose()
            assert str(latest) == END.isoformat(), url
    finally:
        if pg:
            engine = make_engine(pg)
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {prefix}_t CASCADE"))
                connection.execute(text("DROP SCHEMA IF EXISTS bench_warehouse_t CASCADE"))
            engine.dispose()
    for printed in (first, second):
        assert re.search(r"^scale\s+warehouse\s+into\s+rows\s+sync\s+commit\s+cpu", printed, re.M)
        sqlite = re.search(
            rf"^T\s+sqlite\s+sqlite\s+{CREATORS}\s+([\d.]+) s\s+([\d.]+) s", printed, re.M
        )
        assert sqlite, printed
        assert float(sqlite[2]) <= float(sqlite[1])  # the commit is timed, and in the sync
        if pg:
            assert re.search(
                rf"^T\s+postgresql\s+postgresql\s+{CREATORS}\s+[\d.]+ s\s+—", printed, re.M
            )
        assert re.search(r"^machine pace: .* took [\d.]+, then [\d.]+", printed, re.M)
    # Only the bench world, its warehouse and their exports are left: no copy of the world.
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == []
