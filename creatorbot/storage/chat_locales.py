"""Each chat user's language as their own client last stated it, kept across restarts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.models import ChatLocale

MAX_LOCALE = 16  # characters: `it_IT`, `zh_Hant_TW`


def stored_locale(platform: str, workspace: str, user: str, *, session: Session) -> str | None:
    """The locale kept for the user of `workspace` (any workspace, if it is not known: a Lark
    open id names one user of one app), or None."""
    query = select(ChatLocale.locale).where(
        ChatLocale.platform == platform, ChatLocale.user_id == user[:64]
    )
    if workspace:
        query = query.where(ChatLocale.workspace == workspace[:64])
    return session.scalars(query.order_by(ChatLocale.seen_at.desc()).limit(1)).first()


def remember_locale(
    platform: str, workspace: str, user: str, locale: str, *, now: dt.datetime, session: Session
) -> None:
    """Keep `locale` as the user's (one upsert)."""
    values = {
        "platform": platform[:16],
        "workspace": workspace[:64],
        "user_id": user[:64],
        "locale": locale[:MAX_LOCALE],
        "seen_at": now,
    }
    statement = insert_of(session)(ChatLocale).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["platform", "workspace", "user_id"],
            set_={"locale": values["locale"], "seen_at": now},
        )
    )
