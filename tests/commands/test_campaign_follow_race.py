"""`campaign follow` sent twice at once in one channel, on SQLite and PostgreSQL: one
subscription (never two, which would post everything twice), and the other told it follows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.router import Router
from creatorbot.storage.models import Subscription
from tests.commands.conftest import creator_row, seed
from tests.storage.collide import collide

SPRINT = {
    "slug": "my-sprint",
    "name": "Payday Sprint",
    "market": "MY",
    "kind": "mega_sale",
    "starts_on": dt.date(2026, 12, 10),
    "ends_on": dt.date(2026, 12, 14),
    "metric": "gmv",
    "gmv_target": None,
    "creator_target": None,
    "reward_tiers": [],
}


def test_one_channel_following_a_campaign_twice_at_once_follows_it_once(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    seed(sessions, [creator_row("amir")], [], [SPRINT])
    router = Router(commands(), Services(sessions=sessions, admins=frozenset({"UA"})), forms())

    def follow() -> str:
        request = CommandRequest(
            text="campaign follow my-sprint", platform="slack", channel="C1", user="UA"
        )
        return render(router.handle(request))

    first, second = collide(engine, "subscriptions", follow, follow)
    said = sorted(["already follows" in first, "already follows" in second])
    assert said == [False, True], (first, second)
    with sessions() as session:
        assert len(session.scalars(select(Subscription.id)).all()) == 1
