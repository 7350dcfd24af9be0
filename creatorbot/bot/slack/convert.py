"""Slack payloads → the neutral CommandRequest, and who the user is (locale, email, name)."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from creatorbot.commands.core import CommandRequest

logger = logging.getLogger(__name__)

PLATFORM = "slack"
LEADING_MENTIONS = re.compile(r"^(?:\s*<@[A-Z0-9]+(?:\|[^>]*)?>)+")
LOOKUP_TTL = 3600.0  # seconds; a user's language or a channel's sharing rarely changes within it
FAILED_TTL = 30.0  # seconds; a look-up Slack failed is asked again soon, not on every command
T = TypeVar("T")


def command_text(command: str, text: str) -> str:
    """`/leaderboard gmv 7d` → `leaderboard gmv 7d` (the umbrella `/creatorbot` keeps its word)."""
    return f"{command.lstrip('/')} {text}".strip()


def command_of_message(text: str) -> str:
    """A message's command: `<@BOT> access grant <@U0123> cm` → `access grant <@U0123> cm`.
    The leading mentions (the bot's) go; mentions inside the command are its arguments."""
    return LEADING_MENTIONS.sub("", text).strip()


@dataclass(frozen=True)
class Profile:
    """What creatorbot uses of a Slack user's profile."""

    locale: str = "en"
    email: str | None = None
    name: str | None = None


class _Remembered(Generic[T]):
    """Values looked up once an hour per key; a failed look-up (`fetch` gives None) is kept
    FAILED_TTL only, so one error from Slack does not stand for the hour. Thread-safe."""

    def __init__(self, fetch: Callable[[str], T | None]) -> None:
        self.fetch = fetch
        self._cache: dict[str, tuple[float, T | None]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> T | None:
        with self._lock:
            cached = self._cache.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        value = self.fetch(key)
        ttl = LOOKUP_TTL if value is not None else FAILED_TTL
        with self._lock:
            self._cache[key] = (time.monotonic() + ttl, value)
        return value

    def known(self, key: str) -> T | None:
        """The value if it was looked up within the hour, else None: never a lookup."""
        with self._lock:
            cached = self._cache.get(key)
        return cached[1] if cached and cached[0] > time.monotonic() else None


class Profiles:
    """Slack profiles looked up once an hour per user (users.info); after a failed look-up,
    again 30 seconds later."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._remembered = _Remembered(self._fetch)

    def get(self, user_id: str) -> Profile:
        """The user's profile; English and no email when Slack cannot tell."""
        return self._remembered.get(user_id) or Profile()

    def known(self, user_id: str) -> Profile | None:
        """The user's profile if it was looked up within the hour; None rather than a wait."""
        return self._remembered.known(user_id)

    def _fetch(self, user_id: str) -> Profile | None:
        try:
            user: dict[str, Any] = self.client.users_info(user=user_id, include_locale=True)["user"]
        except (SlackApiError, KeyError, TypeError):
            logger.warning("no Slack profile", extra={"user": user_id})
            return None
        details = user.get("profile") or {}
        return Profile(
            locale=user.get("locale") or "en",
            email=details.get("email"),
            name=details.get("real_name") or user.get("real_name"),
        )


class Channels:
    """Whether a channel is shared with another organisation (Slack Connect), looked up once an
    hour per channel (conversations.info); after a failed look-up, again 30 seconds later."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._remembered = _Remembered(self._fetch)

    def external(self, channel_id: str) -> bool:
        """True for a Slack Connect channel, and for one Slack will not describe: public posts
        there are refused rather than risked. Direct messages are never external."""
        if not channel_id or channel_id.startswith("D"):
            return False
        shared = self._remembered.get(channel_id)
        return True if shared is None else shared

    def _fetch(self, channel_id: str) -> bool | None:
        try:
            channel: dict[str, Any] = self.client.conversations_info(channel=channel_id)["channel"]
        except (SlackApiError, KeyError, TypeError):
            logger.warning("channel not described", extra={"channel": channel_id})
            return None
        return bool(channel.get("is_ext_shared") or channel.get("is_pending_ext_shared"))


def request(
    text: str,
    *,
    user: str,
    channel: str = "",
    team: str = "",
    locale: str = "en",
    external: bool = False,
    public: bool = False,
    member_of: Callable[[frozenset[str]], frozenset[str]] | None = None,
    known_as: tuple[str, ...] = (),
) -> CommandRequest:
    """The neutral request for a Slack user's command text; `member_of`: which of the user
    groups with a role the user is in."""
    return CommandRequest(
        text=text,
        platform=PLATFORM,
        workspace=team,
        channel=channel,
        user=user,
        locale=locale,
        external=external,
        public=public,
        member_of=member_of,
        known_as=known_as,
    )
