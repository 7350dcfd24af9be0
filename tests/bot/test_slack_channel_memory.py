"""Slack's answer about whether a channel is shared is remembered for an hour per process
(SECURITY.md): a channel shared with another organisation meanwhile counts as shared within the
hour after the last look-up, not later. The hour is written here, not read from the code."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

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
