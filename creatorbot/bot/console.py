"""The console platform: the same commands at a terminal prompt, answered as text."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from creatorbot.bot.console_buttons import buttons_of, command_of, pressed
from creatorbot.bot.console_form import fill
from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.forms import FormLink
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import File, Image, Reply, Text
from creatorbot.commands.router import Router
from creatorbot.jobs.posting import Target

EXIT_WORDS = {"exit", "quit", ":q"}
_NOT_NAME = re.compile(r"[^a-z0-9]+")


class ConsolePoster:
    """The console's `Poster`: a scheduled post is printed, headed by where it would go."""

    def __init__(self, write: Callable[[str], None] = print) -> None:
        self.write = write

    def post(self, target: Target, reply: Reply, *, key: str) -> str:
        """Print the post; its reference is its ledger key."""
        self.write(f"┌─ post to #{target.channel} · {key}")
        self.write(render(reply))
        self.write("")
        return key

    def find(self, target: Target, key: str) -> str | None:
        """A terminal keeps no history to look in."""
        return None

    def update(self, target: Target, ref: str, reply: Reply) -> None:
        """A printed post cannot change: the new state is printed after it."""
        self.write(f"┌─ {ref} now reads")
        self.write(render(reply))
        self.write("")

    def reply_in_thread(self, target: Target, ref: str, reply: Reply, *, key: str) -> str:
        """Print the answer, headed by the post it answers."""
        self.write(f"┌─ in reply to {ref} · {key}")
        self.write(render(reply))
        self.write("")
        return key

    def user_by_email(self, workspace: str, email: str) -> str | None:
        """A terminal has no directory of people."""
        return None


def ask(router: Router, text: str, locale: str = "en") -> Reply:
    """Answer one command typed by the local operator."""
    return router.handle(CommandRequest(text=text, platform="console", locale=locale))


def save_files(reply: Reply, folder: Path) -> list[Path]:
    """Write the reply's files (exports) into `folder`; the paths written."""
    saved = []
    for block in reply.blocks:
        if isinstance(block, File):
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / Path(block.name).name  # never outside the folder
            path.write_bytes(block.content)
            saved.append(path)
    return saved


def save_charts(reply: Reply, folder: Path) -> list[Path]:
    """Write the reply's charts into `folder` as PNG files named after their titles
    (`chart-gmv-my-17-23-nov.png`); the paths written."""
    saved: list[Path] = []
    for block in reply.blocks:
        if isinstance(block, Image):
            folder.mkdir(parents=True, exist_ok=True)
            folded = unicodedata.normalize("NFKD", block.title).encode("ascii", "ignore")
            stem = "chart-" + _NOT_NAME.sub("-", folded.decode().lower()).strip("-")[:60]
            path = folder / f"{stem.rstrip('-')}.png"
            number = 1
            while path in saved:
                number += 1
                path = folder / f"{stem.rstrip('-')}-{number}.png"
            path.write_bytes(block.png)
            saved.append(path)
    return saved


def show(reply: Reply, exports: Path, lang: Lang | None = None, *, numbered: bool = False) -> str:
    """The reply as the console shows it, with where its files and charts were saved; with
    `numbered`, its buttons carry the numbers that press them (at the shell)."""
    lang = lang or Lang()
    lines = [render(reply, numbered=numbered)]
    lines += [f"Saved {path}" for path in save_files(reply, exports)]
    lines += [lang._("Chart saved as {path}").format(path=p) for p in save_charts(reply, exports)]
    if numbered and buttons_of(reply):
        lines.append(lang._("Type a button's number or its label to press it."))
    return "\n".join(lines)


def press(
    router: Router,
    reply: Reply | None,
    typed: str,
    locale: str = "en",
    read: Callable[[str], str] | None = None,
    write: Callable[[str], None] | None = None,
) -> Reply | None:
    """The answer to a typed button press (`2`, `more`) of the last answer's buttons; None when
    `typed` presses none (it is a command). A form's button asks its fields one by one through
    `read` and `write` (bot/console_form.py), where the console has them."""
    button = pressed(reply, typed)
    if button is None:
        return None
    command = command_of(button)
    if command is None and button.action == "form" and read is not None and write is not None:
        return fill(router, FormLink.parse(button.value), read, write, locale)
    if command is None:
        note = Lang(locale)._("That button opens a form, which only Slack and Lark can show.")
        return Reply((Text(note),), ok=False)
    return ask(router, command, locale)


def shell(
    router: Router,
    history: Path,
    locale: str = "en",
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
) -> None:
    """An interactive prompt with history, until `exit` or end of input."""
    with contextlib.suppress(ImportError):
        import readline

        history.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            readline.read_history_file(history)
        readline.set_history_length(1000)
    write("creatorbot shell — type `help` for commands, `exit` to leave.")
    last: Reply | None = None
    try:
        while True:
            try:
                text = read("creatorbot> ").strip()
            except EOFError:
                write("")
                break
            except KeyboardInterrupt:
                write("")
                continue
            if not text:
                continue
            if text.lower() in EXIT_WORDS:
                break
            reply = press(router, last, text, locale, read, write) or ask(router, text, locale)
            last = reply
            write(show(reply, history.parent / "exports", Lang(locale), numbered=True))
            write("")
    finally:
        with contextlib.suppress(ImportError, OSError):
            import readline

            readline.write_history_file(history)
