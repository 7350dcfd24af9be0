"""`creatorbot ask "leaderboard MY"` answers a stored board without pandas, numpy or matplotlib,
and on SQLite without PostgreSQL's dialect or the config file's reader (read from
`python -X importtime` in a process of its own, as a user runs it), so the usual question cannot
quietly regain the time they cost."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from creatorbot.bot.app import build
from creatorbot.bot.settings import Settings
from creatorbot.storage.demo import DemoSpec, build_world, write_world
from creatorbot.storage.models import Board
from creatorbot.storage.queries.markets import latest_day
from tests.bot.test_start_imports import ROOT, imported_by, modules_imported_by

SPEC = DemoSpec(creators=40, days=40, seed=5, end=dt.date(2026, 11, 30))
# Error reports and traces are imported only when SENTRY_DSN or OTEL_EXPORTER_OTLP_ENDPOINT is set.
NOT_ON_THE_PATH = {"pandas", "numpy", "matplotlib", "sentry_sdk", "opentelemetry"}
# Needed by no question on SQLite without a config file: PostgreSQL's dialect costs about 0.08 s
# of CPU to import, the config file's reader (YAML) about 0.02 s.
NOT_ON_SQLITE = {"sqlalchemy.dialects.postgresql", "psycopg", "yaml", "creatorbot.bot.config_file"}
OURS = ("SLACK_", "LARK_", "CREATORBOT_", "SENTRY_", "OTEL_")
ALSO_OURS = ("DATABASE_URL", "LANG", "LC_ALL", "LOG_LEVEL")


@dataclass(frozen=True)
class User:
    """Where a user runs `creatorbot` (a folder of their own) and their environment."""

    folder: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def user(tmp_path_factory: pytest.TempPathFactory) -> User:
    """A user whose data folder holds a small demo world on SQLite."""
    folder = tmp_path_factory.mktemp("ask")
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS) and k not in ALSO_OURS}
    env.update(
        CREATORBOT_DATA_DIR=str(folder / "data"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for name in os.environ:
            if name not in env:
                patch.delenv(name)
        patch.setenv("CREATORBOT_DATA_DIR", env["CREATORBOT_DATA_DIR"])
        app = build(Settings())
    try:
        with app.sessions.begin() as session:
            write_world(build_world(SPEC), session=session)
        with app.sessions.begin() as session:
            # The question below is answered from a stored board: the guard is about that path.
            assert latest_day("MY", session=session) == SPEC.end
            query = select(Board.end_day).where(
                Board.market == "MY", Board.metric == "gmv", Board.period == "7d"
            )
            assert set(session.scalars(query)) == {SPEC.end}
    finally:
        app.close()
    return User(folder, env)


def asked(text: str, user: User) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """`python -X importtime -m creatorbot ask TEXT`: its result and the top-level packages it
    imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "creatorbot", "ask", text],
        capture_output=True,
        text=True,
        env=user.env,
        cwd=user.folder,
        timeout=120,
        check=False,
    )
    return done, imported_by(done.stderr)


def test_a_stored_leaderboard_imports_no_pandas(user: User) -> None:
    done, names = asked("leaderboard MY", user)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "GMV leaderboard · MY · last 7 days" in done.stdout
    assert "sqlalchemy" in names  # the probe reads the import log at all
    assert not names & NOT_ON_THE_PATH, f"`ask leaderboard MY` imports {names & NOT_ON_THE_PATH}"


def test_a_question_on_sqlite_loads_no_postgresql_nor_the_config_reader(user: User) -> None:
    done, _ = asked("leaderboard MY", user)
    assert done.returncode == 0, done.stderr[-2000:]
    modules = modules_imported_by(done.stderr)
    assert "sqlalchemy.dialects.sqlite" in modules  # the probe sees dialects at all
    assert not modules & NOT_ON_SQLITE, f"`ask leaderboard MY` imports {modules & NOT_ON_SQLITE}"


def test_a_window_no_board_holds_still_imports_what_it_ranks_with(user: User) -> None:
    # The same probe sees numpy where the day columns are ranked: the guard above can fail.
    done, names = asked("leaderboard gmv 14d MY", user)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "GMV leaderboard · MY" in done.stdout
    assert "numpy" in names
