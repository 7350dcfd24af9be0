"""`creatorbot --help` and `--version` answer at once: they import none of the heavy libraries
(read from `python -X importtime`, so the guard holds on a busy machine too), and
`python -m creatorbot` is the same command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from creatorbot import __version__
from creatorbot.bot import cli_args
from creatorbot.commands.i18n import LANGUAGES
from creatorbot.storage.importers import KINDS

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {
    "pandas",
    "numpy",
    "matplotlib",
    "sqlalchemy",
    "alembic",
    "slack_bolt",
    "slack_sdk",
    "lark_oapi",
    "psycopg",
    "apscheduler",
    "babel",
    "pydantic",
    "sentry_sdk",  # error reports and traces: only when SENTRY_DSN or OTEL_… is set
    "opentelemetry",
}


def imported(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `python -X importtime -m creatorbot ARGS`; its result and the top-level packages it
    imported."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "creatorbot", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return done, imported_by(done.stderr)


def imported_by(importtime: str) -> set[str]:
    """The top-level packages a `python -X importtime` log (its stderr) says were imported."""
    return {name.split(".")[0] for name in modules_imported_by(importtime)}


def modules_imported_by(importtime: str) -> set[str]:
    """The modules (dotted names) a `python -X importtime` log says were imported."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.parametrize("args", [("--help",), ("--version",), ("ask", "--help")])
def test_help_and_version_import_nothing_heavy(args: tuple[str, ...]) -> None:
    done, names = imported(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "creatorbot" in names  # the probe reads the import log at all
    assert not names & HEAVY, f"`creatorbot {' '.join(args)}` imports {sorted(names & HEAVY)}"


def test_version_and_help_as_a_user_reads_them() -> None:
    version, _ = imported("--version")
    assert version.stdout.strip() == f"creatorbot {__version__}"
    helped, _ = imported("--help")
    assert "usage: creatorbot" in helped.stdout
    for verb in ("run", "ask", "import", "sync", "demo", "jobs", "db"):
        assert verb in helped.stdout


def test_the_light_grammar_knows_every_language_and_kind() -> None:
    assert cli_args.LANGUAGES == LANGUAGES
    assert cli_args.KINDS == KINDS
