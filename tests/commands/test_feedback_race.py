"""The staff feedback form sent twice at the same moment (a platform's retry racing the first
delivery), on SQLite and PostgreSQL: kept once, and both answered "Saved"."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.forms import SUBMISSION
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.router import Router
from creatorbot.storage.models import FeedbackResponse
from tests.commands.conftest import creator_row, seed
from tests.storage.collide import collide


def test_one_form_sent_twice_at_once_is_kept_once(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    seed(sessions, [creator_row("amir")], [])
    router = Router(commands(), Services(sessions=sessions), forms())
    answers = {"creator": "amir", "rating": "4", "topic": "payout", SUBMISSION: "V1"}

    def send() -> object:
        return router.submit(CommandRequest(text="", user="U1"), "feedback", answers)

    first, second = collide(engine, "feedback_responses", send, send)
    assert [first.message, second.message] == ["Saved. Thank you!"] * 2  # type: ignore[attr-defined]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1
