"""Cold start: `creatorbot run` started as a process of its own on a bench world (HTTP mode, a
fake Slack Web API on loopback), the seconds until `/healthz` answers 200, and its resident
memory once idle."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.slack_api import FakeSlack

OURS = ("SLACK_", "LARK_", "CREATORBOT_")  # the parent's settings must not reach the bot
ALSO_OURS = ("DATABASE_URL", "PORT", "LOG_LEVEL")
SETTLE = 3.0  # seconds idle after ready before the memory is read
READY_WITHIN = 180.0


@dataclass(frozen=True)
class Start:
    """Seconds from the process's start to `/healthz` 200, and its RSS (MB) idle after that."""

    ready: float
    idle_rss_mb: float


def creatorbot() -> list[str]:
    """How to start the `creatorbot` console script of this environment."""
    script = Path(sys.executable).with_name("creatorbot")
    if script.exists():
        return [str(script)]
    return [
        sys.executable,
        "-c",
        "import sys; from creatorbot.bot.cli import main; sys.exit(main())",
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_start(database_url: str) -> Start:
    """Start the bot on `database_url`, wait until it is ready, read its idle memory, stop it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS) and k not in ALSO_OURS}
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as folder:
        env.update(
            DATABASE_URL=database_url,
            CREATORBOT_DATA_DIR=folder,
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET="bench-secret",
            SLACK_API_URL=fake.api_url,
            PORT=str(port),
            LOG_LEVEL="WARNING",
        )
        log = Path(folder) / "bot.log"
        with log.open("wb") as stderr:
            started = time.perf_counter()
            # cwd: a folder of its own, so no .env of the working tree is read
            child = subprocess.Popen(
                [*creatorbot(), "run"],
                cwd=folder,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            try:
                ready = _wait_ready(child, port, started, log)
                time.sleep(SETTLE)
                return Start(ready, rss_mb(child.pid))
            finally:
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()


def _wait_ready(child: subprocess.Popen[bytes], port: int, started: float, log: Path) -> float:
    while time.perf_counter() - started < READY_WITHIN:
        if child.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the bot exited ({child.returncode}):\n{tail}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer,
        ):
            if answer.status == 200:
                return time.perf_counter() - started
        time.sleep(0.05)
    raise RuntimeError(f"the bot was not ready within {READY_WITHIN:.0f} s")
