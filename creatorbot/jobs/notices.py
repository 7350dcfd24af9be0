"""Acknowledgements and snoozes shown where the alert was posted: every message carrying the
alert (the channel's, the owner's DM) is updated in place and notes it in its thread."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from creatorbot.commands.alert_state import note, shown_now
from creatorbot.commands.core import Services
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply_codec import decode, encode
from creatorbot.jobs.posting import Posters, Target
from creatorbot.storage.alert_messages import (
    alerts_of_message,
    claim_notice,
    finish_notice,
    messages_carrying,
    pending_notices,
    set_content,
)
from creatorbot.storage.alerts import alert_by_id, siblings
from creatorbot.storage.models import Alert, AlertMessage, AlertNotice
from creatorbot.storage.queries.markets import all_markets

logger = logging.getLogger(__name__)


def show_notices(services: Services, posters: Posters, now: dt.datetime) -> int:
    """Show every notice that is due; how many were shown everywhere (one that failed is tried
    again on a later tick: see `finish_notice`)."""
    with services.sessions.begin() as session:
        due = pending_notices(now=now, session=session)
        session.expunge_all()
    shown = 0
    for notice in due:
        with services.sessions.begin() as session:
            if not claim_notice(notice, now=now, session=session):
                continue
        ok = _show(notice.id, services, posters)
        with services.sessions.begin() as session:
            finish_notice(notice.id, ok, now=now, session=session)
        shown += ok
    return shown


def _show(notice_id: int, services: Services, posters: Posters) -> bool:
    """Update each message carrying the notice's alert; False when one could not be."""
    with services.sessions() as session:
        notice = session.get(AlertNotice, notice_id)
        alert = alert_by_id(notice.alert_id, session=session) if notice else None
        if notice is None or alert is None:
            return True
        zone = ZoneInfo(all_markets(session=session)[alert.market].timezone)
        related = [a.id for a in siblings(alert, session=session)]
        work = []
        for message in messages_carrying(related, session=session):
            carried = alerts_of_message(message.id, session=session)
            alerts = {a: found for a in carried if (found := alert_by_id(a, session=session))}
            work.append((message, alerts))
        session.expunge_all()  # plain values from here: the posts take their time
    ok = True
    for message, alerts in work:
        content = _update(notice, message, alert, alerts, zone, posters)
        if content is None:
            ok = False
            continue
        with services.sessions.begin() as session:
            set_content(message.id, content, session=session)
    return ok


def _update(
    notice: AlertNotice,
    message: AlertMessage,
    alert: Alert,
    alerts: dict[int, Alert],
    zone: ZoneInfo,
    posters: Posters,
) -> str | None:
    """Update one message and note it in its thread; what it shows now, or None when the
    platform failed."""
    target = Target(message.platform, message.workspace, message.channel, message.locale)
    lang = Lang(message.locale, alert.market)
    now_shown = shown_now(decode(message.content), alerts, zone, lang)
    key = f"creatorbot:notice:{notice.id}:{message.id}"
    try:
        poster = posters.for_target(target)
        poster.update(target, message.message_ref, now_shown)
        poster.reply_in_thread(target, message.message_ref, note(alert, zone, lang), key=key)
    except Exception as exc:
        logger.warning(
            "alert message not updated",
            extra={"alert_message": message.id, "error": f"{type(exc).__name__}: {exc}"[:200]},
        )
        return None
    return encode(now_shown)
