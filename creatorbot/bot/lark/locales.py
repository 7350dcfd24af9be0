"""Which language each Lark user reads: their Lark client's own, as a message's user agent
states it (`LarkLocale/it_IT`, sent when the app has `im:user_agent:read`), kept in the database
for the menu clicks and card actions that carry none, and across restarts; else the team's
default."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.chat_locales import remember_locale, stored_locale
from creatorbot.storage.failures import first_line

logger = logging.getLogger(__name__)

PLATFORM = "lark"
LARK_LOCALE = re.compile(r"\bLarkLocale/([A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,4})?)")
REMEMBERED = 10_000  # users whose language this process keeps; the longest unseen goes first


def locale_in(message: dict[str, Any]) -> str | None:
    """The Lark client's locale a message's user agent names (`it_IT`), or None."""
    agent = message.get("user_agent")
    found = LARK_LOCALE.search(agent) if isinstance(agent, str) else None
    return found.group(1) if found else None


class Locales:
    """Each user's Lark locale, as last seen: kept in the database (when given one) so that a
    restart keeps it, and the latest users' in memory so that it is read once per process; the
    team's default for anyone never seen. The database being away costs the memory only."""

    def __init__(
        self,
        default: str,
        remembered: int = REMEMBERED,
        *,
        sessions: sessionmaker[Session] | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.default = default
        self.remembered = remembered
        self.sessions = sessions
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._known: OrderedDict[str, str | None] = OrderedDict()  # None: nothing stored
        self._lock = threading.Lock()

    def seen(self, user: str, message: dict[str, Any], workspace: str = "") -> None:
        """Keep the locale a user's message states, if it states one (written only when it is
        not what this process knows already)."""
        locale = locale_in(message)
        if not user or locale is None:
            return
        with self._lock:
            known = self._known.get(user)
        if known != locale and self.sessions is not None:
            try:
                with self.sessions.begin() as session:
                    remember_locale(
                        PLATFORM, workspace, user, locale, now=self.clock(), session=session
                    )
            except Exception as exc:
                logger.warning("locale not kept", extra={"user": user, "error": first_line(exc)})
        self._keep(user, locale)

    def of(self, user: str, workspace: str = "") -> str:
        """The locale to answer `user` in."""
        with self._lock:
            if user in self._known:
                self._known.move_to_end(user)
                return self._known[user] or self.default
        read, stored = self._stored(user, workspace)
        if read:  # a failed read is tried again next time, not taken for "none kept"
            self._keep(user, stored)
        return stored or self.default

    def _stored(self, user: str, workspace: str) -> tuple[bool, str | None]:
        """(whether the database answered, the locale it keeps for the user)."""
        if self.sessions is None or not user:
            return False, None
        try:
            with self.sessions() as session:
                return True, stored_locale(PLATFORM, workspace, user, session=session)
        except Exception as exc:
            logger.warning("locale not read", extra={"user": user, "error": first_line(exc)})
            return False, None

    def _keep(self, user: str, locale: str | None) -> None:
        with self._lock:
            self._known[user] = locale
            self._known.move_to_end(user)
            while len(self._known) > self.remembered:
                self._known.popitem(last=False)
