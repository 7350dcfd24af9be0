"""Conversational fixtures for commands: `chat("leaderboard gmv 7d MY")` gives what a user sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Reply
from creatorbot.commands.router import Router
from creatorbot.storage import writer

NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)


@pytest.fixture
def router(sessions: sessionmaker[Session]) -> Router:
    """The real router over the test database, with the clock frozen at NOW."""
    return Router(commands(), Services(sessions=sessions, clock=lambda: NOW))


@pytest.fixture
def reply(router: Router) -> Callable[..., Reply]:
    """Send a command, get the Reply."""

    def send(text: str, locale: str = "en", user: str = "tester") -> Reply:
        return router.handle(CommandRequest(text=text, user=user, locale=locale))

    return send


@pytest.fixture
def chat(reply: Callable[..., Reply]) -> Callable[..., str]:
    """Send a command, get the text a console user would read."""

    def send(text: str, locale: str = "en") -> str:
        return render(reply(text, locale))

    return send


def creator_row(handle: str, market: str = "MY", **extra: Any) -> dict[str, Any]:
    """A creators row with sensible defaults."""
    row = {
        "market": market,
        "handle": handle,
        "display_name": handle.title(),
        "tier": "gold",
        "category": "beauty",
        "followers": 1000,
        "cm": "Farah",
        "am": "Daniel",
        "joined_on": dt.date(2025, 1, 1),
    }
    row.update(extra)
    return row


def metric_row(day: dt.date, handle: str, gmv: int, market: str = "MY", **extra: Any) -> dict:
    """A daily_metrics row; gmv in minor units, the other metrics derived unless given."""
    row = {
        "date": day,
        "market": market,
        "handle": handle,
        "gmv": gmv,
        "orders": gmv // 5000,
        "items_sold": gmv // 4000,
        "live_gmv": gmv // 2,
        "video_gmv": gmv - gmv // 2,
        "live_sessions": 1,
        "live_minutes": 60,
        "video_posts": 1,
        "video_views": 100,
        "new_followers": 3,
    }
    row.update(extra)
    return row


def seed(
    sessions: sessionmaker[Session],
    creators: list[dict[str, Any]],
    metrics: list[dict[str, Any]],
    campaigns: list[dict[str, Any]] | None = None,
    enrollments: list[dict[str, Any]] | None = None,
) -> None:
    """Write rows through the product's own write path, in one transaction."""
    with sessions.begin() as session:
        writer.write_creators(pd.DataFrame(creators), session=session)
        if metrics:
            writer.write_daily_metrics(pd.DataFrame(metrics), session=session)
        if campaigns:
            writer.write_campaigns(pd.DataFrame(campaigns), session=session)
        if enrollments:
            writer.write_enrollments(pd.DataFrame(enrollments), session=session)
