"""What a start loads is kept out of the garbage collector's passes in the `creatorbot` process
itself (it cost `ask` a tenth of a second), the collector runs again for the command's own work,
and a caller in a longer-lived process (a test calling `main`) is left as it was."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from creatorbot.bot.cli import main
from creatorbot.bot.collector import frozen_after
from tests.bot.test_start_imports import ROOT

OURS = ("SLACK_", "LARK_", "CREATORBOT_")
ALSO_OURS = ("DATABASE_URL", "LOG_LEVEL")
# What the process reports once `main()` has answered: whether the collector runs, and how
# many objects it no longer scans (SQLAlchemy's and pydantic's alone are tens of thousands).
PROBE = """
import gc, sys
from creatorbot.bot.cli import main
sys.argv = ["creatorbot", "ask", "help"]
code = main()
print(code, gc.isenabled(), gc.get_freeze_count())
"""


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """The test process's collector as it was: nothing left frozen, and running."""
    yield
    gc.unfreeze()
    gc.enable()


def test_the_block_runs_paused_then_what_it_made_is_frozen(unfrozen: None) -> None:
    before = gc.get_freeze_count()
    with frozen_after(True):
        assert not gc.isenabled()
        made = [[n] for n in range(1000)]  # containers the collector tracks
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(made)


def test_the_collector_runs_again_when_the_block_fails(unfrozen: None) -> None:
    with pytest.raises(RuntimeError), frozen_after(True):
        raise RuntimeError("the start failed")
    assert gc.isenabled()


def test_nothing_is_done_when_not_enabled_or_already_off(unfrozen: None) -> None:
    before = gc.get_freeze_count()
    with frozen_after(False):
        assert gc.isenabled()
    assert gc.get_freeze_count() == before
    gc.disable()
    with frozen_after(True):
        pass
    assert not gc.isenabled()  # the caller turned it off: it stays off
    assert gc.get_freeze_count() == before


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """A user's environment with a data folder of their own (no platform, no config file)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS) and k not in ALSO_OURS}
    env.update(
        CREATORBOT_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    return env


def test_the_creatorbot_process_freezes_its_start_and_collects_after(
    environment: dict[str, str], tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    code, enabled, frozen = done.stdout.split()[-3:]
    assert (code, enabled) == ("0", "True")
    assert int(frozen) > 20_000


def test_main_called_in_a_test_leaves_the_collector_alone(
    environment: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREATORBOT_DATA_DIR", environment["CREATORBOT_DATA_DIR"])
    before = gc.get_freeze_count()
    assert main(["ask", "help"]) == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == before
