"""The words people type in English, Italian and Malay, read from `vocabulary.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from creatorbot.commands.parsing import folded

PATH = Path(__file__).with_name("vocabulary.toml")
LANGUAGES = ("en", "it", "ms")


@dataclass(frozen=True)
class Vocabulary:
    """Each table maps a typed form (folded: lower case, no accents) to its English meaning."""

    commands: dict[str, str]
    actions: dict[str, dict[str, str]]  # command (or "any") → form → action
    metrics: dict[str, str]
    options: dict[str, str]
    periods: dict[str, str]  # phrase (with `{n}` for a number) → period kind
    months: dict[str, int]  # month name → 1..12
    raw: dict[str, Any]


def _forms(entry: dict[str, list[str]]) -> list[str]:
    return [folded(form) for language in LANGUAGES for form in entry.get(language, [])]


def _table(section: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    return {form: meaning for meaning, entry in section.items() for form in _forms(entry)}


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary file, read once."""
    raw = tomllib.loads(PATH.read_text(encoding="utf-8"))
    months = {
        folded(name): number
        for language in LANGUAGES
        for number, names in enumerate(raw["months"][language], start=1)
        for name in names
    }
    return Vocabulary(
        commands=_table(raw["commands"]),
        actions={command: _table(table) for command, table in raw["actions"].items()},
        metrics=_table(raw["metrics"]),
        options=_table(raw["options"]),
        periods=_table(raw["periods"]),
        months=months,
        raw=raw,
    )


def command_name(word: str) -> str | None:
    """The command a word names in any language (`classifica` → leaderboard), else None."""
    return vocabulary().commands.get(folded(word))


def command_words() -> list[str]:
    """Every form of every command name (for "did you mean")."""
    return list(vocabulary().commands)


def action(command: str, word: str) -> str | None:
    """The action a command's first word names (`senarai` → list; `aiuto` → help), else None."""
    tables = vocabulary().actions
    key = folded(word)
    return tables.get(command, {}).get(key) or tables["any"].get(key)


def is_export_word(word: str) -> bool:
    """Whether a word asks for a file: `export`, `esporta`, `eksport`."""
    return action("feedback", word) == "export"


def metric(word: str) -> str | None:
    """The metric a word names (`ordini` → orders), else None."""
    return vocabulary().metrics.get(folded(word))


def option(key: str) -> str:
    """The English key of an option key in any language (`categoria` → category); an unknown
    key is given back as written (lower case), for the command to refuse."""
    return vocabulary().options.get(folded(key), key.lower())


def words_of(section: str, meaning: str, language: str) -> list[str]:
    """The forms a meaning has in one language, as the file writes them (for help texts)."""
    table = vocabulary().raw[section]
    entry = table.get(meaning, {})
    return list(entry.get(language, []))


def word_in(section: str, meaning: str, language: str) -> str:
    """How a language writes a meaning, its first form (`tier` → `tahap`), else the meaning."""
    forms = words_of(section, meaning, language)
    return forms[0] if forms else meaning


def action_word(command: str, meaning: str, language: str) -> str:
    """How a language writes a command's action (`snooze` → `rimanda`), else the action."""
    entry = vocabulary().raw["actions"].get(command, {}).get(meaning, {})
    forms = entry.get(language, [])
    return forms[0] if forms else meaning


def meaning_of(section: str, word: str) -> str | None:
    """What a word means in one of the file's smaller sections (`kinds`, `times`, `switches`,
    `roles`, `segments`), in any language: `classifica` → snapshot in `kinds`; else None."""
    return _sections().get(section, {}).get(folded(word))


@cache
def _sections() -> dict[str, dict[str, str]]:
    raw = vocabulary().raw
    return {name: _table(raw[name]) for name in ("kinds", "times", "switches", "roles", "segments")}


def role_word(role: str, language: str) -> str:
    """A role as a language names it (`lettore`, `pemerhati`; cm and am everywhere)."""
    return words_of("roles", role, language)[0]


def forms_of(section: str, meaning: str) -> tuple[str, ...]:
    """Every form of a meaning, in every language, folded and without repeats."""
    entry = vocabulary().raw[section].get(meaning, {})
    return tuple(dict.fromkeys(_forms(entry)))
