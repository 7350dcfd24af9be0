"""The long connections' state, shared by the processes of one bot: the primary worker, which
holds Slack's Socket Mode and Lark's long connection, writes whether each is up every few
seconds; the other workers read it, so `/readyz` says the same whichever process answers."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from creatorbot.bot.health import Connected

logger = logging.getLogger(__name__)

WRITE_SECONDS = 2.0
STALE_SECONDS = 10.0  # a state older than this: the primary is gone or stuck, so not connected
FILE = "connections.json"


def publish(
    run_dir: Path, platforms: Mapping[str, Connected], stop: threading.Event
) -> threading.Thread:
    """Write each platform's `connected()` to the run folder every WRITE_SECONDS, until `stop`
    is set, in a daemon thread (returned)."""
    target = run_dir / FILE

    def write() -> None:
        while True:
            state = {}
            for name, platform in platforms.items():
                try:
                    state[name] = bool(platform.connected())
                except Exception:
                    state[name] = False
            partial = target.with_suffix(f".{os.getpid()}.tmp")
            try:
                partial.write_text(json.dumps(state), encoding="utf-8")
                partial.replace(target)  # atomic: a reader never sees half a file
            except OSError as exc:
                logger.warning("connection state not shared", extra={"error": str(exc)})
            if stop.wait(WRITE_SECONDS):
                return

    thread = threading.Thread(target=write, name="connections", daemon=True)
    thread.start()
    return thread


class Relayed:
    """A platform held by the primary worker, as another worker sees it: connected while the
    primary's latest word, fresher than STALE_SECONDS, says so."""

    def __init__(self, run_dir: Path, name: str) -> None:
        self.path = run_dir / FILE
        self.name = name

    def connected(self) -> bool:
        with contextlib.suppress(OSError, ValueError):
            if time.time() - self.path.stat().st_mtime > STALE_SECONDS:
                return False
            return bool(json.loads(self.path.read_text(encoding="utf-8")).get(self.name))
        return False
