"""Writing the audit trail: what each command or interaction was, with secrets redacted, in a
transaction of its own so that a failed command is still recorded."""

from __future__ import annotations

import datetime as dt
import logging
import re

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import CommandRequest
from creatorbot.storage.audit import Audited, append
from creatorbot.storage.failures import database_unreachable, disk_full, first_line

logger = logging.getLogger(__name__)

MAX_ARGUMENTS = 500  # characters of a command's arguments kept in the log
REDACTED = "[redacted]"
_SECRETS = re.compile(
    r"xox[abposr]-[A-Za-z0-9-]+"  # Slack tokens
    r"|xapp-[A-Za-z0-9-]+"  # Slack app-level tokens
    r"|(?:t|u)-[A-Za-z0-9_.-]{20,}"  # Lark tenant/user access tokens
    r"|\b[A-Za-z0-9+/_=-]{32,}"  # long keys: signing secrets, encrypt keys, API keys
    r"|(?i:(?:password|passwd|secret|token|api[_-]?key)\s*[:=]\s*\S+)"
)


def redact(text: str) -> str:
    """`text` with anything that looks like a token, key or password replaced, and cut."""
    cleaned = hide_secrets(text)
    return cleaned if len(cleaned) <= MAX_ARGUMENTS else cleaned[: MAX_ARGUMENTS - 1] + "…"


def hide_secrets(text: str) -> str:
    """`text` with anything that looks like a token, key or password replaced."""
    return _SECRETS.sub(REDACTED, text)


def record(
    sessions: sessionmaker[Session],
    request: CommandRequest,
    *,
    command: str,
    arguments: str,
    allowed: bool,
    outcome: str,
    rows: int | None,
    latency_ms: int | None,
    at: dt.datetime,
) -> None:
    """Append one entry; a failure to write it is logged, never shown to the user."""
    entry = entry_of(
        request,
        command=command,
        arguments=arguments,
        allowed=allowed,
        outcome=outcome,
        rows=rows,
        latency_ms=latency_ms,
        at=at,
    )
    record_entry(sessions, entry)


def record_entry(sessions: sessionmaker[Session], entry: Audited) -> None:
    """Append `entry` in a transaction of its own; a failure is logged, never shown."""
    try:
        with sessions() as session:
            # One INSERT is a transaction of its own: sent in autocommit it is one round trip,
            # not BEGIN, INSERT and COMMIT (the connection gets its isolation back in the pool).
            session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            append(entry, session=session)
    except Exception as exc:
        context = {"command": entry.command, "user": entry.user_id, "outcome": entry.outcome}
        if database_unreachable(exc) or disk_full(exc):  # one line with the reason, no traceback
            logger.error("audit entry not written", extra={**context, "error": first_line(exc)})
        else:
            logger.exception("audit entry not written", extra=context)


def entry_of(
    request: CommandRequest,
    *,
    command: str,
    arguments: str,
    allowed: bool,
    outcome: str,
    rows: int | None,
    latency_ms: int | None,
    at: dt.datetime,
) -> Audited:
    """The entry for one command, its arguments redacted (for a write that is audited in its
    own transaction, so that the two are committed together or not at all)."""
    return Audited(
        at=at,
        platform=request.platform,
        workspace=request.workspace,
        channel=request.channel,
        user_id=request.user,
        command=command or "-",
        arguments=redact(arguments),
        allowed=allowed,
        outcome=outcome,
        rows=rows,
        latency_ms=latency_ms,
    )
