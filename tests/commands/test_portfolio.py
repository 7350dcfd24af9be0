"""`portfolio`: an owner's creators, what needs action first; a CM sees only their own, a lead
of a market may ask for a CM of that market; the App Home shows the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.portfolio import Owner, portfolio
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage import writer
from creatorbot.storage.models import Alert, AlertStatus, Creator, FeedbackResponse
from creatorbot.storage.segments import refresh_segments
from tests.commands.conftest import NOW, creator_row, metric_row, seed

END = dt.date(2026, 11, 20)  # ten days left in November
ADMIN = "UADMIN"
FARAH = "farah@example.com"
TIERS = [("bronze", 1, 0), ("silver", 2, 500_000), ("gold", 3, 3_000_000)]
Ask = Callable[..., str]


def world(sessions: sessionmaker[Session]) -> None:
    """Farah owns four MY creators (one far down, one quiet, one close to gold) and one in IT;
    Giulia owns an IT creator, Jason a MY one."""
    creators = [
        creator_row("far", cm=FARAH, tier="bronze"),
        creator_row("quiet", cm=FARAH, tier="silver"),
        creator_row("close", cm="Someone", am=FARAH, tier="silver"),
        creator_row("big", cm=FARAH, tier="silver"),
        creator_row("other", cm="jason@example.com", tier="silver"),
        creator_row("roma", market="IT", cm=FARAH, tier="bronze"),
        creator_row("milano", market="IT", cm="giulia@example.com", tier="bronze"),
    ]
    metrics = []
    for k in range(60):
        day = END - dt.timedelta(days=k)
        metrics.append(metric_row(day, "far", 1_000))
        metrics.append(metric_row(day, "big", 60_000))
        metrics.append(metric_row(day, "other", 5_000))
        metrics.append(metric_row(day, "close", 97_000))
        if 20 <= k < 40:
            metrics.append(metric_row(day, "quiet", 50_000))
        metrics.append(metric_row(day, "roma", 2_000, market="IT"))
        metrics.append(metric_row(day, "milano", 2_000, market="IT"))
    seed(sessions, creators, metrics)
    frame = pd.DataFrame(TIERS, columns=["tier", "rank", "min_gmv_30d"]).assign(market="MY")
    with sessions.begin() as session:
        writer.write_tiers(frame, session=session)
        refresh_segments(["MY", "IT"], session=session)


@pytest.fixture
def router(sessions: sessionmaker[Session]) -> Router:
    world(sessions)
    services = Services(sessions=sessions, clock=lambda: NOW, admins=frozenset({ADMIN}))
    return Router(commands(), services)


@pytest.fixture
def ask(router: Router) -> Ask:
    """What a Slack user known by `known_as` sees for a command."""

    def send(user: str, text: str, known_as: tuple[str, ...] = ()) -> str:
        request = CommandRequest(text=text, platform="slack", user=user, known_as=known_as)
        return render(router.handle(request))

    return send


def handles_in(said: str) -> set[str]:
    known = ("far", "quiet", "close", "big", "other", "roma", "milano")
    return {h for h in known if f"(@{h})" in said}


def test_a_cm_sees_exactly_their_creators_of_their_market(ask: Ask) -> None:
    ask(ADMIN, "access grant U1 cm MY")
    said = ask("U1", "portfolio me", known_as=(FARAH, "Farah Aziz"))
    assert handles_in(said) == {"far", "quiet", "close", "big"}
    assert "4 creators" in said
    # What needs action first: the quiet one and the one close to gold before the others.
    assert said.index("(@quiet)") < said.index("(@big)")
    assert said.index("(@close)") < said.index("(@big)")
    assert "Dormant" in said and "Level-up" in said
    # 7 days of RM600 against the 7 before: unchanged; RM18,000 in 30 days, RM12,000 to gold.
    assert "7d RM4,200.00 (0.0%) · silver, RM12,000.00 to gold" in said
    assert "You don't have access to IT" in ask("U1", "portfolio IT", known_as=(FARAH,))


def test_open_alerts_count_and_come_first(sessions: sessionmaker[Session], ask: Ask) -> None:
    with sessions.begin() as session:
        for metric in ("gmv", "orders"):
            session.add(
                Alert(
                    market="MY",
                    subject_kind="creator",
                    subject_key="far",
                    metric=metric,
                    day=END,
                    observed=0,
                    expected=1,
                    impact=1,
                    reason="fell",
                    status=AlertStatus.OPEN,
                )
            )
    ask(ADMIN, "access grant U1 cm MY")
    said = ask("U1", "portfolio me", known_as=(FARAH,))
    assert "2 open alerts" in said
    # far has no segment but two alerts: before big, which has neither.
    assert said.index("(@far)") < said.index("(@big)")


def test_a_cm_may_not_ask_for_someone_else(ask: Ask) -> None:
    ask(ADMIN, "access grant U1 cm MY")
    said = ask("U1", "portfolio jason@example.com", known_as=(FARAH,))
    assert "Only a lead can see another owner's portfolio" in said
    assert handles_in(said) == set()


def test_a_lead_of_my_sees_a_cm_of_my_only(ask: Ask) -> None:
    ask(ADMIN, "access grant U9 lead MY")
    said = ask("U9", f"portfolio @{FARAH}")
    assert handles_in(said) == {"far", "quiet", "close", "big"}
    assert f"{FARAH}'s creators" in said
    giulia = ask("U9", "portfolio giulia@example.com")
    assert handles_in(giulia) == set()
    assert "No creator in your markets lists giulia@example.com" in giulia


def test_me_needs_to_know_who_you_are(ask: Ask) -> None:
    ask(ADMIN, "access grant U1 cm MY")
    assert "I don't know your email or name here" in ask("U1", "portfolio")


def test_the_app_home_shows_the_same_portfolio(sessions: sessionmaker[Session]) -> None:
    world(sessions)
    router = Router(commands(), Services(sessions=sessions, clock=lambda: NOW))
    request = CommandRequest(text="home", user="U1")
    reply = router.run(request, lambda call: portfolio(Owner(email=FARAH), call))
    said = render(reply)
    assert handles_in(said) == {"far", "quiet", "close", "big", "roma"}
    assert "(@roma) · IT" in said


def test_the_leaderboard_keeps_a_cms_or_an_ams_creators(ask: Ask) -> None:
    ask(ADMIN, "access grant U1 cm MY")
    said = ask("U1", "leaderboard gmv 30d MY cm:me", known_as=(FARAH,))
    assert handles_in(said) == {"far", "quiet", "big"}
    assert "cm:me" in said
    assert handles_in(ask("U1", "leaderboard gmv 30d MY am:me", known_as=(FARAH,))) == {"close"}
    jason = ask("U1", "leaderboard gmv 30d MY cm:JASON@example.com")
    assert handles_in(jason) == {"other"}


def test_owners_found_by_email_on_the_platform_need_no_profile_or_staff_list(
    sessions: sessionmaker[Session],
) -> None:
    """Lark sends no profile with a message: `me` is the owners' emails the platform says are
    the asker's; a lead's mention of a CM resolves the same way."""
    world(sessions)
    directory = {FARAH: "ou_farah", "jason@example.com": "ou_jason"}
    services = Services(
        sessions=sessions,
        clock=lambda: NOW,
        admins=frozenset({ADMIN}),
        lookup_user=lambda platform, workspace, email: directory.get(email),
    )
    router = Router(commands(), services)

    def ask_as(user: str, text: str, platform: str = "lark") -> str:
        return render(router.handle(CommandRequest(text=text, platform=platform, user=user)))

    ask_as(ADMIN, "access grant ou_farah cm MY")
    assert handles_in(ask_as("ou_farah", "portfolio me")) == {"far", "quiet", "close", "big"}
    ask_as(ADMIN, "access grant U9 lead MY", platform="slack")
    said = ask_as("U9", "portfolio <@ou_jason>", platform="slack")
    assert handles_in(said) == {"other"}


def test_a_creator_handed_to_another_cm_leaves_the_old_portfolio_at_once(
    sessions: sessionmaker[Session], ask: Ask
) -> None:
    """A running bot keeps each owner's creators in memory: a creators file that moves one to
    another CM is seen by the next question, not after a restart."""
    ask(ADMIN, "access grant U1 cm MY")
    assert "(@big)" in ask("U1", "portfolio me", known_as=(FARAH,))
    # The same file as before (same handles, tiers and categories), but big has a new CM.
    again = [
        creator_row("far", cm=FARAH, tier="bronze"),
        creator_row("quiet", cm=FARAH, tier="silver"),
        creator_row("close", cm="Someone", am=FARAH, tier="silver"),
        creator_row("big", cm="jason@example.com", tier="silver"),
        creator_row("other", cm="jason@example.com", tier="silver"),
    ]
    with sessions.begin() as session:
        writer.write_creators(pd.DataFrame(again), session=session)
    said = ask("U1", "portfolio me", known_as=(FARAH,))
    assert handles_in(said) == {"far", "quiet", "close"}
    assert "(@big)" in ask(ADMIN, "portfolio jason@example.com MY")


def test_a_line_names_the_running_campaigns_ending_first_and_the_latest_feedback(
    sessions: sessionmaker[Session], ask: Ask
) -> None:
    def campaign(slug: str, name: str, starts: int, ends: int) -> dict[str, object]:
        return {
            "slug": slug,
            "name": name,
            "market": "MY",
            "kind": "mega_sale",
            "starts_on": END - dt.timedelta(days=starts),
            "ends_on": END + dt.timedelta(days=ends),
            "metric": "gmv",
            "gmv_target": None,
            "creator_target": None,
            "reward_tiers": [],
        }

    campaigns = [
        campaign("later", "Year End", 3, 20),
        campaign("sooner", "Payday", 1, 2),
        campaign("over", "Done Sale", 30, -1),  # ended the day before
        campaign("coming", "Coming Sale", -2, 9),  # starts after END
        campaign("third", "Third Sale", 5, 30),  # running, but only two are named
    ]
    enrolled = [
        {"campaign": c["slug"], "handle": "big", "enrolled_on": END - dt.timedelta(days=40)}
        for c in campaigns
    ] + [{"campaign": "later", "handle": "other", "enrolled_on": END}]
    with sessions.begin() as session:
        writer.write_campaigns(pd.DataFrame(campaigns), session=session)
        writer.write_enrollments(pd.DataFrame(enrolled), session=session)
        big = session.scalar(select(Creator.id).where(Creator.handle == "big"))
        for day, rating, topic in ((2, 5, "payout"), (9, 2, "traffic"), (12, 1, "tools")):
            session.add(
                FeedbackResponse(
                    platform="slack",
                    user_id="U9",
                    creator_id=big,
                    rating=rating,
                    topic=topic,
                    created_at=dt.datetime(2026, 11, day, 10, tzinfo=dt.UTC),
                )
            )
    ask(ADMIN, "access grant U1 cm MY")
    said = ask("U1", "portfolio me", known_as=(FARAH,))
    [line] = [part for part in said.split("\n\n") if "(@big)" in part]
    assert "Payday, Year End · feedback ★ Tools (12 Nov 2026)" in line
    assert "Done Sale" not in line and "Coming Sale" not in line and "Third" not in line
    [far] = [part for part in said.split("\n\n") if "(@far)" in part]
    assert "nothing to act on" in far
