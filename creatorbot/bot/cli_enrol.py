"""`creatorbot ask "campaign enroll SLUG" --file LIST`: the list read from disk as a file
dropped in chat would be, the same preview, and the command that presses its Enrol button."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from creatorbot.bot.app import App
from creatorbot.bot.console import show
from creatorbot.bot.console_buttons import buttons_of, command_of
from creatorbot.commands import enrol_file
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.i18n import Lang
from creatorbot.commands.imports import Dropped
from creatorbot.storage.staged import TooLarge

ONLY_ENROL = "--file goes with `campaign enroll SLUG`: the list of creators to enrol"


def ask_with_file(app: App, text: str, path: Path, locale: str) -> int:
    """Print the enrolment preview of the list at `path` and how to confirm it; the exit
    code (2 when the command takes no file, or the file cannot be opened)."""
    if not enrol_file.wants_enrolment(text):
        print(f"creatorbot: {ONLY_ENROL}", file=sys.stderr)
        return 2
    try:
        size = path.stat().st_size
    except OSError as exc:
        print(f"creatorbot: {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    request = CommandRequest(text=text, platform="console", locale=locale)
    reply = enrol_file.receive(app.router, request, Dropped(path.name, size, _reader(path)))
    lang = Lang(locale)
    print(show(reply, app.settings.data_dir / "exports", lang))
    for button in buttons_of(reply):
        command = command_of(button)
        if button.action == "run" and command:
            said = lang._('To press “{label}”: creatorbot ask "{command}"')
            print(said.format(label=button.label, command=command))
    return 0 if reply.ok else 1


def _reader(path: Path) -> Callable[[int], bytes]:
    """Read `path`, never more than `limit` bytes: `TooLarge` past it, as a download."""

    def fetch(limit: int) -> bytes:
        with path.open("rb") as handle:
            content = handle.read(limit + 1)
        if len(content) > limit:
            raise TooLarge(f"more than {limit} bytes")
        return content

    return fetch
