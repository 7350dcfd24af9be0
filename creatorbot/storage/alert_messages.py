"""Alert messages as posted (which alerts each carries, what it showed), and the
acknowledgements and snoozes still to be shown on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from creatorbot.storage.models import AlertMessage, AlertMessageItem, AlertNotice

PENDING, CLAIMED, DONE, FAILED = "pending", "claimed", "done", "failed"


def remember_message(
    *,
    platform: str,
    workspace: str,
    channel: str,
    message_ref: str,
    locale: str,
    content: str,
    alert_ids: Iterable[int],
    now: dt.datetime,
    session: Session,
) -> int:
    """Keep a posted alert message and the alerts it carries; its id."""
    message = AlertMessage(
        platform=platform,
        workspace=workspace,
        channel=channel,
        message_ref=message_ref,
        locale=locale,
        content=content,
        posted_at=now,
    )
    session.add(message)
    session.flush()
    session.add_all(AlertMessageItem(message_id=message.id, alert_id=a) for a in set(alert_ids))
    session.flush()
    return message.id


def messages_carrying(alert_ids: Iterable[int], *, session: Session) -> list[AlertMessage]:
    """Every message that carries one of these alerts, oldest first."""
    wanted = list(set(alert_ids))
    if not wanted:
        return []
    inner = select(AlertMessageItem.message_id).where(AlertMessageItem.alert_id.in_(wanted))
    query = select(AlertMessage).where(AlertMessage.id.in_(inner)).order_by(AlertMessage.id)
    return list(session.scalars(query))


def alerts_of_message(message_id: int, *, session: Session) -> list[int]:
    """The ids of the alerts a message carries."""
    query = select(AlertMessageItem.alert_id).where(AlertMessageItem.message_id == message_id)
    return sorted(session.scalars(query))


def queue_notice(
    alert_id: int, action: str, user_id: str, *, now: dt.datetime, session: Session
) -> None:
    """An acknowledgement or snooze to show on the messages carrying the alert."""
    session.add(AlertNotice(alert_id=alert_id, action=action, user_id=user_id, at=now))
    session.flush()


def pending_notices(*, session: Session) -> list[AlertNotice]:
    """Notices not shown yet, oldest first."""
    query = select(AlertNotice).where(AlertNotice.status == PENDING).order_by(AlertNotice.id)
    return list(session.scalars(query))


def claim_notice(notice_id: int, *, session: Session) -> bool:
    """Take a pending notice; False when another process took it first."""
    statement = (
        update(AlertNotice)
        .where(AlertNotice.id == notice_id, AlertNotice.status == PENDING)
        .values(status=CLAIMED)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def finish_notice(notice_id: int, ok: bool, *, session: Session) -> None:
    """A claimed notice was shown (or failed to be)."""
    statement = (
        update(AlertNotice)
        .where(AlertNotice.id == notice_id)
        .values(status=DONE if ok else FAILED)
        .execution_options(synchronize_session=False)
    )
    session.execute(statement)


def set_content(message_id: int, content: str, *, session: Session) -> None:
    """What the message shows now."""
    statement = (
        update(AlertMessage)
        .where(AlertMessage.id == message_id)
        .values(content=content)
        .execution_options(synchronize_session=False)
    )
    session.execute(statement)
