"""The questions kept fast at a million creators answer in a few statements: on PostgreSQL each
statement is a round trip, and they add up to more than the work. Asked twice, the second time
from the caches a process keeps, as a user's second question is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage.ranking.cache import CACHE
from tests.commands.conftest import NOW
from tests.commands.test_portfolio import ADMIN, FARAH, handles_in, world


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database from now on."""
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def asked_twice(router: Router, text: str, sent: list[str]) -> tuple[str, list[str]]:
    """What the console shows for the second asking, and the statements it sent."""
    router.handle(CommandRequest(text=text, user=ADMIN))
    sent.clear()
    said = render(router.handle(CommandRequest(text=text, user=ADMIN)))
    return said, list(sent)


@pytest.fixture
def router(sessions: sessionmaker[Session]) -> Router:
    CACHE.clear()
    world(sessions)
    return Router(commands(), Services(sessions=sessions, clock=lambda: NOW, admins={ADMIN}))


def test_a_portfolio_reads_neither_every_owner_nor_the_same_thing_twice(
    router: Router, statements: list[str]
) -> None:
    said, sent = asked_twice(router, f"portfolio {FARAH} MY", statements)
    assert handles_in(said) == {"far", "quiet", "close", "big"}
    # The markets, the market's state (its days' stamps, tiers and open alerts with it), the
    # shown creators (their running campaigns and latest feedback with them), the audit entry.
    assert len(sent) <= 4, sent
    assert not any("DISTINCT creators.cm" in s for s in sent)


def test_a_segments_leaderboard_reads_its_state_once(router: Router, statements: list[str]) -> None:
    said, sent = asked_twice(router, "leaderboard gmv 30d MY segment:dormant", statements)
    assert handles_in(said) == {"quiet"}
    # The markets, the market's state (latest day and days' stamps with it), the shown
    # creators, the audit entry.
    assert len(sent) <= 4, sent
    assert not any("FROM tiers" in s for s in sent)  # no tier asked: no tier to check


def test_tiers_reads_both_boards_in_few_statements(router: Router, statements: list[str]) -> None:
    said, sent = asked_twice(router, "tiers MY", statements)
    assert "(@close)" in said
    assert len(sent) <= 4, sent
