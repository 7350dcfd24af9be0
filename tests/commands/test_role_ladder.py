"""The roles table of SECURITY.md, rung by rung: each command is refused to the role just below
the least one the table gives it, and is not refused to that role. The table is written here
from the document, not read from `commands/policy.py`."""

from __future__ import annotations

import pytest

from tests.commands.test_access import ADMIN, Ask, ask, router, world  # noqa: F401 (fixtures)

BELOW = {"cm": "viewer", "lead": "cm", "admin": "lead"}
LEAST = [  # (command, the least role that may run it) as SECURITY.md's table says
    ("feedback export", "lead"),
    ("feedback export xlsx", "lead"),
    ("feedback report", "cm"),
    ("alerts ack 1", "cm"),
    ("alerts snooze 1", "cm"),
    ("campaign recap my-1212 export", "lead"),
    ("access list", "admin"),
    ("audit", "admin"),
    ("digest subscribe snapshot MY at 09:00", "admin"),
]
REFUSED = ("can't do that", "Only an admin can use")


@pytest.mark.parametrize(("command", "least"), LEAST)
def test_a_command_is_refused_just_below_its_least_role(
    ask: Ask,  # noqa: F811
    command: str,
    least: str,
) -> None:
    ask(ADMIN, f"access grant ULOW {BELOW[least]}")
    ask(ADMIN, f"access grant UOK {least}")
    below = ask("ULOW", command)
    assert any(word in below for word in REFUSED), below
    allowed = ask("UOK", command)
    assert not any(word in allowed for word in REFUSED), allowed
