"""Scheduled posts over bad rows, through the real job runner and the fake Slack: a poisoned
campaign is posted about like any other, and a section that cannot be built is one line in the
channel's language while the rest of the post goes out."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import update

from creatorbot.bot.app import App
from creatorbot.bot.serve import wire
from creatorbot.bot.slack.poster import slack_poster
from creatorbot.commands import snapshot
from creatorbot.storage import writer
from creatorbot.storage.demo import World
from creatorbot.storage.models import Campaign, SubscriptionKind
from creatorbot.storage.subscriptions import subscribe
from tests.bot.world import job_runner
from tests.commands.hostile import CAMPAIGN_HEADER, NOW, demo_app, import_rows
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def bot(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[App, World]]:
    app, world = demo_app(tmp_path / "bot.sqlite3", sqlite_template)
    yield app, world
    app.close()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def subscribed(app: App, channel: str, locale: str) -> None:
    """`channel` gets MY's snapshot at 09:00 (due at NOW, 09:30 in Kuala Lumpur)."""
    with app.sessions.begin() as session:
        subscribe(
            platform="slack",
            workspace="T1",
            channel=channel,
            kind=SubscriptionKind.SNAPSHOT,
            market="MY",
            at_time="09:00",
            locale=locale,
            created_by="U1",
            now=NOW - dt.timedelta(days=1),
            session=session,
        )


def posted(slack: FakeSlack, channel: str) -> str:
    [post] = slack.posts(channel)
    return json.dumps(post.get("blocks"), ensure_ascii=False) + str(post.get("text"))


def test_a_snapshot_with_a_poisoned_campaign_is_posted_with_every_section(
    bot: tuple[App, World], slack: FakeSlack, tmp_path: Path
) -> None:
    app, world = bot
    # A GMV target of 0 and a window of centuries, both stored before the import refused them.
    sale = ["zero-sale", "Zero Sale", "MY", "mega_sale", "2026-11-10", "2026-11-30", "gmv"]
    code, out = import_rows(app, tmp_path, "campaigns", CAMPAIGN_HEADER, [[*sale, "", "", ""]])
    assert code == 0, out
    with app.sessions.begin() as session:
        session.execute(update(Campaign).where(Campaign.slug == "zero-sale").values(gmv_target=0))
    ages = {
        "slug": "ages",
        "name": "Race of Ages",
        "market": "MY",
        "kind": "competition",
        "starts_on": dt.date(1900, 1, 1),
        "ends_on": dt.date(2999, 12, 31),
        "metric": "live_gmv",
        "gmv_target": 0,
        "creator_target": None,
        "reward_tiers": [],
    }
    handles = sorted(world.creators.loc[world.creators["market"] == "MY", "handle"])[:4]
    enrolled = [
        {"campaign": slug, "handle": handle, "enrolled_on": dt.date(2026, 11, 1)}
        for slug in ("zero-sale", "ages")
        for handle in handles
    ]
    with app.sessions.begin() as session:
        writer.write_campaigns(pd.DataFrame([ages]), session=session)
        writer.write_enrollments(pd.DataFrame(enrolled), session=session)
    subscribed(app, "C1", "en")
    runner = job_runner(app, {"slack": slack_poster("xoxb-test", slack.api_url)})
    report = runner.tick(NOW)
    assert not report.failed
    text = posted(slack, "C1")
    for section in ("GMV leaderboard", "Biggest climbers", "Biggest fallers"):
        assert section in text
    assert "Race of Ages" in text and "Zero Sale" in text and "GMV to date" in text
    assert "Of target" not in text
    assert "not available" not in text


def test_a_section_that_fails_is_one_line_in_the_channels_language_and_the_rest_is_posted(
    bot: tuple[App, World],
    slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, _world = bot

    def broken(*_args: object) -> list[object]:
        raise ArithmeticError("a movers table that cannot be built")

    monkeypatch.setattr(snapshot, "_movers", broken)
    subscribed(app, "C1", "it")
    subscribed(app, "C2", "ms")
    running = wire(app)  # the metrics a running bot serves
    try:
        runner = job_runner(app, {"slack": slack_poster("xoxb-test", slack.api_url)})
        with caplog.at_level(logging.ERROR):
            report = runner.tick(NOW)
        assert not report.failed
        italian, malay = posted(slack, "C1"), posted(slack, "C2")
        assert "Chi sale e chi scende: non disponibile stavolta" in italian
        assert "Naik dan turun: tidak tersedia kali ini" in malay
        assert "Classifica GMV" in italian  # the leaderboard is there all the same
        failures = [r for r in caplog.records if r.getMessage() == "part failed"]
        assert sorted(getattr(r, "channel", None) for r in failures) == ["C1", "C2"]
        assert {getattr(r, "part", None) for r in failures} == {"movers"}
        exposed = running.metrics.render().decode()
        assert 'creatorbot_errors_total{platform="slack",stage="part"} 2.0' in exposed
    finally:
        running.close()
