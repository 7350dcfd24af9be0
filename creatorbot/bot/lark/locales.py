"""Which language each Lark user reads: their Lark client's own, as a message's user agent
states it (`LarkLocale/it_IT`, sent when the app has `im:user_agent:read`), remembered for the
menu clicks and card actions that carry none; else the team's default."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

LARK_LOCALE = re.compile(r"\bLarkLocale/([A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,4})?)")
REMEMBERED = 10_000  # users whose language is kept; the longest unseen is forgotten first


def locale_in(message: dict[str, Any]) -> str | None:
    """The Lark client's locale a message's user agent names (`it_IT`), or None."""
    agent = message.get("user_agent")
    found = LARK_LOCALE.search(agent) if isinstance(agent, str) else None
    return found.group(1) if found else None


class Locales:
    """Each user's Lark locale, as last seen, in memory (a restart forgets: the next message
    tells again); the team's default for anyone not seen yet."""

    def __init__(self, default: str, remembered: int = REMEMBERED) -> None:
        self.default = default
        self.remembered = remembered
        self._seen: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def seen(self, user: str, message: dict[str, Any]) -> None:
        """Remember the locale a user's message states, if it states one."""
        locale = locale_in(message)
        if not user or locale is None:
            return
        with self._lock:
            self._seen[user] = locale
            self._seen.move_to_end(user)
            while len(self._seen) > self.remembered:
                self._seen.popitem(last=False)

    def of(self, user: str) -> str:
        """The locale to answer `user` in."""
        with self._lock:
            return self._seen.get(user, self.default)
