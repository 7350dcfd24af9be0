"""Waiting for "nothing more will arrive": until the bot's worker pool has finished all it was
given, not for a fixed while that a loaded machine can outlast."""

from __future__ import annotations

import time

from creatorbot.bot.pool import WorkPool

# Generous on purpose: a loaded CI machine may take seconds to finish a chart; an idle pool
# ends the wait at once.
SETTLE_TIMEOUT = 30.0
STEADY = 0.05  # idle this long in a row: a task that queues another is seen doing it


def settle(pool: WorkPool, timeout: float = SETTLE_TIMEOUT) -> None:
    """Return once the pool has had no task running or waiting for STEADY seconds; fail the
    test if it never does within `timeout`."""
    deadline = time.monotonic() + timeout
    idle_since: float | None = None
    while time.monotonic() < deadline:
        now = time.monotonic()
        if pool.in_flight:
            idle_since = None
        elif idle_since is None:
            idle_since = now
        elif now - idle_since >= STEADY:
            return
        time.sleep(0.005)
    raise AssertionError(f"the bot was still working after {timeout} s")
