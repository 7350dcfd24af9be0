"""The posting interface jobs speak: post a Reply to a channel, or find one posted before.

Each platform adapter implements `Poster`; jobs never know which platform they post to. A post
carries its ledger key, so after a crash the runner can ask the platform whether the post went
out before it dares to post again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from creatorbot.commands.reply import Reply


@dataclass(frozen=True)
class Target:
    """Where a post goes: a channel of a workspace on a platform, read in `locale`."""

    platform: str
    workspace: str
    channel: str
    locale: str = "en"


class PostFailed(Exception):
    """The platform refused or failed the post; the runner records it and retries later."""


class NotInstalled(PostFailed):
    """The workspace no longer takes the app's posts (uninstalled, token revoked): trying again
    cannot help until someone brings the app back, so the runner stops its posts instead."""


class Poster(Protocol):
    """What a platform adapter provides to jobs."""

    def post(self, target: Target, reply: Reply, *, key: str) -> str:
        """Post `reply` (charts, files and all) and return the message's reference."""
        ...

    def find(self, target: Target, key: str) -> str | None:
        """The reference of a message posted earlier under `key`, if the platform has it."""
        ...

    def update(self, target: Target, ref: str, reply: Reply) -> None:
        """Show `reply` in place of the message `ref` posted, for everyone who sees it."""
        ...

    def reply_in_thread(self, target: Target, ref: str, reply: Reply, *, key: str) -> str:
        """Answer the message `ref` in its thread; the answer's reference."""
        ...

    def user_by_email(self, workspace: str, email: str) -> str | None:
        """The chat user of the workspace with this email; None when there is none. Raises
        PostFailed when the platform cannot say."""
        ...


class Posters:
    """The posters of the platforms this process runs, by platform name."""

    def __init__(self, posters: dict[str, Poster] | None = None) -> None:
        self._posters = dict(posters or {})

    def add(self, platform: str, poster: Poster) -> None:
        """Register a platform's poster."""
        self._posters[platform] = poster

    def for_target(self, target: Target) -> Poster:
        """The poster of the target's platform; PostFailed when this process has none."""
        return self.of(target.platform)

    def of(self, platform: str) -> Poster:
        """The poster of a platform; PostFailed when this process has none."""
        poster = self._posters.get(platform)
        if poster is None:
            raise PostFailed(f"no {platform} connection is configured in this process")
        return poster

    def user_by_email(self, platform: str, workspace: str, email: str) -> str | None:
        """The chat user with this email on a platform (see Poster.user_by_email)."""
        return self.of(platform).user_by_email(workspace, email)
