"""The watched inbox in the running bot: a leader-only scheduler job over CREATORBOT_INBOX."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.app import App

if TYPE_CHECKING:
    from creatorbot.jobs.inbox import Inbox
    from creatorbot.jobs.scheduler import Scheduler

logger = logging.getLogger(__name__)

NOT_SET = (
    "no inbox: set CREATORBOT_INBOX to the folder to import from, or name it: "
    "creatorbot inbox FOLDER"
)


def make_inbox(
    app: App, folder: Path | None = None, sessions: sessionmaker[Session] | None = None
) -> Inbox:
    """The inbox at `folder` (default CREATORBOT_INBOX), its subfolders made; raises OSError when
    it is not a folder."""
    # Here: the import path (pandas) is loaded by a bot that watches an inbox, not by every one.
    from creatorbot.jobs.inbox import Inbox
    from creatorbot.storage.inbox import InboxFolder

    root = folder or app.settings.inbox
    if root is None:
        raise NotADirectoryError(NOT_SET)
    watched = InboxFolder(root)
    watched.prepare()
    return Inbox(
        watched,
        sessions or app.sessions,
        app.services.clock,
        column_map=app.settings.column_map.get("*"),
    )


def check_inbox(app: App) -> None:
    """CREATORBOT_INBOX's folders made (when it is set), before the bot listens; OSError when it
    is not a folder. The inbox itself starts with the scheduler (`start_inbox`)."""
    from creatorbot.storage.inbox import InboxFolder

    if app.settings.inbox is not None:
        InboxFolder(app.settings.inbox).prepare()


def start_inbox(app: App, scheduler: Scheduler) -> None:
    """Poll CREATORBOT_INBOX (when set) every CREATORBOT_INBOX_POLL_SECONDS while this instance
    leads. Imports run without the statement timeout of chat
    answers (a big file's write may rightly take minutes), on connections of their own."""
    if app.settings.inbox is None:
        return
    inbox = make_inbox(app, sessions=app.long_sessions)
    scheduler.every(app.settings.inbox_poll_seconds, "inbox", inbox.poll)
    logger.info(
        "watching the inbox",
        extra={"folder": str(inbox.folder.root), "seconds": app.settings.inbox_poll_seconds},
    )
