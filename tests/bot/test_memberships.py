"""Group memberships are kept a few minutes, a failed look-up a shorter while: under a clock the
test moves, against the fake Slack Web API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from creatorbot.bot.memberships import Kept
from creatorbot.bot.slack.groups import UserGroups
from tests.fakes.slack_api import FakeSlack


class Clock:
    """Seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def test_a_value_is_kept_five_minutes_and_a_failure_thirty_seconds() -> None:
    """The durations the docs promise, written out: not read back from the code's constants."""
    clock = Clock()
    answers: list[frozenset[str] | None] = [None, frozenset({"U7"}), frozenset()]
    asked: list[str] = []

    def fetch(key: str) -> frozenset[str] | None:
        asked.append(key)
        return answers[len(asked) - 1]

    kept = Kept(fetch, clock=clock)
    assert kept.get("S1") is None  # failed: asked again after 30 seconds
    clock.now += 30 - 1
    assert kept.get("S1") is None and len(asked) == 1
    clock.now += 2
    assert kept.get("S1") == {"U7"} and len(asked) == 2
    clock.now += 5 * 60 - 1
    assert kept.get("S1") == {"U7"} and len(asked) == 2
    clock.now += 2
    assert kept.get("S1") == frozenset() and len(asked) == 3


def test_someone_removed_from_a_group_leaves_it_when_the_ttl_is_up(fake: FakeSlack) -> None:
    clock = Clock()
    fake.add_group("SCMMY", users=["U7"])
    fake.add_group("SOTHER", users=["U8"])
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    mapped = frozenset({"SCMMY"})
    groups = UserGroups(client, ttl=60, clock=clock)

    assert groups.of("U7", mapped) == {"SCMMY"}
    assert groups.of("U8", mapped) == set()  # SOTHER has no role: never asked about
    fake.set_group_members("SCMMY", [])
    clock.now += 59
    assert groups.of("U7", mapped) == {"SCMMY"}
    clock.now += 2
    assert groups.of("U7", mapped) == set()
    assert [c.params["usergroup"] for c in fake.calls("usergroups.users.list")] == ["SCMMY"] * 2
    assert groups.of("U7", frozenset()) == set() and len(fake.calls("usergroups.users.list")) == 2
