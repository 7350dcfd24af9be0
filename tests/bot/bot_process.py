"""The real `creatorbot run` as a process of its own (a session of its own, so a test can kill
the whole replica at once), pointed at a fake platform on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.load import children
from tests.fakes.loopback import free_port

REPO = Path(__file__).resolve().parents[2]
# The parent's settings must not leak into the bot: the test configures it alone.
OURS = ("SLACK_", "LARK_", "CREATORBOT_", "_CREATORBOT_")
ALSO_OURS = ("DATABASE_URL", "PORT", "LOG_LEVEL", "LOG_FORMAT")


@dataclass
class BotProcess:
    """One `creatorbot run` (a replica): its process, address and log."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @classmethod
    def start(cls, folder: Path, name: str, settings: dict[str, str]) -> BotProcess:
        folder.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(OURS) and k not in ALSO_OURS}
        port = free_port()
        env.update(PYTHONPATH=str(REPO), PORT=str(port), **settings)
        log = folder / f"{name}.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "creatorbot", "run"],
                cwd=folder,  # no .env of the working tree is read
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        return cls(process, port, log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str) -> int:
        """The status of GET `path`; 0 when nothing answers."""
        try:
            with urllib.request.urlopen(f"{self.url}{path}", timeout=5) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except OSError:
            return 0

    def wait(self, condition: str, holds: Callable[[], bool], timeout: float) -> None:
        """Poll `holds()` until true; fail with the log's tail after `timeout` or if the bot
        exited meanwhile."""
        deadline = time.monotonic() + timeout
        while not holds():
            if self.process.poll() is not None:
                raise AssertionError(f"the bot exited ({self.process.returncode}):\n{self.tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{condition}: not within {timeout:.0f} s\n{self.tail()}")
            time.sleep(0.05)

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def owns(self, pid: int) -> bool:
        """Whether process `pid` is this replica's (its supervisor or one of its workers)."""
        try:
            return os.getpgid(pid) == self.process.pid
        except ProcessLookupError:
            return False

    def kill(self) -> None:
        """SIGKILL to the whole replica at once, as a lost container or host."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, as an orchestrator stops it; its exit code (killed if it hangs)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                self.process.wait()
        return int(self.process.returncode)

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
