"""`help`: every command with one line about it and one example; `help COMMAND` its manual."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from creatorbot.commands.core import Call
from creatorbot.commands.manual import PAGES
from creatorbot.commands.reply import Column, Context, Fields, Header, Reply, Table, Text
from creatorbot.commands.vocabulary import command_name, words_of


def parse(text: str, call: Call) -> str:
    """The command asked about, if the first word names one (in any language), else ""."""
    first = text.strip().split(" ")[0].lstrip("/")
    return command_name(first) or (first.lower() if first.lower() in PAGES else "")


def make_answer(commands: Callable[[], Mapping[str, Any]]) -> Callable[[str, Call], Reply]:
    """The help answer, listing the commands the registry holds."""

    def answer(query: str, call: Call) -> Reply:
        if query in commands() and query in PAGES:
            return page(query, commands()[query].summary, call)
        lang = call.lang
        rows = tuple(
            (
                local_name(command.name, lang.language),
                lang._(command.summary),
                lang._(command.example),
            )
            for command in commands().values()
        )
        table = Table(
            (Column(lang._("Command")), Column(lang._("What it does")), Column(lang._("Example"))),
            rows,
        )
        return Reply(
            (
                Header(lang._("creatorbot commands")),
                table,
                Context(lang._("Words can come in any order. Money is in the market's currency.")),
                Context(lang._("`help COMMAND` shows a command's options and examples.")),
            ),
            rows=len(rows),
        )

    return answer


def local_name(name: str, language: str) -> str:
    """A command's name as the language writes it, with the English one beside it when they
    differ (`classifica (leaderboard)`)."""
    local = words_of("commands", name, language)[:1]
    return f"{local[0]} ({name})" if local and local[0] != name else name


def page(name: str, summary: str, call: Call) -> Reply:
    """One command's manual in the asker's language: usage, options, three examples."""
    lang = call.lang
    manual = PAGES[name]
    markets = ", ".join(call.markets()) or "—"
    options = tuple(
        (lang._(term), lang._(meaning).format(markets=markets)) for term, meaning in manual.options
    )
    blocks: list[Any] = [
        Header(lang._("Help · {command}").format(command=local_name(name, lang.language))),
        Text(lang._(summary)),
        Fields(((lang._("Usage"), f"`{lang._(manual.usage)}`"),)),
        Table((Column(lang._("Option")), Column(lang._("Meaning"))), options),
        Text(
            lang._("Examples:")
            + "\n"
            + "\n".join(f"`{lang._(example)}`" for example in manual.examples)
        ),
    ]
    names = [word for word in words_of("commands", name, lang.language) if word != name]
    if names:
        blocks.append(
            Context(lang._("You can also write: {words}.").format(words=", ".join(names)))
        )
    blocks.append(Context(lang._("Words can come in any order, in English, Italian or Malay.")))
    return Reply(tuple(blocks), rows=len(options))
