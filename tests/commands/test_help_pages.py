"""`help COMMAND` and `COMMAND help`: the usage, every option with its meaning and three
examples, for every command, in English, Italian and Malay — and the examples work."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import Call, CommandRequest, Services
from creatorbot.commands.i18n import LOCALES_DIR, Lang
from creatorbot.commands.manual import PAGES
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Header, Reply, Table
from creatorbot.commands.router import Router, split_command
from creatorbot.commands.vocabulary import command_name
from tests.commands.conftest import NOW

TITLES = {"en": "Help · {}", "it": "Guida · {}", "ms": "Bantuan · {}"}
HELP = {"en": "help", "it": "aiuto", "ms": "bantuan"}
VOCABULARY = Path(__file__).parents[2] / "creatorbot" / "commands" / "vocabulary.toml"


def written(name: str, language: str) -> str:
    """A command as the help page titles it: the language's word, the English one beside it
    when they differ (read from the vocabulary file itself)."""
    entry = tomllib.loads(VOCABULARY.read_text(encoding="utf-8"))["commands"][name]
    local = entry.get(language, [name])[0]
    return name if local == name else f"{local} ({name})"


def translated(language: str) -> dict[str, str]:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "creatorbot.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    return {m.id: m.string for m in catalog if isinstance(m.id, str) and m.string}


@pytest.mark.parametrize("language", ["it", "ms"])
def test_every_commands_page_is_in_the_catalog(language: str) -> None:
    """A page missing from a language's catalog (its usage, an option's meaning, an example)
    fails here."""
    known = translated(language)
    missing = []
    for name in commands():
        page = PAGES.get(name)
        if page is None:
            missing.append(f"{name}: no page")
            continue
        texts = [page.usage, *page.examples, *(meaning for _, meaning in page.options)]
        missing += [f"{name}: {text!r}" for text in texts if text not in known]
    assert missing == []


def test_every_command_has_a_page_with_three_examples_and_options() -> None:
    assert set(PAGES) == set(commands())
    for name, page in PAGES.items():
        assert len(page.examples) == 3 and len(set(page.examples)) == 3, name
        assert page.options, name


@pytest.mark.parametrize("language", ["en", "it", "ms"])
@pytest.mark.parametrize("name", list(commands()))
def test_help_command_and_command_help_show_the_page(
    reply: Callable[..., Reply], language: str, name: str
) -> None:
    page = PAGES[name]
    lang = Lang(language)
    answer = reply(f"{HELP[language]} {name}", language)
    assert answer.ok
    assert reply(f"{name} {HELP[language]}", language) == answer
    header = next(block for block in answer.blocks if isinstance(block, Header))
    assert header.text == TITLES[language].format(written(name, language))
    table = next(block for block in answer.blocks if isinstance(block, Table))
    assert len(table.rows) == len(page.options)
    assert all(meaning for _, meaning in table.rows)
    text = render(answer)
    assert lang._(page.usage) in text
    for example in page.examples:
        assert f"`{lang._(example)}`" in text


def test_the_page_is_in_the_askers_language_whatever_the_words(
    chat: Callable[..., str],
) -> None:
    assert "Guida · classifica (leaderboard)" in chat("papan bantuan", "it")
    assert "Bantuan · papan (leaderboard)" in chat("help classifica", "ms")
    italian = chat("aiuto classifica", "it")
    assert "Esempi:" in italian and "`classifica gmv 7g IT primi 10`" in italian
    assert "il codice del mercato: IT, MY" in italian


@pytest.mark.parametrize("language", ["en", "it", "ms"])
def test_every_example_reads(sessions: sessionmaker[Session], language: str) -> None:
    """Each language's examples are understood as written (what they then find depends on the
    data: here there is none)."""
    services = Services(sessions=sessions, clock=lambda: NOW)
    router = Router(commands(), services)
    lang = Lang(language)
    for name, page in PAGES.items():
        for example in page.examples:
            text = lang._(example)
            word, arguments = split_command(text)
            command, arguments = router.meant(
                router.commands[command_name(word) or word], arguments
            )
            assert command.name == name, text
            with sessions() as session:
                request = CommandRequest(
                    text=text, platform="slack", locale=language, known_as=("farah@example.com",)
                )
                command.parse(arguments, Call(request, session, services, lang))
