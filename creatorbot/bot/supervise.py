"""`creatorbot run` on every core: a parent that binds PORT once and keeps N worker processes
serving that one listening socket (the kernel hands each connection to one of them), restarts
a worker that dies, and on SIGTERM lets every worker finish what it is doing, then exits."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client.multiprocess import mark_process_dead

from creatorbot.bot.processes import ENV_FD, ENV_INDEX, ENV_RUN_DIR, ENV_SUPERVISOR

logger = logging.getLogger(__name__)

REFUSED = 2  # a worker's exit code for settings or a database it cannot start with
DRAIN_SECONDS = 30.0  # after SIGTERM, how long workers may finish answers before SIGKILL
STEADY_SECONDS = 60.0  # a worker that lived this long died of something new: restart at once
MAX_BACKOFF = 30.0
POLL_SECONDS = 0.2
LISTEN_BACKLOG = 2048  # connections the kernel holds while every worker is busy or restarting


@dataclass
class Worker:
    """One worker process and how often it has died in a row."""

    index: int
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    failures: int = 0
    due: float = 0.0  # when to start it again after a death
    exits: list[int] = field(default_factory=list)


class Supervisor:
    """Starts the workers, watches them, restarts the dead, drains them all on stop."""

    def __init__(self, argv: Sequence[str], count: int, listener: socket.socket) -> None:
        self.argv = list(argv)
        self.listener = listener
        self.workers = [Worker(index) for index in range(count)]
        self.run_dir = Path(tempfile.mkdtemp(prefix="creatorbot-run-"))
        self.metrics_dir = self.run_dir / "metrics"  # every worker's counters, added up
        self.metrics_dir.mkdir()
        self.stopping = threading.Event()

    def command(self) -> list[str]:
        """The same `creatorbot …` this process was started with, as a module run."""
        return [sys.executable, "-m", "creatorbot", *self.argv]

    def start(self, worker: Worker) -> None:
        env = dict(os.environ)
        env.update(
            {
                ENV_INDEX: str(worker.index),
                ENV_FD: str(self.listener.fileno()),
                ENV_SUPERVISOR: str(os.getpid()),
                ENV_RUN_DIR: str(self.run_dir),
                "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir),
            }
        )
        worker.process = subprocess.Popen(
            self.command(), env=env, pass_fds=(self.listener.fileno(),)
        )
        worker.started = time.monotonic()
        logger.info("worker started", extra={"worker": worker.index, "pid": worker.process.pid})

    def run(self) -> int:
        """Until SIGTERM/SIGINT (exit 0), or a worker refusing to start (exit 2)."""
        for worker in self.workers:
            self.start(worker)
        try:
            while not self.stopping.wait(POLL_SECONDS):
                refused = self.check()
                if refused is not None:
                    logger.error("a worker refused to start: stopping", extra={"worker": refused})
                    self.drain()
                    return REFUSED
            self.drain()
            return 0
        finally:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def check(self) -> int | None:
        """Restart workers that died (after a pause that grows while they keep dying); the
        index of one that refused to start, if any did."""
        now = time.monotonic()
        for worker in self.workers:
            process = worker.process
            if process is None:
                if now >= worker.due:
                    self.start(worker)
                continue
            code = process.poll()
            if code is None:
                continue
            if code == REFUSED:
                return worker.index
            lived = now - worker.started
            worker.failures = 0 if lived >= STEADY_SECONDS else worker.failures + 1
            pause = min(2.0 ** (worker.failures - 1), MAX_BACKOFF) if worker.failures else 0.0
            worker.exits.append(code)
            # its gauges (answers running, queued) leave the sum; its counters stay in it
            mark_process_dead(process.pid, str(self.metrics_dir))
            worker.process, worker.due = None, now + pause
            logger.warning(
                "worker died: starting it again",
                extra={"worker": worker.index, "exit_code": code, "in_seconds": pause},
            )
        return None

    def signal(self, signum: int) -> None:
        """Pass a signal on to every living worker."""
        for worker in self.workers:
            if worker.process is not None and worker.process.poll() is None:
                with contextlib.suppress(OSError):
                    worker.process.send_signal(signum)

    def wake_primary(self) -> None:
        """A worker asked for a scheduler tick: tell the primary (worker 0), which runs it."""
        primary = self.workers[0].process
        if primary is not None and primary.poll() is None:
            with contextlib.suppress(OSError):
                primary.send_signal(signal.SIGUSR1)

    def drain(self) -> None:
        """SIGTERM to every worker; those still running after DRAIN_SECONDS are killed."""
        self.signal(signal.SIGTERM)
        deadline = time.monotonic() + DRAIN_SECONDS
        for worker in self.workers:
            if worker.process is None:
                continue
            try:
                worker.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                logger.warning(
                    "worker did not stop in time: killed", extra={"worker": worker.index}
                )
                worker.process.kill()
                worker.process.wait()


def listen(host: str, port: int) -> socket.socket:
    """The one listening socket every worker accepts on, inherited by each."""
    listener = socket.create_server((host, port), backlog=LISTEN_BACKLOG)
    listener.set_inheritable(True)
    return listener


def supervise(argv: Sequence[str], count: int, port: int, host: str = "0.0.0.0") -> int:
    """Run `count` workers of `creatorbot <argv>` on `host:port` until SIGTERM or SIGINT."""
    try:
        listener = listen(host, port)
    except OSError as exc:
        logger.error("not starting", extra={"reason": f"port {port}: {exc.strerror}"})
        return REFUSED
    supervisor = Supervisor(argv, count, listener)

    def stop(signum: int, _frame: object) -> None:
        logger.info("stopping", extra={"signal": signum})
        supervisor.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGUSR1, lambda _signum, _frame: supervisor.wake_primary())
    logger.info("listening", extra={"port": port, "processes": count})
    with listener:
        return supervisor.run()
