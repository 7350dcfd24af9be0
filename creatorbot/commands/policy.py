"""Who may do what, in one place: a user's role and markets, the role each command needs, and
the market check every command's data passes through."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from creatorbot.storage.grants import grants_of, group_grants, mapped_groups
from creatorbot.storage.models import Role, RoleGrant

# Higher sees more; cm and am differ in what they work on, not in what they may do.
LEVEL = {Role.VIEWER: 0, Role.CM: 1, Role.AM: 1, Role.LEAD: 2, Role.ADMIN: 3}
ADMIN_ONLY = frozenset({"access", "audit", "digest"})
FORM_ROLE = Role.CM  # who may submit a form (feedback): not a viewer
SETUP_ROLE = Role.LEAD  # who sets campaigns up: leads and admins of the market
IMPORT_ROLE = Role.LEAD  # who may import a file dropped in chat
# `campaign` actions that set a campaign up, enrol creators or have a channel follow it.
CAMPAIGN_SETUP = frozenset({"new", "edit", "enroll", "unenroll", "follow", "unfollow"})
CONSOLE = "console"
# "me" in the team's languages: a personal subscription (`digest subscribe alerts me`), an owner
# filter (`cm:me`), a portfolio (`portfolio saya`).
ME = ("me", "mine", "io", "saya", "aku")
# What a CM may do with `digest`: their own personal subscriptions (the command keeps them to
# those); a channel's posts are the admins'.
OWN_DIGEST = frozenset({"", "list", "run", "pause", "resume", "unsubscribe"})


@dataclass(frozen=True)
class Principal:
    """The person behind a request: their role (None: no access) and markets (None: all)."""

    user: str
    role: Role | None
    markets: frozenset[str] | None = None

    def may(self, needed: Role | None) -> bool:
        """Whether the role is at least `needed` (None: anyone, even without access)."""
        if needed is None:
            return True
        return self.role is not None and LEVEL[self.role] >= LEVEL[needed]

    def sees(self, market: str) -> bool:
        """Whether the person may see `market`'s data."""
        return self.role is not None and (self.markets is None or market in self.markets)

    @property
    def admin(self) -> bool:
        """Whether the person is an admin (of some market or all)."""
        return self.role is Role.ADMIN

    def visible(self, markets: Collection[str]) -> list[str]:
        """Those of `markets` the person may see, in order."""
        return [m for m in markets if self.sees(m)]


SYSTEM = Principal("system", Role.ADMIN)  # scheduled jobs, the console operator


def principal_of(
    platform: str,
    user: str,
    *,
    member_of: Callable[[frozenset[str]], frozenset[str]] | None = None,
    admins: Collection[str],
    session: Session,
    roles: Mapping[str, Principal] | None = None,
) -> Principal:
    """Who is asking: the console's operator and the bootstrap admins are admins of every market;
    anyone else has the role admins granted them, else the role the config file gives them
    (`roles`, by user id), else what the groups they are in were granted (`member_of` tells
    which of the groups with a role they are in), or nothing."""
    if platform == CONSOLE or user in admins:
        return Principal(user, Role.ADMIN)
    grants = grants_of(platform, user, session=session)
    if not grants and roles and user in roles:
        return roles[user]
    if not grants and member_of is not None:
        mapped = mapped_groups(platform, session=session)
        grants = group_grants(platform, member_of(mapped), session=session) if mapped else []
    if not grants:
        return Principal(user, None, frozenset())
    return _strongest(user, grants)


def _strongest(user: str, grants: Collection[RoleGrant]) -> Principal:
    """The highest level among `grants`, in every market a grant of that level gives. A person
    has one role; several groups may give several, and cm and am (one level) add up."""
    level = max(LEVEL[g.role] for g in grants)
    mine = [g for g in grants if LEVEL[g.role] == level]
    role = min((g.role for g in mine), key=lambda r: r.value)  # the same whatever the order
    if any(g.market is None for g in mine):
        return Principal(user, role)
    return Principal(user, role, frozenset(str(g.market) for g in mine))


def _personal(arguments: str) -> bool:
    return any(word.lower() in ME for word in arguments.split())


FILE_FORMATS = {"csv", "xlsx"}


def _asks_a_file(arguments: str) -> bool:
    """Whether the words ask for a file (`export`, `esporta`, `eksport`, `csv`, `xlsx`)."""
    from creatorbot.commands.vocabulary import is_export_word  # it imports core, which imports us

    return any(w.lower() in FILE_FORMATS or is_export_word(w) for w in arguments.split())


def needed_role(command: str, arguments: str) -> Role | None:
    """The least role a command needs (None: anyone may run it, even without access)."""
    first = arguments.split(maxsplit=1)[0].lower() if arguments.strip() else ""
    if command == "help":
        return None
    if command == "digest" and first == "subscribe" and _personal(arguments):
        return Role.CM  # an owner subscribes themselves: their own DM, their own creators
    if command == "digest" and first in OWN_DIGEST:
        return Role.CM
    if command in ADMIN_ONLY:
        return Role.ADMIN
    if command == "import":
        return IMPORT_ROLE
    if command == "feedback":
        return Role.LEAD if first == "export" else Role.CM
    if command == "campaign" and first in CAMPAIGN_SETUP:
        return Role.LEAD
    if command == "campaign" and first == "recap" and _asks_a_file(arguments):
        return Role.LEAD  # the payout file: what each creator is paid, for finance
    if command == "alerts" and first in ("ack", "snooze"):
        return Role.CM
    return Role.VIEWER
