"""Which of the Slack user groups given a role a user is in: each group's members, asked of
Slack (`usergroups.users.list`, scope `usergroups:read`) and kept a few minutes."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from creatorbot.bot.memberships import MEMBERSHIP_TTL, Kept
from creatorbot.bot.slack.deliver import SLACK_FAILURES

logger = logging.getLogger(__name__)


class UserGroups:
    """The mapped user groups a Slack user is in. A group Slack will not list (an error, no
    scope, a deleted group) has no members until Slack answers again."""

    def __init__(
        self,
        client: WebClient,
        *,
        ttl: float = MEMBERSHIP_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.members: Kept[frozenset[str]] = Kept(self._fetch, ttl=ttl, clock=clock)

    def of(self, user: str, mapped: frozenset[str]) -> frozenset[str]:
        """Which of the `mapped` groups (those with a role) `user` is in."""
        if not user:
            return frozenset()
        return frozenset(g for g in mapped if user in (self.members.get(g) or ()))

    def forget(self) -> None:
        """Ask Slack again on the next look-up (tests; after a change made in Slack)."""
        self.members.forget()

    def _fetch(self, group: str) -> frozenset[str] | None:
        try:
            response = self.client.usergroups_users_list(usergroup=group)
            users = response["users"]
        except (*SLACK_FAILURES, KeyError, TypeError) as exc:
            reason = exc.response.get("error") if isinstance(exc, SlackApiError) else None
            logger.warning(
                "user group members unknown: read as none",
                extra={"group": group, "error": reason or type(exc).__name__},
            )
            return None
        return frozenset(str(user) for user in users or ())
