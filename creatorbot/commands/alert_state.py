"""An alert message as it stands now: each entry someone acknowledged or snoozed says who and
when in place of its buttons; and the note its thread gets when that happens."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Block, Buttons, Context, Reply, Text, mention_of
from creatorbot.storage.models import Alert, AlertStatus

BUTTON = re.compile(r"^alerts (?:ack|snooze) #?(\d+)$")


def shown_now(reply: Reply, alerts: Mapping[int, Alert], zone: ZoneInfo, lang: Lang) -> Reply:
    """The message `reply` with every handled entry's buttons replaced by who handled it, when."""
    blocks: list[Block] = []
    for block in reply.blocks:
        handled = _handled(block, alerts) if isinstance(block, Buttons) else None
        blocks.append(Context(state(handled, zone, lang)) if handled is not None else block)
    return Reply(tuple(blocks), reply.ok, reply.rows)


def _handled(block: Buttons, alerts: Mapping[int, Alert]) -> Alert | None:
    for button in block.buttons:
        found = BUTTON.match(button.value)
        alert = alerts.get(int(found.group(1))) if found else None
        if alert is not None and alert.status is not AlertStatus.OPEN:
            return alert
    return None


def state(alert: Alert, zone: ZoneInfo, lang: Lang) -> str:
    """ "Acknowledged by @Farah on 6 Dec 2026 at 10:02." (the market's local time)."""
    who = mention_of(alert.handled_by) if alert.handled_by else "?"
    when = _local(alert.handled_at, zone)
    values = {
        "who": who,
        "date": lang.date(when.date()) if when else "—",
        "time": f"{when:%H:%M}" if when else "—",
    }
    if alert.status is AlertStatus.SNOOZED and alert.snoozed_until is not None:
        message = lang._("💤 Snoozed until {until} by {who} on {date} at {time}.")
        return message.format(until=lang.date(alert.snoozed_until), **values)
    return lang._("✅ Acknowledged by {who} on {date} at {time}.").format(**values)


def note(alert: Alert, zone: ZoneInfo, lang: Lang) -> Reply:
    """The thread reply recording that the entry of alert #N was handled."""
    return Reply((Text(f"#{alert.id} · {state(alert, zone, lang)}"),))


def _local(stamp: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    if stamp is None:
        return None
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)  # SQLite: stored as UTC
    return stamp.astimezone(zone)
