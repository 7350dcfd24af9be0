"""A Lark department given a role, end to end: an admin grants `dept:od-…` cm in MY; people in
that department see MY and nothing else, lose it when they leave (once the kept departments
expire), and a Lark that cannot tell someone's departments leaves them without its role."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest

from creatorbot.bot.lark.groups import Departments
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.fakes import lark_events as le
from tests.fakes.lark_api import CONTACT_USER, NO_USER_AUTHORITY

NO_ACCESS = "You don't have access to creatorbot's data yet."
SORRY = "Sorry, I couldn't answer that"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path) as running:
        yield running


def answer(bot: LarkBot, text: str, user: str = "ou_1") -> str:
    """What `user` reads in their chat with the bot after sending `text` (ou_1 is an admin)."""
    chat = f"oc_dm_{user}"
    before = len(bot.fake.messages(chat))
    status, _ = bot.deliver(le.message_event(text, chat, chat_type="p2p", open_id=user))
    assert status == 200
    bot.fake.wait_for(lambda: len(bot.fake.messages(chat)) > before)
    return html.unescape(bot.fake.messages(chat)[-1]["content"])


def departments(bot: LarkBot) -> Departments:
    kept: Departments = bot.running.platforms["lark"].handlers.departments
    return kept


def test_people_in_a_granted_department_see_its_markets_until_they_leave(bot: LarkBot) -> None:
    bot.fake.set_departments("ou_cm", ["od-cmmy", "od-all"])
    bot.fake.set_departments("ou_other", ["od-all"])
    assert NO_ACCESS in answer(bot, "leaderboard MY", user="ou_cm")
    assert bot.fake.calls(CONTACT_USER) == []  # no department has a role yet: Lark not asked

    granted = answer(bot, "access grant dept:od-cmmy cm MY")
    assert "Everyone in dept:od-cmmy is now cm in MY" in granted

    board = answer(bot, "leaderboard MY", user="ou_cm")
    assert "RM1,750.00" in board and NO_ACCESS not in board
    assert "You don't have access to IT." in answer(bot, "leaderboard IT", user="ou_cm")
    assert NO_ACCESS in answer(bot, "leaderboard MY", user="ou_other")
    listing = answer(bot, "access list")
    assert "dept:od-cmmy" in listing and "Group" in listing
    asked = [c for c in bot.fake.calls(CONTACT_USER) if c.params["user_id"] == "ou_cm"]
    assert len(asked) == 1  # kept for the commands that followed
    assert asked[0].params["department_id_type"] == "open_department_id"

    bot.fake.set_departments("ou_cm", ["od-all"])
    assert "RM1,750.00" in answer(bot, "leaderboard MY", user="ou_cm")  # kept a few minutes
    departments(bot).forget()  # as when the five minutes are up
    assert NO_ACCESS in answer(bot, "leaderboard MY", user="ou_cm")


def test_a_revoked_department_gives_nothing_and_a_personal_role_comes_first(bot: LarkBot) -> None:
    bot.fake.set_departments("ou_cm", ["od-cmmy"])
    bot.fake.set_departments("ou_lead", ["od-cmmy"])
    answer(bot, "access grant dept:od-cmmy cm MY")
    answer(bot, "access grant ou_lead viewer IT")
    assert "You don't have access to MY." in answer(bot, "leaderboard MY", user="ou_lead")
    assert "no longer gives a role" in answer(bot, "access revoke dept:od-cmmy")
    assert NO_ACCESS in answer(bot, "leaderboard MY", user="ou_cm")
    assert "Giulia" in answer(bot, "leaderboard IT", user="ou_lead")


def test_a_lark_that_cannot_tell_the_departments_leaves_people_without_their_role(
    bot: LarkBot,
) -> None:
    bot.fake.set_departments("ou_cm", ["od-cmmy"])
    answer(bot, "access grant dept:od-cmmy cm MY")
    bot.fake.fail(CONTACT_USER, status=500, times=2)  # the first try and its one retry

    refused = answer(bot, "leaderboard MY", user="ou_cm")
    assert NO_ACCESS in refused and SORRY not in refused and "RM1,750.00" not in refused
    assert [c.failed for c in bot.fake.calls(CONTACT_USER)][-2:] == [True, True]

    departments(bot).forget()
    assert "RM1,750.00" in answer(bot, "leaderboard MY", user="ou_cm")


def test_someone_outside_the_apps_contacts_range_is_in_no_department(bot: LarkBot) -> None:
    answer(bot, "access grant dept:od-cmmy cm MY")
    refused = answer(bot, "leaderboard MY", user="ou_stranger")  # Lark answers 41050
    assert NO_ACCESS in refused and SORRY not in refused
    assert bot.fake.calls(CONTACT_USER)[-1].response["code"] == NO_USER_AUTHORITY
