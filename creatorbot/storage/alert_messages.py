"""Alert messages as posted (which alerts each carries, what it showed), and the
acknowledgements and snoozes still to be shown on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from creatorbot.storage.models import AlertMessage, AlertMessageItem, AlertNotice

PENDING, CLAIMED, DONE, FAILED = "pending", "claimed", "done", "failed"
TRIES = 5  # a notice that fails this many times is left (the alert's state is kept all the same)
FIRST_WAIT = dt.timedelta(minutes=1)  # then 2, 4 and 8 minutes
CLAIM = dt.timedelta(minutes=10)  # a claim not finished by then is taken again


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


def pending_notices(*, now: dt.datetime, session: Session) -> list[AlertNotice]:
    """Notices to show now, oldest first: pending and due, or claimed by a process that never
    finished them (its claim has run out)."""
    due = or_(AlertNotice.due_at.is_(None), AlertNotice.due_at <= now)
    waiting = and_(AlertNotice.status == PENDING, due)
    abandoned = and_(AlertNotice.status == CLAIMED, AlertNotice.due_at <= now)
    query = select(AlertNotice).where(or_(waiting, abandoned)).order_by(AlertNotice.id)
    return list(session.scalars(query))


def claim_notice(notice: AlertNotice, *, now: dt.datetime, session: Session) -> bool:
    """Take a notice `pending_notices` gave, for CLAIM at most; False when another process took
    it first."""
    statement = (
        update(AlertNotice)
        .where(
            AlertNotice.id == notice.id,
            AlertNotice.status == notice.status,
            AlertNotice.attempts == notice.attempts,
        )
        .values(status=CLAIMED, due_at=now + CLAIM, attempts=AlertNotice.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]


def finish_notice(notice_id: int, ok: bool, *, now: dt.datetime, session: Session) -> None:
    """A claimed notice was shown, or failed to be: then it is tried again after a wait that
    doubles from a minute, and left after TRIES tries."""
    notice = session.get(AlertNotice, notice_id)
    if notice is None:
        return
    if ok:
        notice.status, notice.due_at = DONE, None
    elif notice.attempts >= TRIES:
        notice.status, notice.due_at = FAILED, None
    else:
        notice.status = PENDING
        notice.due_at = now + FIRST_WAIT * 2 ** (notice.attempts - 1)
    session.flush()


def set_content(message_id: int, content: str, *, session: Session) -> None:
    """What the message shows now."""
    statement = (
        update(AlertMessage)
        .where(AlertMessage.id == message_id)
        .values(content=content)
        .execution_options(synchronize_session=False)
    )
    session.execute(statement)
