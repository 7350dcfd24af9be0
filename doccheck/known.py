"""What the bot knows, read from itself: chat command words, `creatorbot` verbs, slash commands."""

from __future__ import annotations

import argparse
import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from creatorbot.bot.cli import parser
from creatorbot.commands.parsing import folded
from creatorbot.commands.registry import commands
from creatorbot.commands.vocabulary import action, command_name, command_words


@dataclass(frozen=True)
class Verb:
    """A `creatorbot` verb: its options, and the words its first positional accepts (if fixed)."""

    options: frozenset[str]
    choices: frozenset[str] | None


@dataclass(frozen=True)
class Known:
    """Everything a doc may name as a command."""

    verbs: dict[str, Verb]
    top_options: frozenset[str]
    slash: frozenset[str]
    names: frozenset[str]

    def chat(self, word: str) -> str | None:
        """The chat command `word` names, in any of its languages, else None."""
        return folded(word) if folded(word) in self.names else command_name(word)

    def near(self, word: str) -> str | None:
        """The chat command `word` names or is a near miss of (`leaderbord`), else None."""
        forms = [*self.names, *command_words()]
        close = difflib.get_close_matches(folded(word), forms, n=1, cutoff=0.8)
        return self.chat(word) or (self.chat(close[0]) if close else None)

    def action(self, command: str, word: str) -> bool:
        """Whether `word` is one of a chat command's actions (`list`, `senarai`, `ack`…)."""
        return action(command, word) is not None


def _verbs(top: argparse.ArgumentParser) -> dict[str, Verb]:
    found: dict[str, Verb] = {}
    for each in top._actions:
        if isinstance(each, argparse._SubParsersAction):
            for name, sub in each.choices.items():
                positional = [a for a in sub._actions if not a.option_strings]
                first = positional[0].choices if positional else None
                choices = frozenset(str(c) for c in first) if first else None
                found[name] = Verb(frozenset(sub._option_string_actions), choices)
    return found


REPO = Path(__file__).resolve().parents[1]


@cache
def known(root: Path = REPO) -> Known:
    """Read once: the CLI's parser and `manifest.yml`'s slash commands."""
    top = parser()
    manifest = yaml.safe_load((root / "manifest.yml").read_text(encoding="utf-8"))
    slash = {entry["command"] for entry in manifest["features"]["slash_commands"]}
    return Known(
        verbs=_verbs(top),
        top_options=frozenset(top._option_string_actions),
        slash=frozenset(slash),
        names=frozenset(commands()),
    )
