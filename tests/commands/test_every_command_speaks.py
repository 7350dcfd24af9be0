"""Every command answers in Italian and Malay, and refuses bad input in the user's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Reply
from creatorbot.storage.demo import DemoSpec, build_world, write_world

EXAMPLES = {name: command.example for name, command in commands().items()}
# Words a user would only see if a string escaped the catalogs.
ENGLISH = (
    "leaderboard ·",
    "Creators ranked",
    "GMV to date",
    "Orders, last",
    "Resource slots",
    "Matchmaking",
    "Feedback report",
    "What it does",
    "No feedback has been logged",
)
BAD = {
    "it": ("Non capisco", "Forse intendevi", "Non esiste", "Non trovo", "Quale"),
    "ms": ("Saya tidak faham", "Adakah maksud anda", "Tiada", "Saya tidak menjumpai", "yang mana"),
}


@pytest.fixture
def demo(sqlite_sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    world = build_world(DemoSpec(creators=200, days=70, seed=3, end=dt.date(2026, 11, 23)))
    with sqlite_sessions.begin() as session:
        write_world(world, session=session)
    return sqlite_sessions


@pytest.fixture
def ask(demo: sessionmaker[Session]) -> Callable[..., Reply]:
    from creatorbot.commands.core import CommandRequest, Services
    from creatorbot.commands.router import Router

    router = Router(commands(), Services(sessions=demo, charts=False))

    def send(text: str, locale: str) -> Reply:
        return router.handle(CommandRequest(text=text, locale=locale))

    return send


def example(name: str) -> str:
    """The command's example from `help` (its campaign slugs exist in a 2026 demo world)."""
    return EXAMPLES[name]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("locale", ["it", "ms"])
def test_every_command_answers_in_the_users_language(
    ask: Callable[..., Reply], name: str, locale: str
) -> None:
    answer = ask(example(name), locale)
    assert answer.ok, render(answer)  # the help examples work on the demo world
    english = render(ask(example(name), "en"))
    translated = render(answer)
    assert translated != english
    leftovers = [phrase for phrase in ENGLISH if phrase in translated]
    assert not leftovers, f"{name} in {locale} still says {leftovers}:\n{translated}"


@pytest.mark.parametrize("name", sorted(set(EXAMPLES) - {"help"}))
@pytest.mark.parametrize("locale", ["it", "ms"])
def test_bad_input_is_refused_in_the_users_language(
    ask: Callable[..., Reply], name: str, locale: str
) -> None:
    answer = ask(f"{name} zzqx-nonsense 99 --", locale)
    assert not answer.ok
    text = render(answer)
    assert any(phrase in text for phrase in BAD[locale]), text
    assert "Traceback" not in text
