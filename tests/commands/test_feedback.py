"""Feedback: the form validates and saves; the report counts, averages and lists comments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.forms import FEEDBACK
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.reply import Buttons, Fields, Reply, Table
from creatorbot.commands.router import FORM_ERROR, Router
from creatorbot.storage.models import FeedbackResponse
from tests.commands.conftest import creator_row, seed

CAMPAIGN = {
    "slug": "my-1111",
    "name": "11.11",
    "market": "MY",
    "kind": "mega_sale",
    "starts_on": dt.date(2026, 11, 1),
    "ends_on": dt.date(2026, 11, 11),
    "metric": "gmv",
    "gmv_target": None,
    "creator_target": None,
    "reward_tiers": [],
}


@pytest.fixture
def forms_router(sessions: sessionmaker[Session]) -> Router:
    seed(sessions, [creator_row("amir"), creator_row("bella")], [], [CAMPAIGN])
    return Router(commands(), Services(sessions=sessions), forms())


def send(router: Router, values: dict[str, str], locale: str = "en"):  # type: ignore[no-untyped-def]
    return router.submit(CommandRequest(text="", user="U1", locale=locale), "feedback", values)


def count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(FeedbackResponse)) or 0)


def test_a_valid_submission_is_saved(forms_router: Router, sessions: sessionmaker[Session]) -> None:
    result = send(
        forms_router,
        {
            "creator": "@amir",
            "campaign": "my-1111",
            "rating": "4",
            "topic": "payout",
            "comment": "Payout arrived late",
            "language": "en",
        },
    )
    assert result.ok
    assert result.message == "Saved. Thank you!"
    assert count(sessions) == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"rating": "4", "topic": "payout"}, "creator", "Name a creator, a campaign, or both."),
        ({"creator": "nobody", "rating": "4", "topic": "payout"}, "creator", "I can't find"),
        ({"campaign": "nope", "rating": "4", "topic": "payout"}, "campaign", "no campaign"),
        ({"creator": "amir", "rating": "9", "topic": "payout"}, "rating", "1 to 5"),
        ({"creator": "amir", "rating": "3", "topic": "gossip"}, "topic", "Choose a topic."),
        (
            {"creator": "amir", "rating": "3", "topic": "other", "comment": "x" * 2001},
            "comment",
            "2,000",
        ),
    ],
)
def test_invalid_submissions_say_which_field_and_store_nothing(
    forms_router: Router,
    sessions: sessionmaker[Session],
    values: dict[str, str],
    field: str,
    message: str,
) -> None:
    result = send(forms_router, values)
    assert not result.ok
    assert message in result.errors[field]
    assert count(sessions) == 0


def test_errors_come_in_the_users_language(forms_router: Router) -> None:
    result = send(forms_router, {"creator": "amir", "rating": "9", "topic": "payout"}, "it")
    assert result.errors["rating"] == "Scegli una valutazione da 1 a 5."


def test_a_database_failure_saves_nothing_and_says_so(
    forms_router: Router, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        session.execute(text("ALTER TABLE feedback_responses RENAME TO feedback_gone"))
    result = send(forms_router, {"creator": "amir", "rating": "5", "topic": "tools"})
    assert not result.ok
    assert "Nothing was saved" in result.errors[FORM_ERROR]
    with sessions.begin() as session:
        session.execute(text("ALTER TABLE feedback_gone RENAME TO feedback_responses"))
    assert count(sessions) == 0


def test_the_report(forms_router: Router, sessions: sessionmaker[Session]) -> None:
    entries = [
        {
            "creator": "amir",
            "campaign": "my-1111",
            "rating": "5",
            "topic": "payout",
            "comment": "Fast payout",
        },
        {
            "creator": "bella",
            "rating": "2",
            "topic": "traffic",
            "comment": "No traffic from the banner",
        },
        {"campaign": "my-1111", "rating": "3", "topic": "payout", "comment": ""},
    ]
    for values in entries:
        assert send(forms_router, values).ok
    reply = forms_router.handle(CommandRequest(text="feedback report"))
    fields = {k: v for b in reply.blocks if isinstance(b, Fields) for k, v in b.items}
    assert fields == {
        "Responses": "3",
        "Average rating": "3.3 / 5",
        "Topics": "Payout 2, Traffic 1",
    }
    table = next(b for b in reply.blocks if isinstance(b, Table))
    assert [row[4] for row in table.rows] == ["No traffic from the banner", "Fast payout"]
    campaign = forms_router.handle(CommandRequest(text="feedback report campaign:my-1111"))
    fields = {k: v for b in campaign.blocks if isinstance(b, Fields) for k, v in b.items}
    assert fields["Responses"] == "2"
    assert fields["Average rating"] == "4 / 5"


def test_feedback_offers_the_form(forms_router: Router) -> None:
    reply: Reply = forms_router.handle(CommandRequest(text="feedback"))
    buttons = next(b for b in reply.blocks if isinstance(b, Buttons)).buttons
    assert [(b.action, b.value) for b in buttons] == [("form", FEEDBACK.name)]


def test_report_before_any_feedback(forms_router: Router, chat: Callable[..., str]) -> None:
    assert "No feedback has been logged yet." in chat("feedback report")
