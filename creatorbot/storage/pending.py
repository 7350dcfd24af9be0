"""Pending enrolments: the creators an enrolment preview showed, kept for its Enrol button (a
day, like a dropped file, in the same table), so the click enrols exactly that set."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage import staged
from creatorbot.storage.models import StagedFile

ENROLMENT = staged.ENROLMENT  # the kind of the rows kept here
PER_USER = 20  # previews one person may have pending; another drops their oldest


@dataclass(frozen=True)
class Pending:
    """A preview's creators, as kept: whose preview it was, for which campaign."""

    platform: str
    user_id: str
    campaign_id: int
    creator_ids: tuple[int, ...]
    created_at: dt.datetime


def keep(
    campaign_id: int,
    creator_ids: list[int],
    *,
    platform: str,
    workspace: str,
    user: str,
    now: dt.datetime,
    session: Session,
) -> str:
    """Keep the previewed set for `user`'s button; the token the button carries."""
    content = json.dumps({"campaign": campaign_id, "creators": creator_ids}).encode()
    row = StagedFile(
        platform=platform,
        workspace=workspace,
        user_id=user,
        filename=f"campaign {campaign_id}",
        kind=ENROLMENT,
        size=len(creator_ids),
        content=content,
        created_at=now,
        state=staged.STAGED,
    )
    return staged.add(row, StagedFile.kind == ENROLMENT, PER_USER, now=now, session=session)


def find(token: str, *, now: dt.datetime, session: Session) -> Pending | None:
    """The pending set a button's token names; None when unknown or older than a day."""
    row = session.scalars(
        select(StagedFile).where(
            StagedFile.token == token,
            StagedFile.kind == ENROLMENT,
            StagedFile.created_at > now - staged.KEEP_FOR,
        )
    ).first()
    if row is None:
        return None
    kept = json.loads(bytes(row.content).decode())
    return Pending(
        row.platform,
        row.user_id,
        int(kept["campaign"]),
        tuple(int(c) for c in kept["creators"]),
        row.created_at,
    )
