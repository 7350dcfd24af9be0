"""A workspace that removes the app or revokes its token: its scheduled posts stop (Slack would
refuse each one) until someone there runs `digest resume`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.slack.convert import PLATFORM
from creatorbot.storage.models import SuspendReason
from creatorbot.storage.subscriptions import suspend_workspace

logger = logging.getLogger(__name__)


class Installs:
    """Listeners for `app_uninstalled` and `tokens_revoked` (Events API)."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], dt.datetime]) -> None:
        self.sessions = sessions
        self.clock = clock

    def on_uninstalled(self, body: dict[str, Any]) -> None:
        """The app was removed from the workspace: Slack revoked its tokens there."""
        self._suspend(body, SuspendReason.UNINSTALLED)

    def on_tokens_revoked(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """Tokens revoked: only the bot's matter (creatorbot holds no user token)."""
        tokens = event.get("tokens")
        if isinstance(tokens, dict) and tokens.get("bot"):
            self._suspend(body, SuspendReason.REVOKED)

    def _suspend(self, body: dict[str, Any], reason: SuspendReason) -> None:
        team = str(body.get("team_id") or "")
        if not team:
            logger.warning("workspace unknown: nothing suspended", extra={"reason": reason.value})
            return
        with self.sessions.begin() as session:
            stopped = suspend_workspace(PLATFORM, team, reason, now=self.clock(), session=session)
        logger.warning(
            "workspace suspended", extra={"team": team, "reason": reason.value, "stopped": stopped}
        )
