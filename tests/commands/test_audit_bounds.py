"""The audit log at the edges SECURITY.md names: every kind of secret redacted, arguments kept
to 500 characters, `audit` showing the newest 50 entries of the last 7 days by default. Every
bound is written here, not read from the code."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.reply import Table
from creatorbot.storage.models import AuditEntry
from tests.commands.conftest import NOW
from tests.commands.test_audit import logged, router_over, slack


@pytest.mark.parametrize(
    "secret",
    [
        "xoxb-1234567890-abcdefghij",
        "xoxp-1234567890-abcdefghij",
        "xapp-1-A0123-4567-abcdef",
        "t-g1044ghJKLMNOPQRSTUVWXYZ012345",
        "u-7f8e9d0c1b2a3948576a5b4c3d2e1f0a",
        "Zk3q9VbX7mP2sL8dR4tY6wN1cH5jF0gA",  # 32 key-like characters
    ],
)
def test_each_kind_of_token_or_key_is_redacted(
    sessions: sessionmaker[Session], secret: str
) -> None:
    router = router_over(sessions)
    router.handle(slack(f"creator aisyah {secret} MY"))
    (entry,) = logged(sessions)
    assert secret not in entry.arguments
    assert entry.arguments == "aisyah [redacted] MY"


@pytest.mark.parametrize("said", ["secret: s3cr3t!", "api_key=s3cr3t!", "token=s3cr3t!"])
def test_a_named_secret_is_redacted(sessions: sessionmaker[Session], said: str) -> None:
    router = router_over(sessions)
    router.handle(slack(f"creator aisyah {said}"))
    (entry,) = logged(sessions)
    assert "s3cr3t" not in entry.arguments


def test_arguments_are_kept_to_500_characters(sessions: sessionmaker[Session]) -> None:
    router = router_over(sessions)
    words = " ".join(f"h{n:03d}" for n in range(150))  # 749 characters
    router.handle(slack("creator " + words))
    (entry,) = logged(sessions)
    assert len(entry.arguments) == 500
    assert entry.arguments.startswith("h000 h001 ")
    assert entry.arguments.endswith("…")


def entries_at(sessions: sessionmaker[Session], ages: list[dt.timedelta], user: str) -> None:
    with sessions.begin() as session:
        for n, age in enumerate(ages):
            session.add(
                AuditEntry(
                    at=NOW - age,
                    platform="slack",
                    user_id=user,
                    command="creator",
                    arguments=f"n{n:03d}",
                    allowed=True,
                    outcome="answered",
                )
            )


def test_audit_shows_the_newest_50_entries_and_counts_them_all(
    sessions: sessionmaker[Session],
) -> None:
    minutes = [dt.timedelta(minutes=n + 1) for n in range(60)]  # n000 is the newest
    entries_at(sessions, minutes, "U7")
    reply = router_over(sessions).handle(slack("audit U7"))
    text = render(reply)
    assert reply.rows == 50
    assert "n000" in text and "n049" in text
    assert "n050" not in text and "n059" not in text
    (table,) = [block for block in reply.blocks if isinstance(block, Table)]
    assert table.total == 60  # what Slack and Lark show beside the 50: "50 of 60"


def test_audit_reads_the_last_7_days_by_default(sessions: sessionmaker[Session]) -> None:
    week = dt.timedelta(days=7)
    minute = dt.timedelta(minutes=1)
    entries_at(sessions, [dt.timedelta(days=6), week - minute, week + minute], "U7")
    text = render(router_over(sessions).handle(slack("audit U7")))
    assert "the last 7 days" in text
    assert "n000" in text and "n001" in text and "n002" not in text


def test_a_rate_limit_of_0_limits_nobody(sessions: sessionmaker[Session]) -> None:
    router = router_over(sessions, rate_limit_per_minute=0)
    assert all(router.handle(slack("help", user="U8")).ok for _ in range(100))
