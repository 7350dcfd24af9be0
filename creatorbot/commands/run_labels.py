"""How a scheduled post's period and times read: in the market's calendar and clock, never as
the ledger's keys or in UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from creatorbot.commands.i18n import Lang

MANUAL = "manual:"  # the key of a `digest run`: manual:<UTC instant>


def period_label(key: str, zone: ZoneInfo, lang: Lang) -> str:
    """A ledger period as a reader says it: a day, a war-room hour, an ISO week, or a run asked
    for at a local time; any other key as it is."""
    try:
        if key.startswith(MANUAL):
            asked = dt.datetime.fromisoformat(key.removeprefix(MANUAL))
            asked = asked if asked.tzinfo else asked.replace(tzinfo=dt.UTC)
            return lang._("run now, {when}").format(when=local_moment(asked, zone, lang))
        if len(key) == 10:
            return lang.date(dt.date.fromisoformat(key))
        if len(key) == 13 and key[10] == "T":
            day = dt.date.fromisoformat(key[:10])
            return f"{lang.date(day)} {int(key[11:]):02d}:00"
        if len(key) == 8 and key[4:6] == "-W":
            monday = dt.date.fromisocalendar(int(key[:4]), int(key[6:]), 1)
            return lang._("week of {day}").format(day=lang.date(monday))
    except ValueError:
        pass
    return key


def local_moment(moment: dt.datetime, zone: ZoneInfo, lang: Lang) -> str:
    """An instant as the market's day and clock time, e.g. 24 Nov 2026 09:34."""
    local = moment.astimezone(zone)
    return f"{lang.date(local.date())} {local:%H:%M}"
