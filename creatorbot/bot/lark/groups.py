"""Which of the Lark departments given a role a user is in: the user's departments, asked of
Lark (contact v3 user get) and kept a few minutes."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from creatorbot.bot.lark.api import LarkApi, LarkError
from creatorbot.bot.memberships import MEMBERSHIP_TTL, Kept

logger = logging.getLogger(__name__)


class Departments:
    """The mapped departments a Lark user is directly in (a role given to a department does not
    reach its sub-departments). A user Lark will not describe is in none until it does."""

    def __init__(
        self,
        api: LarkApi,
        *,
        ttl: float = MEMBERSHIP_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api = api
        self.departments: Kept[frozenset[str]] = Kept(self._fetch, ttl=ttl, clock=clock)

    def of(self, user: str, mapped: frozenset[str]) -> frozenset[str]:
        """Which of the `mapped` departments (those with a role) `user` is in."""
        if not user or not mapped:
            return frozenset()
        return mapped & (self.departments.get(user) or frozenset())

    def forget(self) -> None:
        """Ask Lark again on the next look-up (tests; after a change made in Lark)."""
        self.departments.forget()

    def _fetch(self, user: str) -> frozenset[str] | None:
        try:
            return frozenset(self.api.departments_of(user))
        except LarkError as exc:
            logger.warning(
                "user's departments unknown: read as none",
                extra={"user": user, "status": exc.status, "code": exc.code},
            )
            return None
