"""Files dropped in chat, kept until their Import or Cancel button is clicked: staged once,
claimed once (a double click, or two replicas, import it once), forgotten after a day."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from creatorbot.storage.models import StagedFile

MAX_BYTES = 20 * 1024 * 1024  # a dropped file larger than this is refused before download
KEEP_FOR = dt.timedelta(hours=24)  # a preview's buttons work this long
PER_USER = 5  # files one person may have waiting; staging another drops their oldest

STAGED = "staged"
IMPORTING = "importing"
IMPORTED = "imported"
CANCELLED = "cancelled"
FAILED = "failed"
ENROLMENT = "enrolment"  # the kind of a pending enrolment (storage/pending.py), never a file
SEEN = "seen-file"  # a file seen in a chat, by reference (storage/chat_lists.py), no bytes
AWAITING = "awaiting-list"  # `campaign enroll SLUG` waiting for its file (storage/chat_lists.py)
NOT_FILES = (ENROLMENT, SEEN, AWAITING)  # rows of this table that are no file to import


class TooLarge(ValueError):
    """The file is larger than MAX_BYTES."""


@dataclass(frozen=True)
class Staged:
    """A staged file as stored (its bytes empty once imported or cancelled)."""

    token: str
    platform: str
    user_id: str
    filename: str
    kind: str
    size: int
    created_at: dt.datetime
    state: str
    content: bytes = b""


def stage(
    *,
    platform: str,
    workspace: str,
    user: str,
    filename: str,
    kind: str,
    content: bytes,
    now: dt.datetime,
    session: Session,
) -> str:
    """Keep `content` for `user`'s Import button; the token the buttons carry. Expired files
    and the user's oldest beyond PER_USER are dropped first."""
    if len(content) > MAX_BYTES:
        raise TooLarge(f"{len(content)} bytes; at most {MAX_BYTES}")
    mine = (StagedFile.state == STAGED) & StagedFile.kind.notin_(NOT_FILES)
    row = StagedFile(
        platform=platform,
        workspace=workspace,
        user_id=user,
        filename=filename[:255],
        kind=kind,
        size=len(content),
        content=content,
        created_at=now,
        state=STAGED,
    )
    return add(row, mine, PER_USER, now=now, session=session)


def add(row: StagedFile, mine: Any, per_user: int, *, now: dt.datetime, session: Session) -> str:
    """Store `row` under a new token, which it returns: expired rows, and the user's oldest of
    `mine` beyond `per_user`, are dropped first."""
    purge(now, session=session)
    waiting = session.scalars(
        select(StagedFile.id)
        .where(StagedFile.platform == row.platform, StagedFile.user_id == row.user_id, mine)
        .order_by(StagedFile.created_at.desc(), StagedFile.id.desc())
        .offset(per_user - 1)
    ).all()
    if waiting:
        session.execute(delete(StagedFile).where(StagedFile.id.in_(waiting)))
    row.token = secrets.token_hex(16)
    session.add(row)
    session.flush()
    return row.token


def peek(token: str, *, session: Session) -> Staged | None:
    """The staged file's description (not its bytes), whatever its state; None if unknown."""
    row = session.execute(
        select(
            StagedFile.token,
            StagedFile.platform,
            StagedFile.user_id,
            StagedFile.filename,
            StagedFile.kind,
            StagedFile.size,
            StagedFile.created_at,
            StagedFile.state,
        ).where(StagedFile.token == token)
    ).first()
    return Staged(*row) if row is not None else None


def claim(
    token: str, *, platform: str, user: str, now: dt.datetime, session: Session, to: str = IMPORTING
) -> Staged | None:
    """Move the uploader's staged, unexpired file to `to` (IMPORTING, or CANCELLED) and return
    it with its bytes; None when it is not theirs, expired, or no longer staged. One UPDATE
    guarded by the state: of two clicks (or replicas) at once, exactly one wins."""
    claimed = session.execute(
        update(StagedFile)
        .where(
            StagedFile.token == token,
            StagedFile.platform == platform,
            StagedFile.user_id == user,
            StagedFile.state == STAGED,
            StagedFile.kind.notin_(NOT_FILES),
            StagedFile.created_at > now - KEEP_FOR,
        )
        .values(state=to)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.scalars(select(StagedFile).where(StagedFile.token == token)).one()
    found = Staged(
        row.token,
        row.platform,
        row.user_id,
        row.filename,
        row.kind,
        row.size,
        row.created_at,
        row.state,
        bytes(row.content),
    )
    if to != IMPORTING:
        _empty(token, to, session=session)
    return found


def finish(token: str, state: str, *, session: Session) -> None:
    """An import ended (IMPORTED or FAILED): its bytes are no longer kept."""
    _empty(token, state, session=session)


def purge(now: dt.datetime, *, session: Session) -> int:
    """Forget files staged before KEEP_FOR ago, whatever their state; how many."""
    result = session.execute(delete(StagedFile).where(StagedFile.created_at <= now - KEEP_FOR))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _empty(token: str, state: str, *, session: Session) -> None:
    session.execute(
        update(StagedFile)
        .where(StagedFile.token == token)
        .values(state=state, content=b"")
        .execution_options(synchronize_session=False)
    )
