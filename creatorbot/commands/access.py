"""`access`: who may use creatorbot — grant a role in markets to a person or a group, revoke
it, list the grants. Admin only (the router checks); the grants themselves are what `policy`
reads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.groups import LOOKS_LIKE_A_GROUP, group_named, group_shown, is_group
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.parsing import unknown_word, words
from creatorbot.commands.policy import CONSOLE
from creatorbot.commands.reply import (
    Block,
    Column,
    Context,
    Header,
    Reply,
    Table,
    Text,
    mention_of,
)
from creatorbot.commands.vocabulary import meaning_of, role_word
from creatorbot.storage.grants import all_grants, grant, grants_of, revoke
from creatorbot.storage.models import Role
from creatorbot.storage.queries.markets import all_markets

USAGE = N_("access grant @user|@group ROLE [MARKET …] | access revoke @user|@group | access list")
ACTIONS = ("grant", "revoke", "list")
PLATFORMS = ("slack", "lark")
ROLES = tuple(role.value for role in Role)
Row = tuple[str, str, str, str]  # who, role, markets, granted by
# `<@U0123|farah>` or `<@U0123>` (Slack), a bare Slack id, a Lark open_id, each optionally
# prefixed with its platform (`slack:U0123`), which the console needs.
_USER = re.compile(r"^(?:(slack|lark):)?(?:<@([A-Z0-9]+)(?:\|[^>]*)?>|([A-Za-z0-9_.-]{2,64}))$")


@dataclass(frozen=True)
class AccessQuery:
    """One access action: whom it is about (a person, or a group: `user` is then its key and
    `name` what the mention called it) and, for a grant, the role and markets."""

    action: str
    platform: str = ""
    user: str = ""
    role: Role | None = None
    markets: tuple[str, ...] = ()
    name: str | None = None


def parse(text: str, call: Call) -> AccessQuery:
    """`grant WHO ROLE [MARKET …]`, `revoke WHO`, `list`; WHO a person or a group."""
    lang = call.lang
    tokens = words(text, lang)
    if not tokens:
        return AccessQuery("list")
    action = tokens[0].lower()
    if action not in ACTIONS:
        raise unknown_word(tokens[0], ACTIONS, lang, USAGE)
    rest = tokens[1:]
    if action == "list":
        if rest:
            raise unknown_word(rest[0], (), lang, USAGE)
        return AccessQuery("list")
    if not rest:
        raise UserError(
            lang._("Whose access? Mention the person, e.g. `access grant @farah cm MY`."),
            lang._("Usage: {usage}").format(usage=lang._(USAGE)),
        )
    platform, user, name = subject_of(rest[0], call)
    if action == "revoke":
        if len(rest) > 1:
            raise unknown_word(rest[1], (), lang, USAGE)
        return AccessQuery("revoke", platform, user, name=name)
    role = meaning_of("roles", rest[1]) if len(rest) > 1 else None
    if role is None:
        word = rest[1] if len(rest) > 1 else ""
        raise UserError(
            lang._("Which role? One of {roles}.").format(
                roles=", ".join(role_label(name, lang) for name in ROLES)
            )
            + (" " + lang._("I don't understand “{word}”.").format(word=word) if word else ""),
            lang._("Usage: {usage}").format(usage=lang._(USAGE)),
        )
    markets = all_markets(session=call.session)
    chosen: list[str] = []
    for word in rest[2:]:
        if word.upper() not in markets:
            raise UserError(
                lang._("I don't know the market “{market}”. Markets: {markets}.").format(
                    market=word, markets=", ".join(markets)
                )
            )
        chosen.append(word.upper())
    return AccessQuery("grant", platform, user, Role(role), tuple(chosen), name)


def role_label(role: str, lang: Lang) -> str:
    """A role as the asker's language says it (`lettore`, `pemerhati`)."""
    return role_word(role, lang.language)


def subject_of(word: str, call: Call) -> tuple[str, str, str | None]:
    """The platform, stored id and (for a group, if the mention said) name a word names."""
    group = group_named(word)
    if group is not None:
        return group.platform, group.key, group.name
    if LOOKS_LIKE_A_GROUP.match(word):
        raise UserError(
            call.lang._(
                "“{word}” is not a group I can find. Mention a Slack user group (@cm-my) or "
                "give a Lark department id (dept:od-…)."
            ).format(word=word)
        )
    return (*user_of(word, call), None)


def user_of(word: str, call: Call, *, platform_needed: bool = True) -> tuple[str, str]:
    """The platform and user id a word names; at the console the platform must be said (unless
    not `platform_needed`: then it is "" there)."""
    lang = call.lang
    found = _USER.match(word)
    if found is None:
        raise UserError(
            lang._(
                "“{word}” is not a person I can find. Mention them (@name) or give their id."
            ).format(word=word)
        )
    platform = found.group(1) or call.request.platform
    if platform not in PLATFORMS and platform_needed:
        raise UserError(
            lang._("Say which platform the person is on: `slack:U0123ABCD` or `lark:ou_…`.")
        )
    return (platform if platform in PLATFORMS else ""), found.group(2) or found.group(3)


def answer(query: AccessQuery, call: Call) -> Reply:
    """Carry out the action and say what changed, or list who has which role."""
    lang = call.lang
    if query.action == "list":
        return _listing(call)
    group = is_group(query.platform, query.user)
    name = query.name
    if group and name is None:  # a mention without the group's handle: the name it had
        held = grants_of(query.platform, query.user, session=call.session)
        name = next((g.name for g in held if g.name), None)
    who = _named(query.platform, query.user, call, name)
    if query.action == "revoke":
        gone = revoke(query.platform, query.user, session=call.session)
        if not gone:
            return Reply((Text(lang._("{user} had no role to revoke.").format(user=who)),))
        if group:
            message = lang._(
                "{group} no longer gives a role: its members keep only roles of their own."
            ).format(group=who)
        else:
            message = lang._("{user} no longer has access.").format(user=who)
        if query.user in call.services.admins:
            message += " " + lang._("They stay an admin through CREATORBOT_ADMINS.")
        return Reply((Text(message),), rows=gone)
    assert query.role is not None
    grant(
        query.platform,
        query.user,
        query.role,
        query.markets or (None,),
        by=call.request.user,
        now=call.services.clock(),
        session=call.session,
        name=name,
    )
    scope = ", ".join(query.markets) if query.markets else lang._("every market")
    if group:
        message = lang._(
            "Everyone in {group} is now {role} in {markets}, unless they have a role of their own."
        ).format(group=who, role=role_label(query.role.value, lang), markets=scope)
    else:
        message = lang._("{user} is now {role} in {markets}.").format(
            user=who, role=role_label(query.role.value, lang), markets=scope
        )
    return Reply((Text(message),), rows=1)


def _named(platform: str, user: str, call: Call, name: str | None = None) -> str:
    """How a person is shown: a mention on their own platform, `platform:id` elsewhere; a
    group by its name and id."""
    if is_group(platform, user):
        return group_shown(platform, user, name, asked_on=call.request.platform)
    return mention_of(user) if platform == call.request.platform else f"{platform}:{user}"


def _listing(call: Call) -> Reply:
    lang = call.lang
    platform = None if call.request.platform == CONSOLE else call.request.platform
    markets: dict[tuple[str, str], list[str]] = {}
    held: dict[tuple[str, str], tuple[str, str, str | None]] = {}  # role, granted by, name
    for g in all_grants(platform, session=call.session):
        key = (g.platform, g.user_id)
        markets.setdefault(key, []).append(g.market or lang._("every market"))
        held[key] = (role_label(g.role.value, lang), g.granted_by, g.name)
    rows: list[Row] = []
    groups: list[Row] = []
    for (p, u), (role, by, name) in held.items():
        row = (_named(p, u, call, name), role, ", ".join(markets[(p, u)]), by)
        (groups if is_group(p, u) else rows).append(row)
    rows += [
        (
            mention_of(user),
            role_label(Role.ADMIN.value, lang),
            lang._("every market"),
            "CREATORBOT_ADMINS",
        )
        for user in sorted(call.services.admins)
    ]
    # The config file's roles, of those it still decides for (a grant in chat wins over it).
    granted = {u for (p, u) in held if not is_group(p, u)} | call.services.admins
    rows += [
        (
            mention_of(user),
            role_label(given.role.value, lang),
            ", ".join(sorted(given.markets)) if given.markets else lang._("every market"),
            "CREATORBOT_CONFIG",
        )
        for user, given in sorted(call.services.roles.items())
        if given.role is not None and user not in granted
    ]
    title = lang._("Who has access")
    usage = Context(lang._("Usage: {usage}").format(usage=lang._(USAGE)))
    if not rows and not groups:
        return Reply((Header(title), Text(lang._("Nobody has been given a role yet.")), usage))
    blocks: list[Block] = [Header(title)]
    if rows:
        blocks.append(_table(lang._("Person"), rows, lang))
    if groups:
        blocks.append(_table(lang._("Group"), groups, lang))
        blocks.append(
            Context(
                lang._(
                    "Everyone in a group has its role, unless they have one of their own; in "
                    "several groups, the highest role counts, in the markets of all of them."
                )
            )
        )
    return Reply((*blocks, usage), rows=len(rows) + len(groups))


def _table(who: str, rows: list[Row], lang: Lang) -> Table:
    columns = (who, lang._("Role"), lang._("Markets"), lang._("Granted by"))
    return Table(tuple(Column(label) for label in columns), tuple(rows))
