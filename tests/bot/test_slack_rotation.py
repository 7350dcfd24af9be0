"""Rotating the Slack signing secret without downtime: while the previous secret is configured,
requests signed with it or with the new one are accepted; any other secret is refused."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from creatorbot.bot.app import build
from creatorbot.bot.http import HttpRequest
from creatorbot.bot.metrics import Metrics
from creatorbot.bot.settings import Settings
from creatorbot.bot.slack.adapter import PATH, SlackPlatform
from tests.bot.world import NOW, seed_world
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import signed_headers, slash_command

OLD = "old-signing-secret"
NEW = "new-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_user("U1", locale="en-US")
        yield fake


def platform(tmp_path: Path, fake: FakeSlack, previous: str | None) -> Iterator[SlackPlatform]:
    app = build(
        Settings(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.sqlite3'}", _env_file=None),
        clock=lambda: NOW,
    )
    seed_world(app)
    pool = ThreadPoolExecutor(4)
    try:
        yield SlackPlatform(
            token="xoxb-test",
            signing_secret=NEW,
            previous_signing_secret=previous,
            api_url=fake.api_url,
            router=app.router,
            pool=pool,
            metrics=Metrics(),
            sessions=app.sessions,
            clock=lambda: NOW,
        )
    finally:
        pool.shutdown(wait=True)
        app.close()


@pytest.fixture
def rotating(tmp_path: Path, fake: FakeSlack) -> Iterator[SlackPlatform]:
    """The bot mid-rotation: SLACK_SIGNING_SECRET is the new secret, the old one still set."""
    yield from platform(tmp_path, fake, previous=OLD)


@pytest.fixture
def rotated(tmp_path: Path, fake: FakeSlack) -> Iterator[SlackPlatform]:
    """The bot after the rotation: the previous secret removed."""
    yield from platform(tmp_path, fake, previous=None)


def send(slack: SlackPlatform, fake: FakeSlack, secret: str, **options: Any) -> tuple[int, str]:
    """A slash command signed with `secret`; its status and the response_url it answers on."""
    url = fake.response_url(secret)
    body = slash_command("/leaderboard", "gmv 7d MY", response_url=url)
    headers = signed_headers(body, secret, **options)
    response = slack.handle_http(HttpRequest("POST", PATH, "", headers, body))
    return response.status, url


@pytest.mark.parametrize("secret", [OLD, NEW])
def test_either_secret_is_accepted_during_a_rotation(
    rotating: SlackPlatform, fake: FakeSlack, secret: str
) -> None:
    status, url = send(rotating, fake, secret)
    assert status == 200
    fake.wait_for(lambda: len(fake.responses(url)) == 1)
    assert "RM1,750.00" in str(fake.responses(url)[0]["blocks"])


def test_a_third_secret_is_refused_and_reaches_no_handler(
    rotating: SlackPlatform, fake: FakeSlack
) -> None:
    status, url = send(rotating, fake, "someone-elses-secret")
    assert status == 401
    time.sleep(0.3)
    assert fake.calls() == []


@pytest.mark.parametrize(
    "options",
    [
        {"timestamp": "yesterday"},
        {"timestamp": ""},
        {"timestamp": 0},  # signed with the old secret, but far outside the 5-minute window
    ],
)
def test_the_old_secret_does_not_relax_the_timestamp_checks(
    rotating: SlackPlatform, fake: FakeSlack, options: dict[str, Any]
) -> None:
    status, _url = send(rotating, fake, OLD, **options)
    assert status == 401


def test_once_the_previous_secret_is_removed_it_is_refused(
    rotated: SlackPlatform, fake: FakeSlack
) -> None:
    assert send(rotated, fake, OLD)[0] == 401
    assert send(rotated, fake, NEW)[0] == 200


def test_answering_on_slack_leaves_the_bots_log_levels_alone(
    rotated: SlackPlatform, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bolt sets the level of the logger it is named after to the root's, at every request:
    # named after the bot's own package, it froze every creatorbot.* logger at the level of
    # that moment, so a later LOG_LEVEL (or the CLI's quieter level for `sync`) no longer
    # applied to them.
    ours = logging.getLogger("creatorbot")
    monkeypatch.setattr(ours, "level", logging.NOTSET)
    monkeypatch.setattr(logging.getLogger(), "level", logging.INFO)
    status, url = send(rotated, fake, NEW)
    assert status == 200
    fake.wait_for(lambda: len(fake.responses(url)) == 1)
    assert ours.level == logging.NOTSET
