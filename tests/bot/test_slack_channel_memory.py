"""Slack's answer about whether a channel is shared is remembered for an hour per process
(SECURITY.md): a channel shared with another organisation meanwhile counts as shared within the
hour after the last look-up, not later. A look-up Slack failed (a channel, a profile) is tried
again after 30 seconds. The durations are written here, not read from the code."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from creatorbot.bot.slack import convert


class SlackStub:
    """`conversations.info` for one channel whose sharing the test changes."""

    def __init__(self) -> None:
        self.shared = False
        self.asked = 0

    def conversations_info(self, channel: str) -> dict[str, Any]:
        self.asked += 1
        return {"channel": {"id": channel, "is_ext_shared": self.shared}}


def test_a_channel_shared_meanwhile_counts_as_shared_once_the_hour_is_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1_000.0]
    monkeypatch.setattr(convert, "time", SimpleNamespace(monotonic=lambda: now[0]))
    slack = SlackStub()
    channels = convert.Channels(slack)  # type: ignore[arg-type]
    assert channels.external("C1") is False
    slack.shared = True
    now[0] += 3600 - 60
    assert channels.external("C1") is False  # remembered: asked once
    assert slack.asked == 1
    now[0] += 2 * 60
    assert channels.external("C1") is True
    assert slack.asked == 2


class UnsureSlack:
    """`conversations.info` and `users.info` that fail while `down`, as Slack does in an
    incident (a 500), and answer an internal channel and an Italian profile otherwise."""

    def __init__(self) -> None:
        self.down = True
        self.asked: list[str] = []

    def _refuse(self, method: str) -> None:
        self.asked.append(method)
        if self.down:
            raise SlackApiError("internal_error", SlackResponseStub(500, "internal_error"))

    def conversations_info(self, channel: str) -> dict[str, Any]:
        self._refuse("conversations.info")
        return {"channel": {"id": channel, "is_ext_shared": False}}

    def users_info(self, user: str, include_locale: bool) -> dict[str, Any]:
        self._refuse("users.info")
        profile = {"email": "marco@example.com", "real_name": "Marco Bianchi"}
        return {"user": {"id": user, "locale": "it-IT", "profile": profile}}


class SlackResponseStub(dict[str, Any]):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(ok=False, error=error)
        self.status_code = status


FAILED_KEPT = 30  # seconds a failed look-up is kept, as a group membership's (access.md)


def test_a_channel_slack_would_not_describe_is_asked_about_again_within_a_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1_000.0]
    monkeypatch.setattr(convert, "time", SimpleNamespace(monotonic=lambda: now[0]))
    slack = UnsureSlack()
    channels = convert.Channels(slack)  # type: ignore[arg-type]
    assert channels.external("C1") is True  # not described: no public post risked
    slack.down = False
    now[0] += FAILED_KEPT - 1
    assert channels.external("C1") is True
    assert slack.asked == ["conversations.info"]  # not asked on every command meanwhile
    now[0] += 2
    assert channels.external("C1") is False
    now[0] += 3600 - 60
    assert channels.external("C1") is False
    assert len(slack.asked) == 2  # the answer is kept the hour


def test_a_profile_slack_would_not_give_is_english_and_asked_for_again_within_a_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1_000.0]
    monkeypatch.setattr(convert, "time", SimpleNamespace(monotonic=lambda: now[0]))
    slack = UnsureSlack()
    profiles = convert.Profiles(slack)  # type: ignore[arg-type]
    assert profiles.get("U2") == convert.Profile()  # English, no email
    slack.down = False
    now[0] += FAILED_KEPT - 1
    assert profiles.get("U2").locale == "en"
    assert slack.asked == ["users.info"]
    now[0] += 2
    assert profiles.get("U2") == convert.Profile("it-IT", "marco@example.com", "Marco Bianchi")
    assert profiles.known("U2") == profiles.get("U2")
    assert len(slack.asked) == 2
