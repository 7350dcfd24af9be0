"""Cold start: `creatorbot run` started as a process of its own on a bench world (HTTP mode, a
fake Slack Web API on loopback), the seconds until `/readyz` answers 200 (the database at the
current migration, Slack's signing configured), its resident memory once idle (its warm-up
done), and the first question asked after that, then the same again."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.loopback import free_port
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import post, signed_headers, slash_command

OURS = ("SLACK_", "LARK_", "CREATORBOT_")  # the parent's settings must not reach the bot
ALSO_OURS = ("DATABASE_URL", "PORT", "LOG_LEVEL")
SETTLE = 3.0  # seconds after ready at least, before the memory is read
QUIET = 0.05  # CPU seconds per second below which the bot counts as idle (its warm-up done)
IDLE_WITHIN = 120.0
READY_WITHIN = 180.0
SECRET = "bench-secret"
ASKER = "UBENCH"
# The first question after a start: a leaderboard no stored board holds (a window of the day
# columns: two weeks and the two before).
FIRST = ("/leaderboard", "gmv 14d MY")


@dataclass(frozen=True)
class Start:
    """Seconds from the process's start to `/readyz` 200, then to idle (its warm-up done), its
    RSS (MB) idle, and the seconds from sending the first question (`FIRST`) to its answer, and
    from sending it again (None when not asked)."""

    ready: float
    idle_rss_mb: float
    idle: float = float("nan")
    first: float | None = None
    again: float | None = None
    ready_cpu: float = float("nan")  # CPU seconds the process had used when ready


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


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cold_start(database_url: str, *, ask: bool = True) -> Start:
    """Start the bot on `database_url`, wait until it is ready and then idle, read its memory,
    ask `FIRST` twice (when `ask`), stop it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS) and k not in ALSO_OURS}
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as folder:
        env.update(
            DATABASE_URL=database_url,
            CREATORBOT_DATA_DIR=folder,
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SECRET,
            CREATORBOT_ADMINS=ASKER,  # the user who asks the first question
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
                cpu = cpu_seconds(child.pid)
                idle = _wait_idle(child.pid) + ready
                memory = rss_mb(child.pid)
                if not ask:
                    return Start(ready, memory, idle, ready_cpu=cpu)
                fake.add_user(ASKER)
                first, again = (_ask(fake, port, n) for n in range(2))
                return Start(ready, memory, idle, first, again, ready_cpu=cpu)
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
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer,
        ):
            if answer.status == 200:
                return time.perf_counter() - started
        time.sleep(0.05)
    raise RuntimeError(f"the bot was not ready within {READY_WITHIN:.0f} s")


def cpu_seconds(pid: int) -> float:
    """The process's user and system CPU time so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_idle(pid: int) -> float:
    """Seconds (at least `SETTLE`) until the process spends under `QUIET` CPU seconds a second."""
    started = time.perf_counter()
    time.sleep(SETTLE)
    used = cpu_seconds(pid)
    while time.perf_counter() - started < IDLE_WITHIN:
        time.sleep(1.0)
        now = cpu_seconds(pid)
        if now - used < QUIET:
            break
        used = now
    return time.perf_counter() - started


def _ask(fake: FakeSlack, port: int, n: int) -> float:
    """Send `FIRST` as a signed slash command; seconds until its answer reaches the fake."""
    answer_url = fake.response_url(f"first{n}")
    body = slash_command(*FIRST, user_id=ASKER, response_url=answer_url)
    started = time.perf_counter()
    status, _headers, _body = post(
        f"http://127.0.0.1:{port}/slack/events", body, signed_headers(body, SECRET)
    )
    if status != 200:
        raise RuntimeError(f"{FIRST}: HTTP {status}")
    fake.wait_for(lambda: bool(fake.responses(answer_url)), timeout=READY_WITHIN)
    return time.perf_counter() - started
