"""Run the checks over README.md and docs/*.md, examples answered by the real router."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from doccheck.commands import Asker, unknown_commands
from doccheck.links import broken_links, stale_mentions
from doccheck.markdown import Page, read

# What the router answers to a command it does not know or words it does not understand, and
# its apology when a command fails on its own side; an incomplete command adds its usage line.
NOT_UNDERSTOOD = (
    "There is no command",
    "I don't understand",
    "I don't know the option",
    "Something went wrong on our side",
)
INCOMPLETE = "Usage:"


def documents(root: Path) -> list[Path]:
    """The front door and every page under docs/."""
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def check(root: Path, ask: Asker, files: list[Path] | None = None) -> list[str]:
    """Every problem found, one line each (`file:line: what`); none means the docs are right."""
    pages: dict[Path, Page] = {path.resolve(): read(path) for path in files or documents(root)}
    root = root.resolve()
    problems = broken_links(pages, root) + stale_mentions(root)
    problems += unknown_commands(pages, root, ask)
    return sorted(problems, key=_place)


def _place(problem: str) -> tuple[str, int]:
    file, line, _ = problem.split(":", 2)
    return file, int(line)


def asker(sessions: sessionmaker[Session]) -> Asker:
    """Ask the real router, as the console operator (an admin), in English; a command refused
    as unknown, not understood, failing or (strict) incomplete is a problem, "no data" is not."""
    from creatorbot.bot.render_text import render
    from creatorbot.commands.core import CommandRequest, Services
    from creatorbot.commands.registry import commands
    from creatorbot.commands.router import Router

    router = Router(commands(), Services(sessions=sessions, charts=False, rate_limit_per_minute=0))

    def ask(text: str, strict: bool) -> str:
        reply = router.handle(CommandRequest(text=text, platform="console", locale="en"))
        said = render(reply)
        markers = (*NOT_UNDERSTOOD, INCOMPLETE) if strict else NOT_UNDERSTOOD
        if reply.ok or not any(marker in said for marker in markers):
            return ""
        return "the bot answers: " + " ".join(said.split())

    return ask


@contextmanager
def empty_database() -> Iterator[sessionmaker[Session]]:
    """A migrated SQLite database in a temporary folder, removed afterwards."""
    from creatorbot.storage.db import make_engine, make_sessionmaker, upgrade

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/docs.sqlite3")
        upgrade(engine)
        try:
            yield make_sessionmaker(engine)
        finally:
            engine.dispose()
