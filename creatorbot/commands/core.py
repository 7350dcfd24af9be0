"""What every command receives: the neutral request, the services, and the user's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.i18n import Lang
from creatorbot.commands.link_tokens import LinkKeys
from creatorbot.commands.policy import SYSTEM, Principal
from creatorbot.commands.reply import Button
from creatorbot.storage.models import Market
from creatorbot.storage.queries.markets import all_markets


@dataclass(frozen=True)
class CommandRequest:
    """A command as any platform delivers it, stripped of the platform's payload."""

    text: str
    platform: str = "console"
    workspace: str = ""
    channel: str = ""
    user: str = "operator"
    locale: str = "en"
    external: bool = False  # a channel shared with another organisation (Slack Connect)
    public: bool = (
        False  # the answer would be posted in the channel for everyone (not just the user)
    )
    # Given the platform's groups that have a role (Slack user group ids, Lark
    # open_department_ids), those the user is in, as the platform tells; asked only when the
    # user has no role of their own.
    member_of: Callable[[frozenset[str]], frozenset[str]] | None = None
    # The email and full name the platform knows the user by (a Slack profile's): how the
    # creators' CM and AM columns may name them, for `portfolio me` and `cm:me`.
    known_as: tuple[str, ...] = ()


def utc_now() -> dt.datetime:
    """The real clock; tests inject their own."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Services:
    """What commands need from the outside world, built once by the top floor."""

    sessions: sessionmaker[Session]
    clock: Callable[[], dt.datetime] = utc_now
    default_market: str | None = None
    charts: bool = True  # off where only the figures matter (benchmarks, text-only platforms)
    staff: Mapping[str, str] = field(default_factory=dict)  # CM/AM name → chat user id
    # (platform, workspace, email) → the chat user with that email, None when there is none;
    # raises when the platform cannot be asked. Attached by the top floor.
    lookup_user: Callable[[str, str, str], str | None] = lambda platform, workspace, email: None
    wake_jobs: Callable[[], None] = lambda: None  # a post was queued (`digest run`): post it now
    admins: frozenset[str] = frozenset()  # chat user ids that are admins whatever is granted
    # Roles the config file gives (`staff:`), by chat user id: what they have until granted one.
    roles: Mapping[str, Principal] = field(default_factory=dict)
    rate_limit_per_minute: int = 30  # commands one user may send a minute; 0: no limit
    rate_limit_exempt: frozenset[str] = frozenset()  # user ids the limit never applies to
    # A part of an answer or post failed (platform, stage): the top floor counts it.
    failed: Callable[[str, str], None] = lambda platform, stage: None
    # How creators' form links are signed and addressed; None: links are not set up.
    links: LinkKeys | None = None
    # One command answered or post made (what, its fields, seconds it took): the top floor
    # traces it when traces are configured (bot/telemetry.py).
    traced: Callable[[str, Mapping[str, object], float], None] = lambda what, fields, s: None


@dataclass
class Call:
    """One command being answered: the request, its unit of work and the user's language."""

    request: CommandRequest
    session: Session
    services: Services
    lang: Lang = field(default_factory=Lang)
    principal: Principal = SYSTEM
    _markets: dict[str, Market] | None = field(default=None, init=False, repr=False, compare=False)

    def markets(self) -> dict[str, Market]:
        """Every market by code, read once per command (parsing and answering ask it again)."""
        if self._markets is None:
            self._markets = all_markets(session=self.session)
        return self._markets

    def require_market(self, code: str) -> None:
        """Refuse, in the user's language, data of a market the user may not see."""
        if not self.principal.sees(code):
            raise UserError(self.lang._("You don't have access to {market}.").format(market=code))

    def today(self) -> dt.date:
        """Today's date by the injected clock (UTC)."""
        return self.services.clock().date()


class UserError(Exception):
    """A request that cannot be answered as asked; the message is already in the user's language
    and is shown as it is, with optional hints and buttons that answer it (a market to pick)."""

    def __init__(self, message: str, *hints: str, buttons: tuple[Button, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hints = hints
        self.buttons = buttons
