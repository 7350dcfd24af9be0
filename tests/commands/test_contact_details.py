"""Creators' email and phone are stored, never shown and never exported: every answer and every
file that names a creator, asked by the operator who may see everything, is free of them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.reply import File, Reply
from tests.commands.conftest import creator_row, metric_row, seed

END = dt.date(2026, 11, 23)  # the latest day with data; the test clock says 24 Nov
EMAIL = "amir.private@contact.test"
PHONE = "+60 19-876 5432"
ASKED = [
    "creator amir",
    'creator "Amir"',
    "leaderboard gmv 7d MY",
    "campaign my-payday",
    "campaign list MY",
    "match beauty MY",
    "match beauty MY export",
    "snapshot MY",
    "alerts MY",
    "feedback report",
    "feedback export",
]
NAMING = {  # answers that must name amir, so that the sweep reads real answers
    "creator amir",
    "leaderboard gmv 7d MY",
    "match beauty MY export",
    "snapshot MY",
}


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> None:
    creators = [
        creator_row("amir", email=EMAIL, phone=PHONE),
        creator_row("bella", email="bella.private@contact.test", phone="+60 11-222 3333"),
    ]
    metrics = [
        metric_row(END - dt.timedelta(days=o), h, g + o)
        for o in range(40)
        for h, g in {"amir": 11_111, "bella": 22_222}.items()
    ]
    campaign = {
        "slug": "my-payday",
        "name": "Payday",
        "market": "MY",
        "kind": "incentive",
        "starts_on": END - dt.timedelta(days=9),
        "ends_on": END + dt.timedelta(days=4),
        "metric": "gmv",
        "gmv_target": 2_000_000,
        "creator_target": 5,
        "reward_tiers": [(100_000, 5_000)],
    }
    enrolled = [
        {"campaign": "my-payday", "handle": h, "enrolled_on": END - dt.timedelta(days=12)}
        for h in ("amir", "bella")
    ]
    seed(sessions, creators, metrics, [campaign], enrolled)


def everything_in(answer: Reply) -> str:
    """The answer as read, and every file it carries (XLSX unpacked to its XML)."""
    parts = [render(answer)]
    for block in answer.blocks:
        if isinstance(block, File):
            if block.name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(block.content)) as archive:
                    parts += [
                        archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                    ]
            else:
                parts.append(block.content.decode("utf-8-sig", "replace"))
    return "\n".join(parts)


def test_no_answer_or_export_holds_a_creators_email_or_phone(
    world: None, reply: Callable[..., Reply]
) -> None:
    answers = {text: everything_in(reply(text)) for text in ASKED}
    for text, seen in answers.items():
        for detail in ("private@contact.test", "876 5432", "8765432", "222 3333"):
            assert detail not in seen, (text, detail)
    assert [text for text in NAMING if "amir" not in answers[text].lower()] == []
    files = [text for text in ASKED if any(isinstance(b, File) for b in reply(text).blocks)]
    assert files == ["match beauty MY export"]
