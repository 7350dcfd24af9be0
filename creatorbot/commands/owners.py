"""Who owns a creator on the chat platform: the CM's or AM's email looked up as a chat user of
the workspace (the answer kept a while), `CREATORBOT_STAFF` overriding any name it lists."""

from __future__ import annotations

import logging

from creatorbot.commands.core import Call
from creatorbot.commands.reply import mention_of
from creatorbot.storage.models import Creator
from creatorbot.storage.people import known_user, owner_names, remember_user

logger = logging.getLogger(__name__)


def owner_user(name: str | None, call: Call) -> str | None:
    """The chat user of the CM or AM written `name` (an email or a full name) on the request's
    platform, or None. A lookup that fails is logged and answers None: a post never fails for
    want of a mention."""
    if not name or not name.strip():
        return None
    name = name.strip()
    staff = call.services.staff
    override = staff.get(name) or {k.lower(): v for k, v in staff.items()}.get(name.lower())
    if override:
        return override
    request = call.request
    if "@" not in name or request.platform == "console":
        return None
    now = call.services.clock()
    known, user = known_user(
        request.platform, request.workspace, name, now=now, session=call.session
    )
    if known:
        return user
    try:
        user = call.services.lookup_user(request.platform, request.workspace, name)
    except Exception as exc:  # the platform is out of reach or refuses: asked again next time
        logger.warning(
            "owner lookup failed",
            extra={"platform": request.platform, "error": f"{type(exc).__name__}: {exc}"[:200]},
        )
        return None
    remember_user(request.platform, request.workspace, name, user, now=now, session=call.session)
    return user


def owner_mention(name: str, call: Call) -> str:
    """How an owner is named so that they are notified: a mention of their chat user when known,
    else `@Name`."""
    user = owner_user(name, call)
    return mention_of(user) if user else f"@{name}"


def owned_by(creator: Creator, user: str, call: Call) -> bool:
    """Whether the chat user `user` is the creator's CM or AM."""
    return any(owner_user(name, call) == user for name in (creator.cm, creator.am) if name)


def names_of(user: str, call: Call) -> list[str]:
    """The names (emails, full names) the creators list the chat user `user` under."""
    if call.request.platform == "console" and user not in call.services.staff.values():
        # Only the staff list maps a name to a console user: no need to read every owner.
        return []
    return [name for name in owner_names(session=call.session) if owner_user(name, call) == user]
