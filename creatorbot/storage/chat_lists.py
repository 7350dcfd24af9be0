"""A list file and its `campaign enroll SLUG` sent as two messages, in either order: the files
a user sent in a chat (by reference, no bytes), and commands waiting for their file; each is
good for WINDOW, kept in the staged files' table and forgotten with them after a day."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from creatorbot.storage import staged
from creatorbot.storage.models import StagedFile

WINDOW = dt.timedelta(minutes=10)  # how far apart the file and its command may be sent
SEEN_PER_USER = 10  # files remembered per person; another drops their oldest
WAITING_PER_USER = 5  # commands waiting per person, across their chats
TAKEN = "taken"  # the state of a waiting command once a file answered it


@dataclass(frozen=True)
class SeenFile:
    """A file a user sent in a chat: its name, and what the platform needs to fetch it."""

    name: str
    ref: dict[str, Any]
    created_at: dt.datetime


def seen(
    *,
    platform: str,
    workspace: str,
    user: str,
    chat: str,
    name: str,
    ref: dict[str, Any],
    now: dt.datetime,
    session: Session,
) -> None:
    """Remember that `user` sent the file `name` in `chat` now."""
    content = json.dumps({"chat": chat, "ref": ref}).encode()
    row = _row(platform, workspace, user, name, staged.SEEN, content, now)
    staged.add(row, StagedFile.kind == staged.SEEN, SEEN_PER_USER, now=now, session=session)


def recent(
    *, platform: str, user: str, chat: str, now: dt.datetime, session: Session
) -> list[SeenFile]:
    """The files `user` sent in `chat` within WINDOW, the latest first."""
    rows = _mine(platform, user, chat, staged.SEEN, now, session)
    return [SeenFile(r.filename, dict(kept.get("ref") or {}), r.created_at) for r, kept in rows]


def wait(
    *,
    platform: str,
    workspace: str,
    user: str,
    chat: str,
    text: str,
    now: dt.datetime,
    session: Session,
) -> None:
    """`text` (`campaign enroll SLUG`) waits for `user`'s next file in `chat`; it replaces any
    command of theirs already waiting there."""
    earlier = [r.id for r, _ in _mine(platform, user, chat, staged.AWAITING, now, session)]
    if earlier:
        session.execute(delete(StagedFile).where(StagedFile.id.in_(earlier)))
    content = json.dumps({"chat": chat, "text": text}).encode()
    row = _row(platform, workspace, user, text, staged.AWAITING, content, now)
    staged.add(row, StagedFile.kind == staged.AWAITING, WAITING_PER_USER, now=now, session=session)


def take_wait(
    *, platform: str, user: str, chat: str, now: dt.datetime, session: Session
) -> str | None:
    """The command waiting for `user`'s file in `chat`, taken (once: of two files at once, or
    two replicas, one gets it); None when none waits there within WINDOW."""
    for row, kept in _mine(platform, user, chat, staged.AWAITING, now, session):
        taken = session.execute(
            update(StagedFile)
            .where(StagedFile.id == row.id, StagedFile.state == staged.STAGED)
            .values(state=TAKEN)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return str(kept.get("text") or "")
    return None


def _mine(
    platform: str, user: str, chat: str, kind: str, now: dt.datetime, session: Session
) -> list[tuple[StagedFile, dict[str, Any]]]:
    """`user`'s rows of `kind` in `chat` still waiting, within WINDOW, the latest first."""
    rows = session.scalars(
        select(StagedFile)
        .where(
            StagedFile.platform == platform,
            StagedFile.user_id == user,
            StagedFile.kind == kind,
            StagedFile.state == staged.STAGED,
            StagedFile.created_at > now - WINDOW,
        )
        .order_by(StagedFile.created_at.desc(), StagedFile.id.desc())
    ).all()
    found = []
    for row in rows:
        try:
            kept = json.loads(bytes(row.content).decode())
        except ValueError:
            continue
        if isinstance(kept, dict) and kept.get("chat") == chat:
            found.append((row, kept))
    return found


def _row(
    platform: str, workspace: str, user: str, name: str, kind: str, content: bytes, now: dt.datetime
) -> StagedFile:
    return StagedFile(
        platform=platform,
        workspace=workspace[:64],
        user_id=user,
        filename=name[:255],
        kind=kind,
        size=0,
        content=content,
        created_at=now,
        state=staged.STAGED,
    )
