"""Lark events → the neutral CommandRequest: a message's command text (mention placeholders
removed, a leading `/` allowed), who sent it and where."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from creatorbot.commands.core import CommandRequest

PLATFORM = "lark"
PLACEHOLDER = re.compile(r"@_user_\d+|@_all")
MAX_TEXT = 2000  # a command is a line; anything longer is cut before parsing


def message_text(message: dict[str, Any]) -> str:
    """The plain text of a text or rich-text (post) message; "" for anything else."""
    try:
        content = json.loads(message.get("content") or "{}")
    except ValueError:
        return ""
    if not isinstance(content, dict):
        return ""
    kind = message.get("message_type")
    if kind == "text":
        return str(content.get("text") or "")
    if kind == "post":
        body: Any = content.get("content") or next(
            (v.get("content") for v in content.values() if isinstance(v, dict)), []
        )
        return " ".join(
            str(piece.get("text") or "")
            for line in body or []
            if isinstance(line, list)
            for piece in line
            if isinstance(piece, dict) and piece.get("tag") in ("text", "md")
        )
    return ""


def command_text(text: str, people: Mapping[str, str] | None = None) -> str:
    """`@_user_1 /leaderboard gmv 7d` → `leaderboard gmv 7d`; the placeholders of `people`
    (other users mentioned, as arguments: `access grant @_user_2 cm`) become their open_id."""
    people = people or {}
    named = PLACEHOLDER.sub(lambda found: f" {people.get(found.group(0), '')} ", text[:MAX_TEXT])
    return " ".join(named.split()).removeprefix("/").strip()


def people_mentioned(message: dict[str, Any], bot_open_id: str | None) -> dict[str, str]:
    """The placeholders of the users a message mentions, other than the bot, → open_id
    (none while the bot's own id is unknown: it could not be told apart)."""
    found: dict[str, str] = {}
    if bot_open_id is None:
        return found
    for mention in message.get("mentions") or []:
        person = open_id(mention.get("id"))
        if person and person != bot_open_id and isinstance(mention.get("key"), str):
            found[mention["key"]] = person
    return found


def mentions_bot(message: dict[str, Any], bot_open_id: str | None) -> bool:
    """Whether a group message @mentions the bot (any mention, if the bot's id is unknown)."""
    mentions = message.get("mentions") or []
    if bot_open_id is None:
        return bool(mentions)
    return any((m.get("id") or {}).get("open_id") == bot_open_id for m in mentions)


def open_id(ids: dict[str, Any] | None) -> str:
    """The open_id of a sender, operator or user id block."""
    return str((ids or {}).get("open_id") or "")


def request(
    text: str,
    *,
    user: str,
    chat: str = "",
    tenant: str = "",
    locale: str,
    member_of: Callable[[frozenset[str]], frozenset[str]] | None = None,
) -> CommandRequest:
    """The neutral request for a Lark user's command text; `member_of`: which of the departments
    with a role the user is in."""
    return CommandRequest(
        text=text,
        platform=PLATFORM,
        workspace=tenant,
        channel=chat,
        user=user,
        locale=locale,
        member_of=member_of,
    )
