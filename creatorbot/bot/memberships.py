"""Which of the groups given a role a chat user is in, as the platform tells: its answers kept a
few minutes, and a platform that cannot tell read as "in none" (the command still runs)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

MEMBERSHIP_TTL = 300.0  # seconds: someone added to or removed from a group counts within it
FAILED_TTL = 30.0  # seconds: a look-up that failed is tried again soon, not on every command
T = TypeVar("T")


class Kept(Generic[T]):
    """Values looked up per key and kept `ttl` seconds; a failed look-up (`fetch` gives None)
    is kept `failed_ttl`. Thread-safe; `clock` is injectable so tests can move time."""

    def __init__(
        self,
        fetch: Callable[[str], T | None],
        *,
        ttl: float = MEMBERSHIP_TTL,
        failed_ttl: float = FAILED_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetch = fetch
        self.ttl = ttl
        self.failed_ttl = failed_ttl
        self.clock = clock
        self._kept: dict[str, tuple[float, T | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> T | None:
        """The value for `key`, looked up again once it is older than its time to live."""
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and kept[0] > self.clock():
            return kept[1]
        value = self.fetch(key)
        ttl = self.ttl if value is not None else self.failed_ttl
        with self._lock:
            self._kept[key] = (self.clock() + ttl, value)
        return value

    def forget(self) -> None:
        """Drop every kept value: the next look-ups ask the platform."""
        with self._lock:
            self._kept.clear()
