"""Every user-facing string is translated into Italian and Malay, with the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import creatorbot
from creatorbot.commands.i18n import LOCALES_DIR, Lang

SOURCE = Path(creatorbot.__file__).parent
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2)}


def source_messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SOURCE), keywords=KEYWORDS, comment_tags=()
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


MESSAGES = source_messages()


def test_the_source_has_messages() -> None:
    assert len(MESSAGES) > 50


@pytest.mark.parametrize("language", ["it", "ms"])
def test_every_message_is_translated(language: str) -> None:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "creatorbot.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    problems = []
    for message in MESSAGES:
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        translations = (
            [] if entry is None else list(entry.string) if entry.pluralizable else [entry.string]
        )
        if not translations or not all(translations):
            problems.append(f"missing: {key!r}")
            continue
        originals = set().union(
            *(fields(m) for m in (message if isinstance(message, tuple) else (message,)))
        )
        for translated in translations:
            if not fields(translated) <= originals:
                problems.append(f"placeholders differ: {key!r} → {translated!r}")
    assert not problems, "\n".join(sorted(problems))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("it", "Classifica GMV · IT · ultimi 7 giorni"), ("ms", "Kedudukan GMV · IT · 7 hari lepas")],
)
def test_catalogs_are_used(language: str, expected: str) -> None:
    lang = Lang(language)
    title = lang._("{metric} leaderboard · {market} · {period}").format(
        metric=lang._("GMV"), market="IT", period=lang.n_("last day", "last {n} days", 7)
    )
    assert title.format(n=7) == expected
