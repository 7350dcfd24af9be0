"""The leaderboard bench runs as shipped on a tiny world that holds a year (SQLite, and PostgreSQL
when TEST_DATABASE_URL names one): it builds the world, asks the year's windows at their full
length beside DuckDB, and each answer agrees with DuckDB's and with the exact SQL path (the bench
checks both and stops otherwise)."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path

from sqlalchemy import text

from bench.commands import END, SCALES
from creatorbot.storage.db import make_engine
from tests.bench.running import run_bench


def test_a_year_world_is_asked_its_long_windows_beside_duckdb(tmp_path: Path) -> None:
    prefix = f"bench_test_{uuid.uuid4().hex[:8]}"
    databases = ["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]
    arguments = ["--scales", "TY", "--databases", ",".join(databases), "--repeat", "2", "--exact"]
    try:
        printed = run_bench("leaderboards", arguments, tmp_path, prefix)
    finally:
        if "postgresql" in databases:
            engine = make_engine(os.environ["TEST_DATABASE_URL"])
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {prefix}_ty CASCADE"))
            engine.dispose()
    assert SCALES["TY"][1] == 366
    # The world's first day + 359: the 180 days and the 180 before them both hold rows.
    as_of = END - dt.timedelta(days=365) + dt.timedelta(days=359)
    year = [
        "leaderboard video_views 366d MY",
        "leaderboard gmv 366d MY",
        f"leaderboard gmv 180d MY as-of:{as_of.isoformat()}",
        "leaderboard gmv 366d MY tier:gold category:beauty",
        "leaderboard orders 366d MY category:beauty top 50",
        "leaderboard gmv 366d MY campaign:",
    ]
    ms = r"\s+\d+ms"
    for question in year:
        line = rf"^{re.escape(question)}\S*\s{ms}{ms}{ms}{ms}\s+[\d.]+s{ms}{ms}\s+[\d.]+$"
        assert len(re.findall(line, printed, re.M)) == len(databases), f"{question}:\n{printed}"
    closing = r"peak RSS \d+ MB .*; ranking cache \d+ of \d+ MB held; process CPU [\d.]+ s$"
    assert len(re.findall(rf"^TY \w+: {closing}", printed, re.M)) == len(databases), printed
