"""A bench module run as `make bench` runs it, at the tiny scale, into a folder and schema
prefix of the test's own, on PostgreSQL too when TEST_DATABASE_URL names one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(module: str, arguments: list[str], folder: Path, prefix: str) -> str:
    """What `python -m bench.<module> ARGUMENTS` printed; fails the test if it failed."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CREATORBOT_"))},
        "BENCH_DATA_DIR": str(folder),
        "BENCH_SCHEMA_PREFIX": prefix,
        "PYTHONPATH": str(ROOT),
    }
    if os.environ.get("TEST_DATABASE_URL"):
        env["BENCH_DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *arguments],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout
