"""`creatorbot inbox`: one pass over the inbox folder for a cron, a line printed per file."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from creatorbot.bot.app import App
from creatorbot.bot.inbox import make_inbox
from creatorbot.jobs.inbox import IMPORTED, RECOVERED

SETTLE_SECONDS = 5.0  # between the two looks at the folder


def run_inbox_once(
    app: App,
    folder: Path | None = None,
    settle: float = SETTLE_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Look at the inbox, wait `settle` seconds, look again and import what did not change;
    prints a line per file. Exit code 0 when everything taken was imported, 1 when a file was
    refused or kept for the database, 2 when there is no inbox."""
    try:
        inbox = make_inbox(app, folder)
    except OSError as exc:
        print(f"creatorbot: {exc}", file=sys.stderr)
        return 2
    handled = inbox.poll()
    sleep(settle)
    handled += inbox.poll()
    for done in handled:
        print(done.said)
    waiting = inbox.waiting()
    for name in waiting:
        print(f"{name}: still being written, left for the next run")
    if not handled and not waiting:
        print(f"Nothing to import in {inbox.folder.root}.")
    return 0 if all(done.outcome in (IMPORTED, RECOVERED) for done in handled) else 1
