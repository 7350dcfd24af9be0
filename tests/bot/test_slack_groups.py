"""A Slack user group given a role, end to end: an admin grants `@cm-my` cm in MY by mention;
its members see MY and nothing else, lose it when they leave the group (once the kept
membership expires), and a Slack that cannot list the group leaves them without a group role."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from creatorbot.bot.slack.groups import UserGroups
from tests.bot.slack_harness import SlackBot, running_bot
from tests.fakes.slack_requests import slash_command

NO_ACCESS = "You don't have access to creatorbot's data yet."
SORRY = "Sorry, I couldn't answer that"
LIST = "usergroups.users.list"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        running.fake.add_user("U7", locale="en-US")
        running.fake.add_user("U8", locale="en-US")
        yield running


def answer(bot: SlackBot, text: str, user: str = "U1") -> str:
    """What `user` reads after `/creatorbot text` (U1 is an admin)."""
    url = bot.fake.response_url(f"{user}-{time.monotonic_ns()}")
    status, _, _ = bot.send(slash_command("/creatorbot", text, user_id=user, response_url=url))
    assert status == 200
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1)
    return json.dumps(bot.fake.responses(url)[0], ensure_ascii=False)


def groups(bot: SlackBot) -> UserGroups:
    groups: UserGroups = bot.running.platforms["slack"].handlers.groups
    return groups


def test_members_of_a_granted_group_see_its_markets_until_they_leave_it(bot: SlackBot) -> None:
    cm_my = bot.fake.add_group("SCMMY", handle="cm-my", users=["U7"])
    assert NO_ACCESS in answer(bot, "leaderboard MY", user="U7")
    assert bot.fake.calls(LIST) == []  # no group has a role yet: Slack is not asked

    granted = answer(bot, f"access grant {cm_my} cm MY")
    assert "Everyone in @cm-my (group:SCMMY) is now cm in MY" in granted

    board = answer(bot, "leaderboard MY", user="U7")
    assert "Amir" in board and NO_ACCESS not in board
    assert "You don't have access to IT." in answer(bot, "leaderboard IT", user="U7")
    assert "Feedback report" in answer(bot, "feedback report", user="U7")  # a cm may
    assert "Only an admin can use `access`" in answer(bot, "access list", user="U7")
    assert NO_ACCESS in answer(bot, "leaderboard MY", user="U8")  # not in the group
    listing = answer(bot, "access list")
    assert "@cm-my (group:SCMMY)" in listing and "Group" in listing

    bot.fake.set_group_members("SCMMY", [])
    assert "Amir" in answer(bot, "leaderboard MY", user="U7")  # membership kept a few minutes
    asked = len(bot.fake.calls(LIST))
    assert asked == 1  # once for every command above
    groups(bot).forget()  # as when the five minutes are up
    assert NO_ACCESS in answer(bot, "leaderboard MY", user="U7")
    assert len(bot.fake.calls(LIST)) == asked + 1


def test_a_personal_role_comes_before_the_group_and_a_revoked_group_gives_nothing(
    bot: SlackBot,
) -> None:
    cm_my = bot.fake.add_group("SCMMY", handle="cm-my", users=["U7", "U8"])
    granted = answer(bot, f"access grant {cm_my} cm MY", user="U2")  # an admin writing Italian
    assert "Tutti in @cm-my (group:SCMMY) ora sono cm in MY" in granted
    answer(bot, "access grant <@U8|marco> viewer IT")
    assert "You don't have access to MY." in answer(bot, "leaderboard MY", user="U8")
    assert "Giulia" in answer(bot, "leaderboard IT", user="U8")

    revoked = answer(bot, "access revoke <!subteam^SCMMY>")  # a mention without its handle
    assert "@cm-my (group:SCMMY) no longer gives a role" in revoked  # the name was kept
    assert NO_ACCESS in answer(bot, "leaderboard MY", user="U7")
    assert "Giulia" in answer(bot, "leaderboard IT", user="U8")


@pytest.mark.parametrize("fault", [{"status": 500}, {"status": 200, "error": "missing_scope"}])
def test_a_slack_that_cannot_list_the_group_leaves_its_members_without_its_role(
    bot: SlackBot, fault: dict[str, object]
) -> None:
    cm_my = bot.fake.add_group("SCMMY", handle="cm-my", users=["U7"])
    answer(bot, f"access grant {cm_my} cm MY")
    groups(bot).forget()
    bot.fake.fail(LIST, times=1, **fault)  # type: ignore[arg-type]

    refused = answer(bot, "leaderboard MY", user="U7")
    assert NO_ACCESS in refused and SORRY not in refused and "Amir" not in refused
    assert bot.fake.calls(LIST)[-1].failed

    groups(bot).forget()  # Slack answers again once the failure is no longer kept
    assert "Amir" in answer(bot, "leaderboard MY", user="U7")
