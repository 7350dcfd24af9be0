"""`audit [user] [days]`: the latest entries of the audit log, for admins (the router checks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from creatorbot.commands.access import user_of
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import N_
from creatorbot.commands.parsing import DAYS, words
from creatorbot.commands.reply import Column, Context, Header, Reply, Table, Text
from creatorbot.storage.audit import entries

USAGE = N_("audit [@user] [days]")
DEFAULT_DAYS = 7
MAX_DAYS = 3660
SHOWN = 50
OUTCOME_LABELS = {
    "answered": N_("answered"),
    "refused": N_("refused"),
    "denied": N_("DENIED"),
    "rate_limited": N_("rate-limited"),
    "failed": N_("FAILED"),
    "repeated": N_("repeated"),  # the same form sent twice: kept once
}


@dataclass(frozen=True)
class AuditQuery:
    """Whose entries (None: everyone's), over how many days."""

    user: str | None = None
    days: int = DEFAULT_DAYS


def parse(text: str, call: Call) -> AuditQuery:
    """Any order: a person (mention or id) and a number of days."""
    lang = call.lang
    user: str | None = None
    days = DEFAULT_DAYS
    for word in words(text, lang):
        number = word.lower().removesuffix("d")
        if number.isdigit() or DAYS.match(word.lower()):
            if not number.isdigit() or not 1 <= int(number) <= MAX_DAYS:
                raise UserError(
                    lang._("Give the days as a number from 1 to {most}.").format(most=MAX_DAYS)
                )
            days = int(number)
        elif user is None:
            user = user_of(word, call, platform_needed=False)[1]
        else:
            raise UserError(
                lang._("I don't understand “{word}”.").format(word=word),
                lang._("Usage: {usage}").format(usage=lang._(USAGE)),
            )
    return AuditQuery(user, days)


def answer(query: AuditQuery, call: Call) -> Reply:
    """The newest entries first: when, who, where, what, the outcome, rows and latency."""
    lang = call.lang
    since = call.services.clock() - dt.timedelta(days=query.days)
    found, total = entries(since=since, user_id=query.user, limit=SHOWN, session=call.session)
    title = lang.n_(
        "Audit log · the last {days} day", "Audit log · the last {days} days", query.days
    ).format(days=query.days)
    if query.user:
        title += f" · {query.user}"
    if not found:
        return Reply((Header(title), Text(lang._("Nothing was recorded in that time."))))
    rows = tuple(
        (
            f"{e.at:%Y-%m-%d %H:%M}",
            e.user_id,
            f"{e.platform} {e.channel}".strip(),
            f"{e.command} {e.arguments}".strip(),
            lang._(OUTCOME_LABELS.get(e.outcome, e.outcome)),
            "" if e.rows is None else lang.number(e.rows),
            "" if e.latency_ms is None else lang.number(e.latency_ms),
        )
        for e in found
    )
    table = Table(
        (
            Column(lang._("When (UTC)")),
            Column(lang._("Who")),
            Column(lang._("Where")),
            Column(lang._("What")),
            Column(lang._("Outcome")),
            Column(lang._("Rows"), "right"),
            Column(lang._("ms"), "right"),
        ),
        rows,
        total=total,
    )
    usage = Context(lang._("Usage: {usage}").format(usage=lang._(USAGE)))
    return Reply((Header(title), table, usage), rows=len(rows))
