"""Abuse guards: how long a command may be, and how many one user may send a minute (counted
in this process: the console's; `shared_limits` counts in the database for every process)."""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from creatorbot.commands.i18n import Lang

MAX_COMMAND_CHARS = 1000  # a command is a line; a longer one is refused before it is parsed
WINDOW = 60.0  # seconds


class Limiter(Protocol):
    """How many hits one subject may make a minute: counts a hit, says when to come back."""

    def allow(self, platform: str, user: str) -> bool:
        """Count one hit of `user`; False (and not counted) when over the limit."""
        ...

    def retry_in(self, platform: str, user: str) -> int:
        """Whole seconds until `user` may be let through again."""
        ...


class RateLimiter:
    """At most `per_minute` commands per user in any 60 seconds (0: no limit), in memory: each
    replica counts its own, which is what protects it."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        exempt: frozenset[str] = frozenset(),
    ) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.exempt = exempt  # user ids never limited (a benchmark's or a probe's user)
        self._seen: dict[tuple[str, str], collections.deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, platform: str, user: str) -> bool:
        """Count one command of `user`; False (and not counted) when over the limit."""
        if self.per_minute <= 0 or user in self.exempt:
            return True
        now = self.clock()
        with self._lock:
            seen = self._seen.setdefault((platform, user), collections.deque())
            while seen and now - seen[0] >= WINDOW:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return False
            seen.append(now)
            if len(self._seen) > 10_000:  # forget users who went quiet
                self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] < WINDOW}
            return True

    def retry_in(self, platform: str, user: str) -> int:
        """Whole seconds until `user` may send a command again."""
        with self._lock:
            seen = self._seen.get((platform, user))
            if not seen:
                return 0
            return max(1, int(WINDOW - (self.clock() - seen[0]) + 0.999))


def too_long(count: int, lang: Lang) -> str:
    """What a command over MAX_COMMAND_CHARS is answered, in the reader's language."""
    return lang._("That is too long for a command ({count} characters; at most {limit}).").format(
        count=lang.number(count), limit=lang.number(MAX_COMMAND_CHARS)
    )
