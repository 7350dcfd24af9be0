"""A rate limit counted in the database, shared by every worker process and replica: one
upsert per hit over a sliding minute; earlier minutes' rows pruned once a minute per process."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.limits import WINDOW, RateLimiter
from creatorbot.storage.rate_hits import count_hit, prune_hits, standing

logger = logging.getLogger(__name__)


class SharedLimiter:
    """At most `per_minute` hits per subject in any sliding minute (0: no limit), counted in
    the database under `name` (one limit's counts apart from another's). The clock is wall
    time, the same on every replica. If the database cannot count, this process counts alone
    until it can again (a limit never stops what would otherwise work)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        name: str,
        per_minute: int,
        clock: Callable[[], float] = time.time,
        exempt: frozenset[str] = frozenset(),
    ) -> None:
        self.sessions = sessions
        self.name = name
        self.per_minute = per_minute
        self.clock = clock
        self.exempt = exempt
        self.alone = RateLimiter(per_minute, clock, exempt)
        self._pruned = -1  # the minute this process last pruned in
        self._lock = threading.Lock()

    def allow(self, platform: str, user: str) -> bool:
        """Count one hit of `user`; False (and not counted) when over the limit."""
        if self.per_minute <= 0 or user in self.exempt:
            return True
        bucket, weight = self._minute()
        try:
            with self.sessions() as session:
                # One statement, a transaction of its own: sent in autocommit, one round trip.
                session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
                allowed = count_hit(
                    self._scope(platform),
                    user,
                    bucket=bucket,
                    weight=weight,
                    limit=self.per_minute,
                    session=session,
                )
                if self._prune_due(bucket):
                    prune_hits(bucket - 1, session=session)
            return allowed
        except Exception as exc:
            logger.warning(
                "rate limit counted in this process only",
                extra={"limit": self.name, "error": str(exc).splitlines()[0][:200]},
            )
            return self.alone.allow(platform, user)

    def retry_in(self, platform: str, user: str) -> int:
        """Whole seconds until `user` may be let through again (at least 1)."""
        bucket, weight = self._minute()
        try:
            with self.sessions() as session:
                found = standing(self._scope(platform), user, session=session)
        except Exception:
            return self.alone.retry_in(platform, user) or int(WINDOW)
        if found is None:
            return 1
        now_hits, before = 0, 0
        if found.bucket >= bucket:
            now_hits, before = found.hits, found.earlier
        elif found.bucket == bucket - 1:
            before = found.hits
        return wait_seconds(self.per_minute, before, now_hits, 1.0 - weight)

    def _minute(self) -> tuple[int, float]:
        """This minute's number, and the share of the minute before that the sliding minute
        ending now still covers."""
        now = self.clock()
        bucket = math.floor(now / WINDOW)
        return bucket, 1.0 - (now - bucket * WINDOW) / WINDOW

    def _scope(self, platform: str) -> str:
        return f"{self.name}:{platform}"

    def _prune_due(self, bucket: int) -> bool:
        with self._lock:
            if self._pruned == bucket:
                return False
            self._pruned = bucket
            return True


def wait_seconds(limit: int, before: int, now_hits: int, into: float) -> int:
    """Whole seconds (at least 1) until one more hit fits under `limit`, `into` (0..1) of the
    way through a minute with `now_hits` so far and `before` in the minute before."""
    if now_hits + 1 <= limit:
        if before <= 0:
            return 1
        # before × (1 − share) + now_hits + 1 ≤ limit, the share growing with time
        share = 1.0 - (limit - 1 - now_hits) / before
        return _whole((share - into) * WINDOW)
    # not before the next minute, where this minute's hits fade as it goes
    later = 1.0 - (limit - 1) / now_hits
    return _whole((1.0 - into + later) * WINDOW)


def _whole(seconds: float) -> int:
    """Seconds rounded up, at least 1 (a float's last digit is no reason to wait a second)."""
    return max(1, math.ceil(round(seconds, 6)))
