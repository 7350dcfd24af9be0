"""The console platform: the same commands at a terminal prompt, answered as text."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.reply import File, Reply
from creatorbot.commands.router import Router
from creatorbot.jobs.posting import Target

EXIT_WORDS = {"exit", "quit", ":q"}


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


def show(reply: Reply, exports: Path) -> str:
    """The reply as the console shows it, with where its files were saved."""
    lines = [render(reply)]
    lines += [f"Saved {path}" for path in save_files(reply, exports)]
    return "\n".join(lines)


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
            write(show(ask(router, text, locale), history.parent / "exports"))
            write("")
    finally:
        with contextlib.suppress(ImportError, OSError):
            import readline

            readline.write_history_file(history)
