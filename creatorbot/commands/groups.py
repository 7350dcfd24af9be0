"""The groups a role can be given to — Slack user groups, Lark departments: how an admin names
one in `access`, and how one is shown."""

from __future__ import annotations

import re
from dataclasses import dataclass

from creatorbot.storage.grants import group_key, group_of

# `<!subteam^S0123ABC|@cm-my>` (a user-group mention as Slack sends it with escaping on; in a
# message it comes without the `|@handle`), or `subteam:S0123ABC` / `group:S0123ABC`, each
# optionally prefixed `slack:` (the console's spelling).
_SLACK = re.compile(
    r"^(?:slack:)?(?:<!subteam\^([A-Za-z0-9]{2,58})(?:\|([^>]{1,128}))?>"
    r"|(?:subteam|group):([A-Za-z0-9]{2,58}))$"
)
# `dept:od-…`, a Lark department's open_department_id, optionally prefixed `lark:`.
_LARK = re.compile(r"^(?:lark:)?dept:(od-[A-Za-z0-9]{1,56})$")
# Words meant as a group (for a clear refusal when they do not name one).
LOOKS_LIKE_A_GROUP = re.compile(r"^(?:(?:slack|lark):)?(?:<!subteam|subteam:|group:|dept:)")


@dataclass(frozen=True)
class Group:
    """A group named in a command: its platform, the `user_id` its grants are stored under,
    and its name when the mention carried one."""

    platform: str
    key: str
    name: str | None = None


def group_named(word: str) -> Group | None:
    """The group a word names, or None when it names none."""
    slack = _SLACK.match(word)
    if slack is not None:
        group = (slack.group(1) or slack.group(3)).upper()
        name = (slack.group(2) or "").strip() or None
        return Group("slack", group_key("slack", group), name)
    lark = _LARK.match(word)
    if lark is not None:
        return Group("lark", group_key("lark", lark.group(1)))
    return None


def is_group(platform: str, user_id: str) -> bool:
    """Whether a grant's subject is a group rather than a person."""
    return group_of(platform, user_id) is not None


def group_shown(platform: str, key: str, name: str | None, *, asked_on: str) -> str:
    """A group as `access` shows it: its name (if known) and the id to revoke it by, with the
    platform when it is not the asker's (`slack:group:S0123ABC` at the console)."""
    spelled = key if platform == asked_on else f"{platform}:{key}"
    return f"{name} ({spelled})" if name else spelled
