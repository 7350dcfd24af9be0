"""Two admins giving one person a role at the same moment, on SQLite and PostgreSQL: each is
told it is done, and the person ends with exactly one grant's roles (never both, never
twice)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.router import Router
from creatorbot.storage.models import RoleGrant
from tests.commands.conftest import creator_row, seed
from tests.storage.collide import collide


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("viewer MY", "viewer MY"),  # the same grant twice
        ("lead", "lead"),  # every market (no market: NULL, which no unique index compares)
        ("viewer MY", "cm IT"),  # two different ones: the later replaces the earlier
    ],
)
def test_two_admins_granting_at_once_leave_one_grant(
    engine: Engine, sessions: sessionmaker[Session], one: str, other: str
) -> None:
    seed(sessions, [creator_row("amir")], [])
    services = Services(sessions=sessions, admins=frozenset({"UA", "UB"}))
    router = Router(commands(), services, forms())

    def grant(admin: str, what: str) -> str:
        request = CommandRequest(text=f"access grant U2 {what}", platform="slack", user=admin)
        return render(router.handle(request))

    first, second = collide(
        engine, "role_grants", lambda: grant("UA", one), lambda: grant("UB", other)
    )
    assert "is now" in first and "is now" in second, (first, second)
    with sessions() as session:
        rows = session.execute(
            select(RoleGrant.role, RoleGrant.market).where(RoleGrant.user_id == "U2")
        ).all()
    held = sorted((role.value, market or "") for role, market in rows)
    expected = [sorted([(w.split()[0], (w.split() + [""])[1])]) for w in (one, other)]
    assert held in expected
