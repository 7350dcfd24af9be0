"""A worker without the long connections says what the primary last wrote about them: connected
while the primary says so, not once it says otherwise, nor once it has gone silent."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from creatorbot.bot.connections import FILE, STALE_SECONDS, WRITE_SECONDS, Relayed, publish


class Switch:
    """A platform whose connection a test turns on and off."""

    def __init__(self) -> None:
        self.up = True

    def connected(self) -> bool:
        return self.up


def wait_until(holds: Callable[[], bool], timeout: float = 10 * WRITE_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not holds():
        assert time.monotonic() < deadline, "not within the deadline"
        time.sleep(0.01)


def test_the_other_workers_see_the_primarys_connections(tmp_path: Path) -> None:
    lark, slack = Switch(), Switch()
    stop = threading.Event()
    writer = publish(tmp_path, {"lark": lark, "slack": slack}, stop)
    seen_lark, seen_slack = Relayed(tmp_path, "lark"), Relayed(tmp_path, "slack")
    try:
        wait_until(lambda: seen_lark.connected() and seen_slack.connected())
        lark.up = False
        wait_until(lambda: not seen_lark.connected())
        assert seen_slack.connected()
    finally:
        stop.set()
        writer.join()
    # The primary gone quiet (dead, stuck): its last word goes stale.
    old = time.time() - STALE_SECONDS - 1
    os.utime(tmp_path / FILE, (old, old))
    assert not seen_slack.connected()
    assert not Relayed(tmp_path / "nowhere", "slack").connected()
