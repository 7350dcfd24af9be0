"""`help`: every command with one line about it and one example."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from creatorbot.commands.core import Call
from creatorbot.commands.reply import Column, Context, Header, Reply, Table


def parse(text: str, call: Call) -> str:
    """`help` takes no arguments; anything after it is ignored."""
    return text


def make_answer(commands: Callable[[], Mapping[str, Any]]) -> Callable[[str, Call], Reply]:
    """The help answer, listing the commands the registry holds."""

    def answer(_query: str, call: Call) -> Reply:
        lang = call.lang
        rows = tuple(
            (command.name, lang._(command.summary), command.example)
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
            ),
            rows=len(rows),
        )

    return answer
