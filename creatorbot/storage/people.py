"""CM and AM emails as chat users, as each platform last answered: kept a while, then asked
again (a new hire is found within a day, a departure within a week)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.models import ChatPerson, Creator

FOUND_FOR = dt.timedelta(days=7)
MISSING_FOR = dt.timedelta(days=1)


def known_user(
    platform: str, workspace: str, email: str, *, now: dt.datetime, session: Session
) -> tuple[bool, str | None]:
    """(True, user id or None when the platform has no such user) while the answer is fresh;
    (False, None) when the platform must be asked."""
    found = session.get(ChatPerson, (platform, workspace, email.lower()))
    if found is None:
        return False, None
    checked = found.checked_at
    checked = checked if checked.tzinfo else checked.replace(tzinfo=dt.UTC)  # SQLite: UTC
    keep = FOUND_FOR if found.user_id else MISSING_FOR
    if now - checked >= keep:
        return False, None
    return True, found.user_id


def remember_user(
    platform: str,
    workspace: str,
    email: str,
    user_id: str | None,
    *,
    now: dt.datetime,
    session: Session,
) -> None:
    """Keep the platform's answer for `email` (None: it has no such user)."""
    values = {
        "platform": platform,
        "workspace": workspace,
        "email": email.lower(),
        "user_id": user_id,
        "checked_at": now,
    }
    statement = insert_of(session)(ChatPerson).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["platform", "workspace", "email"],
            set_={"user_id": user_id, "checked_at": now},
        )
    )


def owner_names(*, session: Session) -> list[str]:
    """Every CM and AM the creators list (emails or full names), as written."""
    cms = select(Creator.cm).where(Creator.cm.is_not(None)).distinct()
    ams = select(Creator.am).where(Creator.am.is_not(None)).distinct()
    return sorted({str(name) for name in session.scalars(union(cms, ams)) if name})
