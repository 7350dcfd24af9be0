"""Roles given to groups (Slack user groups, Lark departments), through the real router: a
personal role beats any group's; among groups the highest role counts, in the markets of every
grant at that level; a revoked group gives nothing; `access list` shows the groups."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.policy import principal_of
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage.models import Role
from tests.commands.conftest import NOW, creator_row, metric_row, seed

END = dt.date(2026, 11, 23)
ADMIN = "UADMIN"
NO_ACCESS = "You don't have access to creatorbot's data yet."

Ask = Callable[..., str]


@pytest.fixture
def router(sessions: sessionmaker[Session]) -> Router:
    """One creator in each market over a week; UADMIN a bootstrap admin."""
    seed(
        sessions,
        [creator_row("amir", "MY"), creator_row("giulia", "IT", tier="oro")],
        [
            metric_row(END - dt.timedelta(days=d), handle, 100_00, market)
            for d in range(7)
            for handle, market in (("amir", "MY"), ("giulia", "IT"))
        ],
    )
    services = Services(sessions=sessions, clock=lambda: NOW, admins=frozenset({ADMIN}))
    return Router(commands(), services)


def in_groups(groups: Iterable[str]) -> Callable[[frozenset[str]], frozenset[str]]:
    """What the platform says: the user is in `groups` (of those with a role)."""
    return lambda mapped: mapped & frozenset(groups)


@pytest.fixture
def ask(router: Router) -> Ask:
    """What a user sees, on Slack unless told, in the groups the platform said they are in."""

    def send(user: str, text: str, *groups: str, platform: str = "slack", **request: str) -> str:
        asked = CommandRequest(
            text=text, platform=platform, user=user, member_of=in_groups(groups), **request
        )
        return render(router.handle(asked))

    return send


def sees(ask: Ask, user: str, *groups: str, platform: str = "slack") -> set[str]:
    """The markets whose leaderboard `user` is shown (amir is MY's creator, giulia IT's)."""
    seen = set()
    for market, creator in (("MY", "amir"), ("IT", "giulia")):
        if creator in ask(user, f"leaderboard {market}", *groups, platform=platform).lower():
            seen.add(market)
    return seen


def test_a_group_gives_its_members_its_role_in_its_markets(ask: Ask) -> None:
    granted = ask(ADMIN, "access grant <!subteam^SCMMY|@cm-my> cm MY")
    assert granted == (
        "Everyone in @cm-my (group:SCMMY) is now cm in MY, unless they have a role of their own."
    )
    assert sees(ask, "U5", "SCMMY") == {"MY"}
    assert "You don't have access to IT." in ask("U5", "leaderboard IT", "SCMMY")
    assert "No feedback has been logged yet." in ask("U5", "feedback report", "SCMMY")  # a cm may
    assert "Only an admin can use `access`" in ask("U5", "access list", "SCMMY")
    assert NO_ACCESS in ask("U5", "leaderboard MY")  # the platform did not say SCMMY
    assert NO_ACCESS in ask("U5", "leaderboard MY", "SOTHER")


def test_a_personal_role_beats_every_group_even_a_higher_one(ask: Ask) -> None:
    ask(ADMIN, "access grant subteam:SLEADS lead")
    ask(ADMIN, "access grant <@U5|ana> viewer IT")
    # U5's own grant is viewer in IT; the group's lead in every market does not count for U5.
    assert sees(ask, "U5", "SLEADS") == {"IT"}
    assert "Your role (viewer) can't do that." in ask("U5", "feedback report", "SLEADS")
    assert sees(ask, "U6", "SLEADS") == {"IT", "MY"}  # no role of their own: the group's
    ask(ADMIN, "access revoke U5")
    assert sees(ask, "U5", "SLEADS") == {"IT", "MY"}


def test_the_highest_group_role_counts_in_the_markets_of_that_level(
    ask: Ask, sessions: sessionmaker[Session]
) -> None:
    ask(ADMIN, "access grant group:SVIEWIT viewer IT")
    ask(ADMIN, "access grant group:SCMMY cm MY")
    ask(ADMIN, "access grant group:SAMIT am IT")

    def principal(*groups: str) -> tuple[Role | None, frozenset[str] | None]:
        with sessions.begin() as session:
            found = principal_of(
                "slack", "U5", member_of=in_groups(groups), admins=frozenset(), session=session
            )
        return found.role, found.markets

    # viewer IT + cm MY: cm (level 1) beats viewer (level 0), so only cm's market, MY
    assert principal("SVIEWIT", "SCMMY") == (Role.CM, frozenset({"MY"}))
    assert sees(ask, "U5", "SVIEWIT", "SCMMY") == {"MY"}
    # ... + am IT: am is cm's level, so both grants of level 1 count: MY and IT
    assert principal("SVIEWIT", "SCMMY", "SAMIT") == (Role.AM, frozenset({"IT", "MY"}))
    assert sees(ask, "U5", "SVIEWIT", "SCMMY", "SAMIT") == {"IT", "MY"}
    # a grant for every market at the top level means every market
    ask(ADMIN, "access grant group:SCMALL cm")
    assert principal("SCMMY", "SCMALL") == (Role.CM, None)
    assert principal("SVIEWIT") == (Role.VIEWER, frozenset({"IT"}))
    assert principal() == (None, frozenset())


def test_a_revoked_group_gives_nothing(ask: Ask) -> None:
    ask(ADMIN, "access grant <!subteam^SCMMY|@cm-my> cm MY")
    assert sees(ask, "U5", "SCMMY") == {"MY"}
    revoked = ask(ADMIN, "access revoke <!subteam^SCMMY>")
    assert revoked == (
        "@cm-my (group:SCMMY) no longer gives a role: its members keep only roles of their own."
    )
    assert NO_ACCESS in ask("U5", "leaderboard MY", "SCMMY")
    assert "had no role to revoke" in ask(ADMIN, "access revoke subteam:SCMMY")


def test_lark_departments_and_platforms_stay_apart(ask: Ask) -> None:
    assert "Everyone in dept:od-cmmy is now cm in MY" in ask(
        ADMIN, "access grant dept:od-cmmy cm MY", platform="lark"
    )
    assert sees(ask, "ou_5", "od-cmmy", platform="lark") == {"MY"}
    # the same id said by Slack is not that department; a Slack group id is not a Lark one
    assert sees(ask, "U5", "od-cmmy") == set()
    ask(ADMIN, "access grant subteam:SCMMY cm IT")
    assert sees(ask, "ou_5", "SCMMY", platform="lark") == set()


def test_access_list_shows_groups_by_name_or_id(ask: Ask, router: Router) -> None:
    ask(ADMIN, "access grant <!subteam^SCMMY|@cm-my> cm MY")
    ask(ADMIN, "access grant subteam:SVIEW viewer")
    ask(ADMIN, "access grant <@U3> lead IT")
    listing = ask(ADMIN, "access list")
    assert "Group" in listing and "Person" in listing
    assert "@cm-my (group:SCMMY)" in listing and "group:SVIEW" in listing
    assert listing.index("@U3") < listing.index("group:SVIEW")  # people first, then groups
    assert "unless they have one of their own" in listing
    # a new grant by a mention without the handle keeps the name the group had
    ask(ADMIN, "access grant <!subteam^SCMMY> cm MY IT")
    assert "@cm-my (group:SCMMY)" in ask(ADMIN, "access list")

    def console(text: str) -> str:
        return render(router.handle(CommandRequest(text=text)))

    assert "lark:dept:od-cmmy is now viewer in IT" in console(
        "access grant lark:dept:od-cmmy viewer IT"
    )
    assert "slack:group:SOPS is now lead" in console("access grant slack:group:SOPS lead")
    listing = console("access list")
    assert "@cm-my (slack:group:SCMMY)" in listing and "lark:dept:od-cmmy" in listing


def test_a_word_that_is_not_a_group_is_refused_clearly(ask: Ask) -> None:
    for word in ("dept:sales", "<!subteam^>", "subteam:", "lark:dept:od-"):
        assert f"“{word}” is not a group I can find." in ask(ADMIN, f"access grant {word} cm")
    assert "is not a person I can find" in ask(ADMIN, "access grant <!channel> cm")


def test_group_messages_speak_the_asker_s_language(ask: Ask) -> None:
    italian = ask(ADMIN, "access grant <!subteam^SCMMY|@cm-my> cm MY", locale="it")
    assert italian.startswith("Tutti in @cm-my (group:SCMMY) ora sono cm in MY")
    listing = ask(ADMIN, "access list", locale="ms")
    assert "Kumpulan" in listing and "melainkan mereka mempunyai peranan sendiri" in listing
    malay = ask(ADMIN, "access revoke subteam:SCMMY", locale="ms")
    assert malay.startswith("@cm-my (group:SCMMY) tidak lagi memberi peranan")
    assert "Non trovo nessun gruppo “dept:x”." in ask(ADMIN, "access grant dept:x cm", locale="it")


def test_a_role_from_the_config_file_counts_until_an_admin_grants_one(
    router: Router, ask: Ask
) -> None:
    from dataclasses import replace

    from creatorbot.commands.policy import Principal

    router.services = replace(
        router.services, roles={"U7": Principal("U7", Role.CM, frozenset({"MY"}))}
    )
    ask(ADMIN, "access grant group:SLEADS lead")
    # The file's cm of MY: theirs even in a group with a higher role, as a personal grant is.
    assert sees(ask, "U7", "SLEADS") == {"MY"}
    assert "You don't have access to IT." in ask("U7", "leaderboard IT")
    assert "No feedback has been logged yet." in ask("U7", "feedback report")  # a cm may
    listed = ask(ADMIN, "access list")
    assert re.search(r"@U7 +cm +MY +CREATORBOT_CONFIG", listed), listed
    ask(ADMIN, "access grant <@U7|farah> viewer IT")  # granted in chat: that wins
    assert sees(ask, "U7") == {"IT"}
    assert "CREATORBOT_CONFIG" not in ask(ADMIN, "access list")
    ask(ADMIN, "access revoke U7")
    assert sees(ask, "U7") == {"MY"}
