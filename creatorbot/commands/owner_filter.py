"""Who owns which creators: the names a user is known by (`me`), and the `cm:` / `am:` filter
that keeps the creators a CM or AM owns."""

from __future__ import annotations

from dataclasses import dataclass

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.owners import names_of
from creatorbot.commands.policy import ME
from creatorbot.commands.vocabulary import option

ROLES = ("cm", "am")
ME_WORD = {"en": "me", "it": "io", "ms": "saya"}  # how each language writes `me`


@dataclass(frozen=True)
class Owners:
    """The names (emails or full names, any case) a `cm:`/`am:` filter or a portfolio keeps
    the creators of, and how the user wrote it."""

    names: tuple[str, ...]
    written: str


def my_names(call: Call) -> tuple[str, ...]:
    """The names the asking user may be listed under as a CM or AM: the platform's profile
    (email, full name) and the staff directory's names mapped to their chat user, else the
    owners' emails found to be theirs on the platform."""
    user = call.request.user
    staff = tuple(name for name, chat_user in call.services.staff.items() if chat_user == user)
    known = tuple(dict.fromkeys(n for n in (*call.request.known_as, *staff) if n and n.strip()))
    # A platform that gives no profile (Lark): the owners' emails looked up as chat users.
    return known or tuple(names_of(user, call))


def owners_of(value: str, call: Call) -> Owners:
    """The owners a word names: `me` (the user), a Slack mention of a known CM, or a name or
    email as the creators file writes it."""
    wanted = value.strip().lstrip("@")
    if wanted.lower() in ME:
        names = my_names(call)
        if not names:
            raise UserError(
                call.lang._(
                    "I don't know your email or name here, so I can't tell which creators are "
                    "yours. Name their CM or AM instead."
                )
            )
        return Owners(names, "me")
    if wanted.startswith("<@") and wanted.endswith(">"):  # a Slack mention: <@U123|name>
        user = wanted[2:-1].split("|")[0]
        names = tuple(n for n, u in call.services.staff.items() if u == user)
        return Owners(names or tuple(names_of(user, call)) or (user,), value)
    return Owners((wanted,), value)


@dataclass(frozen=True)
class OwnerScope:
    """A `cm:NAME` or `am:NAME` filter: the role, the names it keeps, and the word as written
    (shown back in titles and footers, and kept in the buttons that ask again)."""

    role: str
    names: tuple[str, ...]
    written: str

    @property
    def owners(self) -> tuple[str, tuple[str, ...]]:
        """(role, names), as the storage queries take it."""
        return self.role, self.names


def owner_scope(word: str, call: Call) -> OwnerScope | None:
    """The filter a `cm:NAME` / `am:NAME` word asks for (the key in any language); None for any
    other word."""
    key, colon, value = word.partition(":")
    role = option(key)
    if not colon or role not in ROLES:
        return None
    if not value.strip():
        me = ME_WORD.get(call.lang.language, "me")
        raise UserError(
            call.lang._("“{key}:” needs a name or an email, e.g. {key}:{me}.").format(
                key=key.lower(), me=me
            )
        )
    return OwnerScope(role, owners_of(value, call).names, word)
