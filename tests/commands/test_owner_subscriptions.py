"""`digest subscribe … me` and alert floors, as owners and admins type them in English,
Italian and Malay."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage.grants import grant
from creatorbot.storage.models import Role, Subscription

NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)


@pytest.fixture
def router(sessions: sessionmaker[Session]) -> Router:
    with sessions.begin() as session:
        grant("slack", "U7", Role.CM, ["MY"], by="setup", now=NOW, session=session)
    services = Services(sessions=sessions, clock=lambda: NOW, admins=frozenset({"U1"}))
    return Router(commands(), services)


def say(router: Router, text: str, user: str = "U1", locale: str = "en") -> tuple[bool, str]:
    request = CommandRequest(
        text=text, platform="slack", workspace="T1", channel="C1", user=user, locale=locale
    )
    reply = router.handle(request)
    return reply.ok, render(reply)


def stored(sessions: sessionmaker[Session]) -> list[tuple[object, ...]]:
    with sessions() as session:
        rows = session.scalars(select(Subscription).order_by(Subscription.id))
        return [
            (s.kind.value, s.channel, s.owner, s.at_time, s.min_orders, s.min_gmv) for s in rows
        ]


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("digest subscribe alerts me MY at 08:30 at least 5 orders a day", "en"),
        ("digest subscribe alerts io MY almeno 5 ordini al giorno at 08:30", "it"),
        ("digest subscribe alerts saya MY sekurang-kurangnya 5 pesanan sehari at 08:30", "ms"),
    ],
)
def test_a_personal_floor_in_each_language(
    router: Router, sessions: sessionmaker[Session], text: str, locale: str
) -> None:
    ok, answer = say(router, text, locale=locale)
    assert ok, answer
    # To the user's DM (Slack opens it from their user id), their creators, from 5 orders a day.
    assert stored(sessions) == [("alerts", "U1", "U1", "08:30", 5, None)]
    # The GMV floor moves with the orders floor (the team's RM500 for 30 orders: RM83.33 for 5),
    # or it would still hide the mid-size creators (10 orders of RM30) the CM asks for.
    assert "83.33" in answer or "83,33" in answer


def test_a_team_channel_sets_its_own_floor_of_orders_and_money(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    ok, answer = say(router, "digest subscribe alerts MY at least 10 orders and at least RM300")
    assert ok, answer
    assert stored(sessions) == [("alerts", "C1", None, "09:00", 10, 30_000)]
    assert "from 10 orders and RM300.00 on a usual day" in answer
    ok, listed = say(router, "digest list")
    assert "from 10 orders a day" in listed
    ok, answer = say(router, "digest subscribe alerts IT at least €50 a day")
    assert ok, answer
    assert stored(sessions)[-1] == ("alerts", "C1", None, "09:00", None, 5_000)
    assert "from 15 orders and €50.00 on a usual day" in answer  # the team's €100 for 30


def test_a_cm_subscribes_themselves_but_not_a_channel(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    ok, answer = say(router, "digest subscribe portfolio me at 09:00", user="U7")
    assert ok, answer
    assert "by direct message" in answer
    ok, answer = say(router, "digest subscribe alerts MY", user="U7")
    assert not ok and "Only an admin" in answer
    assert stored(sessions) == [("portfolio", "U7", "U7", "09:00", None, None)]
    ok, listed = say(router, "digest list", user="U1")  # an admin sees the channel's only
    assert "portfolio" not in listed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("digest subscribe portfolio MY", "The morning portfolio is personal"),
        ("digest subscribe snapshot MY at least 5 orders", "for alert subscriptions only"),
        ("digest subscribe alerts me at least five orders", "Write the floor as"),
        ("digest subscribe alerts me at least", "Write the floor as"),
        ("digest subscribe alerts me at least 5", "Write the floor as"),
    ],
)
def test_what_cannot_be_subscribed_is_explained(
    router: Router, sessions: sessionmaker[Session], text: str, expected: str
) -> None:
    ok, answer = say(router, text)
    assert not ok and expected in answer
    assert stored(sessions) == []


def test_a_cm_lists_pauses_and_ends_their_own_subscriptions_only(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    ok, answer = say(router, "digest subscribe snapshot MY at 09:00")  # the admin's, the channel's
    assert ok, answer
    ok, answer = say(router, "digest subscribe alerts me MY at least 5 orders a day", user="U7")
    assert ok, answer
    team, mine = 1, 2
    ok, listed = say(router, "digest list", user="U7")
    assert ok, listed
    assert f"#{mine}" in listed and "anomaly alerts · Malaysia · yours, by DM" in listed
    assert "snapshot" not in listed  # the channel's posts are the admins' to manage
    ok, answer = say(router, f"digest pause {mine}", user="U7")
    assert ok and "Paused" in answer, answer
    ok, answer = say(router, f"digest unsubscribe {team}", user="U7")
    assert not ok, answer
    assert "You have no subscription #1" in answer
    ok, answer = say(router, f"digest war-room {team} on", user="U7")
    assert not ok and "Only an admin" in answer, answer
    ok, answer = say(router, f"digest unsubscribe {mine}", user="U7")
    assert ok and "Unsubscribed" in answer, answer
    assert [row[0] for row in stored(sessions)] == ["snapshot"]
    ok, listed = say(router, "digest", user="U7")
    assert ok and "no personal subscriptions" in listed, listed
    assert "digest subscribe portfolio me" in listed


def test_a_viewer_still_may_not_manage_subscriptions(router: Router) -> None:
    with router.services.sessions.begin() as session:
        grant("slack", "U9", Role.VIEWER, ["MY"], by="setup", now=NOW, session=session)
    ok, answer = say(router, "digest list", user="U9")
    assert not ok, answer
    assert "Your role (viewer) can't do that" in answer  # a CM could: not "only an admin"
