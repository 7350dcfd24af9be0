"""Who may see what: roles scoped to markets, admin-only commands, bootstrap admins, the console
operator, people without access, Slack Connect channels — through the real router."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.forms import FEEDBACK
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.router import FORM_ERROR, Router
from creatorbot.storage.models import Alert, AlertStatus, Creator, FeedbackResponse
from tests.commands.conftest import NOW, creator_row, metric_row, seed

END = dt.date(2026, 11, 23)
ADMIN = "UADMIN"

Ask = Callable[..., str]


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """One creator in each market over a week, and an IT and a MY campaign."""
    seed(
        sessions,
        [creator_row("amir", "MY"), creator_row("giulia", "IT", tier="oro")],
        [
            metric_row(END - dt.timedelta(days=d), handle, gmv, market)
            for d in range(7)
            for handle, gmv, market in (("amir", 700_00, "MY"), ("giulia", 300_00, "IT"))
        ],
        campaigns=[
            {
                "slug": slug,
                "name": name,
                "market": market,
                "kind": "mega_sale",
                "starts_on": END - dt.timedelta(days=3),
                "ends_on": END + dt.timedelta(days=3),
                "metric": "gmv",
                "gmv_target": None,
                "creator_target": None,
                "reward_tiers": [],
            }
            for slug, name, market in (
                ("my-1212", "12.12 Mega Sale", "MY"),
                ("it-natale", "Natale", "IT"),
            )
        ],
    )
    return sessions


@pytest.fixture
def router(world: sessionmaker[Session]) -> Router:
    services = Services(sessions=world, clock=lambda: NOW, admins=frozenset({ADMIN}))
    return Router(commands(), services, forms())


@pytest.fixture
def ask(router: Router) -> Ask:
    """What a Slack user sees for a command."""

    def send(user: str, text: str, **request: object) -> str:
        reply = router.handle(CommandRequest(text=text, platform="slack", user=user, **request))
        return render(reply)

    return send


def test_someone_without_a_role_gets_only_help_and_how_to_get_access(ask: Ask) -> None:
    for command in ("leaderboard MY", "creator amir", "campaign list", "alerts MY", "snapshot"):
        seen = ask("U9", command)
        assert "You don't have access to creatorbot's data yet." in seen
        assert "@UADMIN" in seen  # who to ask
        assert "access grant @you viewer MY" in seen
        assert "amir" not in seen.lower()
    help_text = ask("U9", "help")
    assert "leaderboard" in help_text and "You don't have access" in help_text


def test_a_grant_scopes_every_command_to_its_markets(ask: Ask) -> None:
    assert "is now viewer in MY" in ask(ADMIN, "access grant <@U2|marco> viewer MY")
    board = ask("U2", "leaderboard")  # no market named: the only one this viewer sees
    assert "amir" in board.lower() and "giulia" not in board.lower()
    assert "You don't have access to IT." in ask("U2", "leaderboard IT")
    assert "You don't have access to IT." in ask("U2", "creator giulia")
    assert "You don't have access to IT." in ask("U2", "campaign it-natale")
    listing = ask("U2", "campaign list")
    assert "12.12 Mega Sale" in listing and "Natale" not in listing
    assert "Your role (viewer) can't do that." in ask("U2", "feedback report")


def test_every_market_when_none_is_named(ask: Ask) -> None:
    ask(ADMIN, "access grant U3 lead")
    assert "giulia" in ask("U3", "leaderboard IT").lower()
    assert "amir" in ask("U3", "leaderboard MY").lower()


def test_admin_only_commands_refuse_everyone_else(ask: Ask) -> None:
    ask(ADMIN, "access grant U3 lead")
    for command in ("access list", "access grant U4 viewer", "audit", "digest subscribe snapshot"):
        assert "Only an admin can use" in ask("U3", command)
    assert "Only an admin" not in ask(ADMIN, "digest list")
    # Anyone from a CM up manages their own personal subscriptions, and sees only those.
    assert "You have no personal subscriptions" in ask("U3", "digest list")


def test_revoking_takes_access_away_and_listing_shows_who_has_what(ask: Ask) -> None:
    ask(ADMIN, "access grant U3 cm MY IT")
    listing = ask(ADMIN, "access list")
    assert "@U3" in listing and "cm" in listing and "IT, MY" in listing
    assert "@UADMIN" in listing and "CREATORBOT_ADMINS" in listing
    assert "no longer has access" in ask(ADMIN, "access revoke <@U3>")
    assert "You don't have access to creatorbot's data yet." in ask("U3", "leaderboard MY")
    assert "had no role to revoke" in ask(ADMIN, "access revoke U3")


def test_a_new_grant_replaces_the_old_one(ask: Ask) -> None:
    ask(ADMIN, "access grant U3 lead")
    ask(ADMIN, "access grant U3 viewer IT")
    assert "You don't have access to MY." in ask("U3", "leaderboard MY")


def test_grants_are_per_platform(router: Router, ask: Ask) -> None:
    ask(ADMIN, "access grant U3 viewer")
    lark = router.handle(CommandRequest(text="leaderboard MY", platform="lark", user="U3"))
    assert "You don't have access to creatorbot's data yet." in render(lark)


def test_bad_access_commands_say_what_is_wrong(ask: Ask) -> None:
    assert "Which role? One of admin, lead, cm, am, viewer." in ask(ADMIN, "access grant U3 boss")
    assert "I don't know the market “XX”" in ask(ADMIN, "access grant U3 cm XX")
    assert "Whose access?" in ask(ADMIN, "access grant")
    assert "is not a person I can find" in ask(ADMIN, "access grant <#C1> cm")


def test_the_console_operator_is_an_admin_and_names_the_platform(router: Router) -> None:
    def console(text: str) -> str:
        return render(router.handle(CommandRequest(text=text)))

    assert "Say which platform" in console("access grant U3 cm")
    assert "slack:U3 is now cm in MY." in console("access grant slack:U3 cm MY")
    assert "slack:U3" in console("access list")
    assert "giulia" in console("leaderboard IT").lower()


def test_slack_connect_channels_refuse_what_would_post_publicly(ask: Ask) -> None:
    refused = "This channel is shared with another organisation (Slack Connect)"
    assert refused in ask(ADMIN, "digest subscribe snapshot MY", channel="C1", external=True)
    assert refused in ask(ADMIN, "leaderboard MY", channel="C1", external=True, public=True)
    # a private answer in the same channel is fine
    assert "amir" in ask(ADMIN, "leaderboard MY", channel="C1", external=True).lower()
    assert "Subscribed" in ask(ADMIN, "digest subscribe snapshot MY", channel="C2")


def test_forms_need_a_cm_and_only_reach_their_markets(
    router: Router, ask: Ask, world: sessionmaker[Session]
) -> None:
    def submit(user: str, creator: str) -> dict[str, str]:
        values = {"creator": creator, "rating": "4", "topic": "samples", "language": "en"}
        request = CommandRequest(text="", platform="slack", user=user)
        result = router.submit(request, FEEDBACK.name, values)
        return {} if result.ok else dict(result.errors)

    def stored() -> int:
        with world() as session:
            return int(session.scalar(select(func.count()).select_from(FeedbackResponse)) or 0)

    ask(ADMIN, "access grant U2 viewer")
    ask(ADMIN, "access grant U3 cm MY")
    assert "You don't have access" in submit("U9", "amir")[FORM_ERROR]
    assert "Your role (viewer) can't do that." in submit("U2", "amir")[FORM_ERROR]
    assert "creator" in submit("U3", "giulia")  # an IT creator is not one this cm can find
    assert stored() == 0
    assert submit("U3", "amir") == {}
    assert stored() == 1


def test_numbers_and_handles_of_another_market_are_refused(
    ask: Ask, world: sessionmaker[Session]
) -> None:
    """What a command takes by number (an alert) or by `#ID` (a creator) is refused when it is
    another market's, and changes nothing."""
    with world.begin() as session:
        alert = Alert(
            market="IT",
            subject_kind="creator",
            subject_key="giulia",
            metric="gmv",
            day=END,
            observed=1,
            expected=100,
            impact=99,
            reason="",
            status=AlertStatus.OPEN,
        )
        session.add(alert)
        session.flush()
        alert_id = alert.id
        giulia = session.query(Creator).filter_by(handle="giulia").one().id
    ask(ADMIN, "access grant slack:U3 cm MY")
    assert ask("U3", f"alerts ack {alert_id}") == "You don't have access to IT."
    assert ask("U3", f"alerts snooze {alert_id}") == "You don't have access to IT."
    assert ask("U3", f"creator #{giulia}") == "You don't have access to IT."
    with world() as session:
        assert session.get(Alert, alert_id).status == AlertStatus.OPEN  # type: ignore[union-attr]


def test_did_you_mean_never_names_a_creator_of_a_market_the_user_cannot_see(ask: Ask) -> None:
    ask(ADMIN, "access grant slack:U3 cm MY")
    assert "Did you mean `amir`" in ask("U3", "creator amirr")
    for typo in ("giuliaa", "giulai", "Giulia2", "giul"):
        seen = ask("U3", f"creator {typo}")
        assert "I can't find a creator called" in seen
        assert "giulia" not in seen.lower().replace(typo.lower(), "")
    assert "Did you mean `giulia`" in ask(ADMIN, "creator giuliaa")  # an admin sees IT
