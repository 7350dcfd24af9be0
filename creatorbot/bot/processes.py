"""How many HTTP worker processes `creatorbot run` starts, and what each learns from the parent
that supervises them: which worker it is, the listening socket they share, where the first
worker (the one holding the scheduler and the long connections) tells the others its state."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from creatorbot.bot.settings import Settings

logger = logging.getLogger(__name__)

# Set by the supervising parent for its children only (never by an operator).
ENV_INDEX = "_CREATORBOT_WORKER"
ENV_FD = "_CREATORBOT_LISTEN_FD"
ENV_SUPERVISOR = "_CREATORBOT_SUPERVISOR"
ENV_RUN_DIR = "_CREATORBOT_RUN_DIR"
WATCH_SECONDS = 1.0  # how soon a worker whose parent vanished stops


def cores() -> int:
    """The cores this process may run on (a cpuset or taskset counts; a CPU quota does not)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def process_count(settings: Settings, available: int | None = None) -> int:
    """CREATORBOT_PROCESSES, else every core on PostgreSQL and one on SQLite (one file, one
    writer at a time: more processes would mostly wait for each other). One whenever nothing
    arrives over HTTP (Socket Mode, Lark's long connection): one process holds those."""
    if not settings.serves_http:
        return 1
    if settings.processes is not None:
        return settings.processes
    if settings.resolved_database_url.startswith("sqlite"):
        return 1
    return available if available is not None else cores()


@dataclass(frozen=True)
class Role:
    """This process's place in the bot: worker `index` of a supervised group (0 is the
    primary), or the only process (no supervisor)."""

    index: int = 0
    listen_fd: int | None = None
    supervisor: int | None = None
    run_dir: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Role:
        """The role the supervisor gave this process; the only process when none did."""
        if ENV_SUPERVISOR not in environ:
            return cls()
        return cls(
            index=int(environ[ENV_INDEX]),
            listen_fd=int(environ[ENV_FD]),
            supervisor=int(environ[ENV_SUPERVISOR]),
            run_dir=Path(environ[ENV_RUN_DIR]),
        )

    @property
    def primary(self) -> bool:
        """Whether this process runs the scheduler, the inbox and the long connections."""
        return self.index == 0

    def listener(self) -> socket.socket | None:
        """The listening socket the supervisor bound, shared by every worker; None alone."""
        if self.listen_fd is None:
            return None
        return socket.socket(fileno=self.listen_fd)

    def wake_primary(self) -> None:
        """Ask the primary's scheduler to tick now (a `digest run` answered here), through
        the supervisor, which passes SIGUSR1 on to it."""
        if self.supervisor is not None:
            try:
                os.kill(self.supervisor, signal.SIGUSR1)
            except OSError as exc:
                logger.warning("could not wake the scheduler", extra={"error": str(exc)})

    def watch_supervisor(self) -> None:
        """Stop this worker (SIGTERM to itself: a graceful stop) if its supervisor is gone,
        so a parent killed outright leaves no worker serving behind it."""
        if self.supervisor is None:
            return
        parent = self.supervisor

        def watch() -> None:
            while os.getppid() == parent:
                threading.Event().wait(WATCH_SECONDS)
            logger.warning("the supervising process is gone: stopping")
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()
