"""Slack payloads → the neutral CommandRequest, and who the user is (locale, email, name)."""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from creatorbot.commands.core import CommandRequest

logger = logging.getLogger(__name__)

PLATFORM = "slack"
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
PROFILE_TTL = 3600.0  # seconds; a user's language rarely changes within the hour


def command_text(command: str, text: str) -> str:
    """`/leaderboard gmv 7d` → `leaderboard gmv 7d` (the umbrella `/creatorbot` keeps its word)."""
    return f"{command.lstrip('/')} {text}".strip()


def without_mentions(text: str) -> str:
    """A message's text with every `<@U…>` mention removed."""
    return MENTION.sub(" ", text).strip()


@dataclass(frozen=True)
class Profile:
    """What creatorbot uses of a Slack user's profile."""

    locale: str = "en"
    email: str | None = None
    name: str | None = None


class Profiles:
    """Slack profiles looked up once an hour per user (users.info), thread-safe."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._cache: dict[str, tuple[float, Profile]] = {}
        self._lock = threading.Lock()

    def get(self, user_id: str) -> Profile:
        """The user's profile; English and no email when Slack cannot tell."""
        with self._lock:
            cached = self._cache.get(user_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        profile = self._fetch(user_id)
        with self._lock:
            self._cache[user_id] = (time.monotonic() + PROFILE_TTL, profile)
        return profile

    def _fetch(self, user_id: str) -> Profile:
        try:
            user: dict[str, Any] = self.client.users_info(user=user_id, include_locale=True)["user"]
        except (SlackApiError, KeyError, TypeError):
            logger.warning("no Slack profile", extra={"user": user_id})
            return Profile()
        details = user.get("profile") or {}
        return Profile(
            locale=user.get("locale") or "en",
            email=details.get("email"),
            name=details.get("real_name") or user.get("real_name"),
        )


def request(
    text: str, *, user: str, channel: str = "", team: str = "", locale: str = "en"
) -> CommandRequest:
    """The neutral request for a Slack user's command text."""
    return CommandRequest(
        text=text, platform=PLATFORM, workspace=team, channel=channel, user=user, locale=locale
    )
