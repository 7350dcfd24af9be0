"""A Lark user's language, as their client stated it, outlives a restart of the bot: it is kept
in the database, on SQLite and on PostgreSQL, and read by a process that never saw them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.lark.locales import Locales
from creatorbot.storage.db import make_sessionmaker
from tests.bot.lark_harness import running_lark_bot
from tests.bot.test_lark_language import CREATOR_LINE, dm, menu, shown

NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)


def said(locale: str) -> dict[str, Any]:
    """A message whose user agent states the Lark client's `locale`."""
    return {"user_agent": f"Mozilla/5.0 Lark/7.30.0 LarkLocale/{locale}"}


def fresh(engine: Engine) -> Locales:
    """What a newly started process knows: nothing in memory, the database behind it."""
    return Locales("en", sessions=make_sessionmaker(engine), clock=lambda: NOW)


def test_a_restarted_bot_answers_a_menu_click_in_the_users_language(tmp_path: Path) -> None:
    with running_lark_bot(tmp_path) as first:
        assert CREATOR_LINE["it"] in shown(dm(first, "ou_1", "help", locale="it_IT"))
    # The same database, a new process: the click carries no language of its own.
    with running_lark_bot(tmp_path) as second:
        assert CREATOR_LINE["it"] in shown(menu(second, "ou_1", "help"))
        assert CREATOR_LINE["en"] in shown(menu(second, "ou_7", "help"))  # never seen: default


def test_a_locale_is_kept_across_processes(engine: Engine) -> None:
    fresh(engine).seen("ou_1", said("ms_MY"), "tenant-1")
    assert fresh(engine).of("ou_1", "tenant-1") == "ms_MY"
    assert fresh(engine).of("ou_1") == "ms_MY"  # a click that names no workspace
    assert fresh(engine).of("ou_2", "tenant-1") == "en"


def test_the_latest_language_a_user_shows_wins(engine: Engine) -> None:
    running = fresh(engine)
    running.seen("ou_1", said("it_IT"), "tenant-1")
    running.seen("ou_1", said("en_US"), "tenant-1")
    assert running.of("ou_1", "tenant-1") == "en_US"
    assert fresh(engine).of("ou_1", "tenant-1") == "en_US"


def test_users_of_two_workspaces_are_kept_apart(engine: Engine) -> None:
    fresh(engine).seen("ou_1", said("it_IT"), "tenant-1")
    assert fresh(engine).of("ou_1", "tenant-2") == "en"


class Unreachable(sessionmaker[Session]):
    """A database that is away."""

    def __call__(self, **_: Any) -> Session:
        raise ConnectionError("database away")

    def begin(self) -> Any:
        raise ConnectionError("database away")


def test_a_database_away_costs_the_memory_only() -> None:
    locales = Locales("en", sessions=Unreachable(), clock=lambda: NOW)
    locales.seen("ou_1", said("it_IT"))
    assert locales.of("ou_1") == "it_IT"
    assert locales.of("ou_2") == "en"
