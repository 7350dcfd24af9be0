"""`creatorbot run` is ready before its scheduler starts: `/readyz` answers once the database,
its migrations and the platforms can work, the scheduler (and the jobs' modules) start right
after; and what would refuse the scheduler still stops the bot before it listens."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from creatorbot.bot import serve as serving
from creatorbot.bot.app import build
from creatorbot.bot.settings import Settings
from creatorbot.storage.leader import LEADING_ELSEWHERE, LeaderLock
from tests.bot.test_start_imports import ROOT
from tests.fakes.loopback import free_port
from tests.fakes.slack_api import FakeSlack

DEADLINE = 120.0  # seconds: a loaded machine may take this long to start the bot
OURS = ("SLACK_", "LARK_", "CREATORBOT_")


def answers(url: str) -> int | None:
    """The HTTP status of GET `url`, or None while nothing listens."""
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return refused.code
    except OSError:
        return None


def test_ready_comes_first_then_the_scheduler(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
        env.update(
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            CREATORBOT_DATA_DIR=str(tmp_path),
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET="secret",
            SLACK_API_URL=fake.api_url,
            PORT=str(port),
            LOG_LEVEL="INFO",
            CREATORBOT_RANKING_WARM="false",
        )
        log = tmp_path / "bot.log"
        with log.open("wb") as stderr:
            bot = subprocess.Popen(
                [sys.executable, "-m", "creatorbot", "run"],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            try:
                ready = wait_for(lambda: answers(f"http://127.0.0.1:{port}/readyz") == 200, bot)
                assert ready, log.read_text()
                started = wait_for(lambda: "scheduler started" in log.read_text(), bot)
                assert started, log.read_text()
                said = log.read_text()
                assert said.index("listening") < said.index("scheduler started")
                assert answers(f"http://127.0.0.1:{port}/readyz") == 200
            finally:
                bot.send_signal(signal.SIGTERM)
                code = bot.wait(timeout=60)
        assert code == 0, log.read_text()


def test_a_second_bot_on_one_sqlite_file_stops_before_it_listens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build(
        Settings(
            DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET="secret",
            SLACK_API_URL="http://127.0.0.1:9/api/",
            _env_file=None,
        )
    )
    first = LeaderLock(app.engine)
    assert first.acquire()

    def listening(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the second bot listened")

    monkeypatch.setattr(serving, "make_server", listening)
    try:
        with caplog.at_level(logging.ERROR):
            assert serving.serve(app) == 2
        reasons = [getattr(r, "reason", "") for r in caplog.records if r.msg == "not starting"]
        assert reasons == [LEADING_ELSEWHERE]
    finally:
        first.release()
        app.close()


def wait_for(condition: Callable[[], bool], bot: subprocess.Popen[bytes]) -> bool:
    """Whether `condition()` came true within DEADLINE while the bot ran."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline and bot.poll() is None:
        if condition():
            return True
        time.sleep(0.05)
    return False
