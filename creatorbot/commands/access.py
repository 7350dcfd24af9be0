"""`access`: who may use creatorbot — grant a role in markets, revoke it, list the grants.
Admin only (the router checks); the grants themselves are what `policy` reads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.parsing import unknown_word, words
from creatorbot.commands.policy import CONSOLE
from creatorbot.commands.reply import Column, Context, Header, Reply, Table, Text, mention_of
from creatorbot.storage.grants import all_grants, grant, revoke
from creatorbot.storage.models import Role
from creatorbot.storage.queries.markets import all_markets

USAGE = "access grant @user ROLE [MARKET …] | access revoke @user | access list"
ACTIONS = ("grant", "revoke", "list")
PLATFORMS = ("slack", "lark")
ROLES = tuple(role.value for role in Role)
# `<@U0123|farah>` or `<@U0123>` (Slack), a bare Slack id, a Lark open_id, each optionally
# prefixed with its platform (`slack:U0123`), which the console needs.
_USER = re.compile(r"^(?:(slack|lark):)?(?:<@([A-Z0-9]+)(?:\|[^>]*)?>|([A-Za-z0-9_.-]{2,64}))$")


@dataclass(frozen=True)
class AccessQuery:
    """One access action: whom it is about and, for a grant, the role and markets."""

    action: str
    platform: str = ""
    user: str = ""
    role: Role | None = None
    markets: tuple[str, ...] = ()


def parse(text: str, call: Call) -> AccessQuery:
    """`grant USER ROLE [MARKET …]`, `revoke USER`, `list`."""
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
            lang._("Usage: {usage}").format(usage=USAGE),
        )
    platform, user = user_of(rest[0], call)
    if action == "revoke":
        if len(rest) > 1:
            raise unknown_word(rest[1], (), lang, USAGE)
        return AccessQuery("revoke", platform, user)
    if len(rest) < 2 or rest[1].lower() not in ROLES:
        word = rest[1] if len(rest) > 1 else ""
        raise UserError(
            lang._("Which role? One of {roles}.").format(roles=", ".join(ROLES))
            + (" " + lang._("I don't understand “{word}”.").format(word=word) if word else ""),
            lang._("Usage: {usage}").format(usage=USAGE),
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
    return AccessQuery("grant", platform, user, Role(rest[1].lower()), tuple(chosen))


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
    who = _named(query.platform, query.user, call)
    if query.action == "revoke":
        gone = revoke(query.platform, query.user, session=call.session)
        if not gone:
            return Reply((Text(lang._("{user} had no role to revoke.").format(user=who)),))
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
    )
    scope = ", ".join(query.markets) if query.markets else lang._("every market")
    return Reply(
        (
            Text(
                lang._("{user} is now {role} in {markets}.").format(
                    user=who, role=query.role.value, markets=scope
                )
            ),
        ),
        rows=1,
    )


def _named(platform: str, user: str, call: Call) -> str:
    """How a person is shown: a mention on their own platform, `platform:id` elsewhere."""
    return mention_of(user) if platform == call.request.platform else f"{platform}:{user}"


def _listing(call: Call) -> Reply:
    lang = call.lang
    platform = None if call.request.platform == CONSOLE else call.request.platform
    grants = all_grants(platform, session=call.session)
    people: dict[tuple[str, str], list[str]] = {}
    roles: dict[tuple[str, str], str] = {}
    granted: dict[tuple[str, str], str] = {}
    for g in grants:
        key = (g.platform, g.user_id)
        people.setdefault(key, []).append(g.market or lang._("every market"))
        roles[key] = g.role.value
        granted[key] = g.granted_by
    rows = [
        (_named(p, u, call), roles[(p, u)], ", ".join(people[(p, u)]), granted[(p, u)])
        for p, u in people
    ]
    rows += [
        (mention_of(user), Role.ADMIN.value, lang._("every market"), "CREATORBOT_ADMINS")
        for user in sorted(call.services.admins)
    ]
    title = lang._("Who has access")
    if not rows:
        return Reply(
            (
                Header(title),
                Text(lang._("Nobody has been given a role yet.")),
                Context(lang._("Usage: {usage}").format(usage=USAGE)),
            )
        )
    table = Table(
        (
            Column(lang._("Person")),
            Column(lang._("Role")),
            Column(lang._("Markets")),
            Column(lang._("Granted by")),
        ),
        tuple(rows),
    )
    return Reply(
        (Header(title), table, Context(lang._("Usage: {usage}").format(usage=USAGE))),
        rows=len(rows),
    )
