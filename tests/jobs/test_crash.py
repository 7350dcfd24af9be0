"""The real `creatorbot jobs tick` against the fake Slack: killed with SIGKILL after k of n channel
posts, for every k, then restarted — every channel ends with exactly one post."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.models import Run, RunStatus, SubscriptionKind
from creatorbot.storage.subscriptions import subscribe
from tests.fakes.slack_api import FakeSlack

CHANNELS = ("C1", "C2", "C3")
DUE = "2026-11-24T01:00:00+00:00"  # 09:00 in Kuala Lumpur
CLI = "from creatorbot.bot.cli import main; raise SystemExit(main())"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo world with three Slack channels subscribed to the MY snapshot."""
    folder = tmp_path_factory.mktemp("world")
    run_cli(folder, "demo-data", "--creators", "200", "--days", "20", "--end", "2026-11-23")
    engine = make_engine(f"sqlite:///{folder / 'creatorbot.sqlite3'}")
    with make_sessionmaker(engine).begin() as session:
        for channel in CHANNELS:
            subscribe(
                platform="slack",
                workspace="T1",
                channel=channel,
                kind=SubscriptionKind.SNAPSHOT,
                market="MY",
                at_time="09:00",
                locale="en",
                created_by="U1",
                now=dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC),
                session=session,
            )
    engine.dispose()
    return folder


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


def environment(folder: Path, slack: FakeSlack | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env["CREATORBOT_DATA_DIR"] = str(folder)
    if slack is not None:
        env |= {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "secret",
            "SLACK_API_URL": slack.api_url,
        }
    return env


def run_cli(folder: Path, *args: str, slack: FakeSlack | None = None) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CLI, *args],
        env=environment(folder, slack),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1, -signal.SIGKILL), done.stderr
    return done.returncode


def tick(folder: Path, slack: FakeSlack, at: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "jobs", "tick", "--at", at],
        env=environment(folder, slack),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("k", range(len(CHANNELS) + 1))
def test_killed_after_k_posts_and_restarted_every_channel_has_one_post(
    k: int, world: Path, tmp_path: Path, slack: FakeSlack
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(world, folder)
    victim: list[subprocess.Popen[str]] = []
    posts = 0

    def kill_at_the_worst_moment(method: str, params: dict[str, object]) -> None:
        # k = 0: killed while uploading the first chart, before any post; k ≥ 1: killed while
        # Slack stores the k-th post, so the post exists but the bot never heard back.
        nonlocal posts
        posts += method == "chat.postMessage"
        first_upload = method == "files.getUploadURLExternal" and k == 0
        if victim and (first_upload or (method == "chat.postMessage" and posts == k)):
            os.kill(victim[0].pid, signal.SIGKILL)
            victim.clear()

    slack.on_call = kill_at_the_worst_moment
    process = tick(folder, slack, DUE)
    victim.append(process)
    assert process.wait(timeout=120) == -signal.SIGKILL
    assert len(slack.posts()) == k

    slack.on_call = None
    restart = tick(folder, slack, "2026-11-24T01:05:00+00:00")
    out, err = restart.communicate(timeout=120)
    assert restart.returncode == 0, err
    # Posts before the k-th were recorded; the k-th went out unrecorded; the rest were claimed.
    assert out.count("recovered") == len(CHANNELS) - max(k - 1, 0)
    assert out.count("was already posted") == min(k, 1)

    for channel in CHANNELS:
        [post] = slack.posts(channel)
        assert "Daily ranking snapshot" in str(post["blocks"])
    engine = make_engine(f"sqlite:///{folder / 'creatorbot.sqlite3'}")
    with make_sessionmaker(engine)() as session:
        statuses = session.scalars(select(Run.status)).all()
    engine.dispose()
    assert statuses == [RunStatus.POSTED] * len(CHANNELS)

    again = tick(folder, slack, "2026-11-24T02:00:00+00:00")
    again.communicate(timeout=120)
    assert len(slack.posts()) == len(CHANNELS)  # and nothing more, ever, for that day
