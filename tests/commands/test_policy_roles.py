"""The least role each command needs, and what a role lets a person do and see, as the roles
table of SECURITY.md and the command table of commands.md say. The expected roles are written
here from those documents, not read from `commands/policy.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.policy import SYSTEM, Principal, needed_role, principal_of
from creatorbot.storage.grants import grant, group_key
from creatorbot.storage.models import Role

V, CM, LEAD, ADMIN = Role.VIEWER, Role.CM, Role.LEAD, Role.ADMIN

LEAST: list[tuple[str, str, Role | None]] = [
    # no role: `help`, whatever it is asked about
    ("help", "", None),
    ("help", "access", None),
    ("help", "digest subscribe", None),
    # viewer: leaderboard, campaign, campaign list, creator, slots, match (with export),
    # snapshot, alerts
    ("leaderboard", "", V),
    ("leaderboard", "gmv 7d MY segment:attention cm:me", V),
    ("leaderboard", "list", V),
    ("portfolio", "me MY", V),
    ("tiers", "MY cm:me", V),
    ("campaign", "my-payday-2026-11", V),
    ("campaign", "list", V),
    ("campaign", "list past MY", V),
    ("campaign", "compare a b", V),
    ("campaign", "recap my-payday-2026-11", V),
    ("campaign", "", V),
    ("creator", "aisyah", V),
    ("slots", "MY 7d", V),
    ("match", "beauty MY cm:me export", V),
    ("match", "beauty MY csv", V),
    ("snapshot", "MY", V),
    ("snapshot", "export", V),
    ("alerts", "", V),
    ("alerts", "MY as-of:2026-11-20", V),
    ("alerts", "MY subscribe me", V),
    # cm / am: feedback (form, report), alerts ack and snooze, their own subscriptions
    ("feedback", "", CM),
    ("feedback", "report campaign:my-1111-2026", CM),
    ("alerts", "ack 12", CM),
    ("alerts", "snooze 12", CM),
    ("alerts", "SNOOZE 12", CM),
    ("digest", "subscribe alerts me at least 5 orders a day", CM),
    ("digest", "subscribe portfolio me at 08:00", CM),
    ("digest", "subscribe alerts ME", CM),
    ("digest", "subscribe alerts MY mine", CM),
    ("digest", "subscribe alerts io", CM),
    ("digest", "subscribe alerts saya", CM),
    ("digest", "subscribe alerts aku", CM),
    ("digest", "", CM),  # a bare `digest` lists the asker's subscriptions
    ("digest", "list", CM),
    ("digest", "run 3", CM),
    ("digest", "pause 3", CM),
    ("digest", "resume 3", CM),
    ("digest", "unsubscribe 3", CM),
    ("digest", "List", CM),
    # lead: feedback export, campaign set-up, the payout file, files dropped in chat
    ("feedback", "export", LEAD),
    ("feedback", "export campaign:my-1111-2026 xlsx", LEAD),
    ("feedback", "EXPORT", LEAD),
    ("campaign", "new", LEAD),
    ("campaign", "edit my-payday-2026-11", LEAD),
    ("campaign", "enroll my-payday-2026-11 @a @b", LEAD),
    ("campaign", "unenroll my-payday-2026-11 @a", LEAD),
    ("campaign", "follow my-payday-2026-11 at 10:00", LEAD),
    ("campaign", "unfollow my-payday-2026-11", LEAD),
    ("campaign", "New", LEAD),
    ("campaign", "recap my-payday-2026-11 export", LEAD),
    ("campaign", "recap my-payday-2026-11 csv", LEAD),
    ("campaign", "recap my-payday-2026-11 XLSX", LEAD),
    ("campaign", "recap my-payday-2026-11 esporta", LEAD),
    ("campaign", "recap my-payday-2026-11 eksport", LEAD),
    ("campaign", "recap my-payday-2026-11 Export", LEAD),
    ("import", "", LEAD),
    ("import", "creators.csv", LEAD),
    # admin: access, audit, a channel's scheduled posts (every other digest subcommand)
    ("access", "grant @farah cm MY", ADMIN),
    ("access", "revoke @farah", ADMIN),
    ("access", "list", ADMIN),
    ("access", "", ADMIN),
    ("audit", "", ADMIN),
    ("audit", "@farah 30", ADMIN),
    ("digest", "subscribe snapshot MY at 09:00", ADMIN),
    ("digest", "subscribe alerts MY", ADMIN),
    ("digest", "subscribe feedback MY", ADMIN),
    ("digest", "subscribe alerts meme", ADMIN),
    ("digest", "war-room 3 on", ADMIN),
    ("digest", "war-room 3 off", ADMIN),
]


@pytest.mark.parametrize(("command", "arguments", "least"), LEAST)
def test_the_least_role_of_each_command(command: str, arguments: str, least: Role | None) -> None:
    assert needed_role(command, arguments) == least


LADDER = [None, V, CM, LEAD, ADMIN]  # each rung may what the rungs below it may


@pytest.mark.parametrize("role", [None, V, CM, Role.AM, LEAD, ADMIN])
def test_a_role_may_what_its_rung_and_those_below_may(role: Role | None) -> None:
    person = Principal("U1", role)
    rung = LADDER.index(CM if role is Role.AM else role)
    for needed in LADDER:
        expected = needed is None or (role is not None and LADDER.index(needed) <= rung)
        assert person.may(needed) is expected, (role, needed)
    # cm and am are one level: each may what the other may
    assert person.may(Role.AM) is person.may(CM)


def test_nobody_without_a_role_sees_a_market() -> None:
    nobody = Principal("U1", None)
    assert not nobody.sees("MY")
    assert nobody.visible(["MY", "IT"]) == []
    assert not Principal("U1", None, frozenset({"MY"})).sees("MY")


def test_a_role_for_some_markets_sees_those_only_in_the_order_asked() -> None:
    cm = Principal("U1", CM, frozenset({"MY", "IT"}))
    assert cm.sees("MY") and cm.sees("IT") and not cm.sees("SG")
    assert cm.visible(["SG", "IT", "PH", "MY"]) == ["IT", "MY"]
    assert not cm.admin


def test_a_role_for_every_market_sees_them_all() -> None:
    viewer = Principal("U1", V)
    assert viewer.sees("SG")
    assert viewer.visible(["SG", "IT", "MY"]) == ["SG", "IT", "MY"]
    assert not viewer.admin


def test_admins_and_the_scheduled_jobs_are_admins_of_every_market() -> None:
    assert Principal("U1", ADMIN, frozenset({"MY"})).admin
    assert not Principal("U1", LEAD).admin
    assert SYSTEM.admin and SYSTEM.role is ADMIN
    assert SYSTEM.sees("IT") and SYSTEM.may(ADMIN)
    assert SYSTEM.markets is None


NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
Grants = list[tuple[str, Role, list[str | None]]]


class Platform:
    """What the platform says a user is in, and which groups it was asked about."""

    def __init__(self, groups: Iterable[str]) -> None:
        self.groups = frozenset(groups)
        self.asked: list[frozenset[str]] = []

    def member_of(self, mapped: frozenset[str]) -> frozenset[str]:
        self.asked.append(mapped)
        return mapped & self.groups


def who(
    sessions: sessionmaker[Session],
    grants: Grants,
    user: str = "U1",
    *,
    platform: str = "slack",
    member_of: Callable[[frozenset[str]], frozenset[str]] | None = None,
    roles: dict[str, Principal] | None = None,
) -> Principal:
    """The principal `user` is after these grants (a user id, or `@GROUP` for a group)."""
    with sessions.begin() as session:
        for holder, role, markets in grants:
            key = group_key(platform, holder[1:]) if holder.startswith("@") else holder
            grant(platform, key, role, markets, by="UADMIN", now=NOW, session=session)
    with sessions.begin() as session:
        return principal_of(
            platform, user, member_of=member_of, admins={"UBOOT"}, session=session, roles=roles
        )


def test_the_console_and_the_bootstrap_admins_are_admins_of_every_market(
    sessions: sessionmaker[Session],
) -> None:
    assert who(sessions, [], "operator", platform="console") == Principal("operator", ADMIN)
    granted: Grants = [("UBOOT", V, ["IT"])]
    assert who(sessions, granted, "UBOOT") == Principal("UBOOT", ADMIN)


def test_without_any_grant_nobody_has_a_role(sessions: sessionmaker[Session]) -> None:
    assert who(sessions, [("U2", LEAD, ["MY"])], "U1") == Principal("U1", None, frozenset())


def test_a_personal_grant_wins_over_the_config_file_and_the_groups(
    sessions: sessionmaker[Session],
) -> None:
    platform = Platform({"leads"})
    found = who(
        sessions,
        [("U1", V, ["IT"]), ("@leads", LEAD, [None])],
        member_of=platform.member_of,
        roles={"U1": Principal("U1", ADMIN)},
    )
    assert found == Principal("U1", V, frozenset({"IT"}))
    assert platform.asked == []  # someone with a role of their own is not looked up


def test_the_config_file_gives_a_role_to_someone_without_a_grant(
    sessions: sessionmaker[Session],
) -> None:
    configured = Principal("U1", LEAD, frozenset({"MY"}))
    assert who(sessions, [], roles={"U1": configured}) == configured


def test_among_groups_the_highest_level_counts_in_the_markets_of_that_level(
    sessions: sessionmaker[Session],
) -> None:
    grants: Grants = [("@viewers-it", V, ["IT"]), ("@cm-my", CM, ["MY"])]
    platform = Platform({"viewers-it", "cm-my"})
    found = who(sessions, grants, member_of=platform.member_of)
    assert found == Principal("U1", CM, frozenset({"MY"}))
    assert platform.asked == [frozenset({"viewers-it", "cm-my"})]


def test_cm_and_am_groups_add_up_at_one_level(sessions: sessionmaker[Session]) -> None:
    grants: Grants = [("@viewers-it", V, ["IT"]), ("@cm-my", CM, ["MY"])]
    grants.append(("@am-it", Role.AM, ["IT"]))
    found = who(sessions, grants, member_of=Platform({"viewers-it", "cm-my", "am-it"}).member_of)
    assert found.user == "U1" and found.role in (CM, Role.AM)
    assert found.markets == frozenset({"MY", "IT"})


def test_a_group_grant_for_every_market_at_the_top_level_means_every_market(
    sessions: sessionmaker[Session],
) -> None:
    grants: Grants = [("@lead-my", LEAD, ["MY"]), ("@leads", LEAD, [None]), ("@viewers", V, ["IT"])]
    found = who(sessions, grants, member_of=Platform({"lead-my", "leads", "viewers"}).member_of)
    assert found == Principal("U1", LEAD)


def test_a_group_the_person_is_not_in_gives_nothing(sessions: sessionmaker[Session]) -> None:
    platform = Platform({"other"})
    found = who(sessions, [("@leads", LEAD, ["MY"])], member_of=platform.member_of)
    assert found == Principal("U1", None, frozenset())
    assert platform.asked == [frozenset({"leads"})]


def test_the_platform_is_not_asked_when_no_group_has_a_role(
    sessions: sessionmaker[Session],
) -> None:
    platform = Platform({"leads"})
    found = who(sessions, [("U2", LEAD, ["MY"])], member_of=platform.member_of)
    assert found == Principal("U1", None, frozenset())
    assert platform.asked == []
