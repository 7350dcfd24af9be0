"""Read-then-insert in storage, made to collide on SQLite and PostgreSQL: a prompt's form and a
creator's link are each made once, whoever asks at the same moment."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.feedback import prompt_form
from creatorbot.storage.form_links import issue_links
from creatorbot.storage.models import Creator, FeedbackForm, FormLink
from tests.commands.conftest import creator_row, seed
from tests.storage.collide import collide

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_prompts_form_asked_twice_at_once_is_one_form(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    def form() -> int:
        with sessions.begin() as session:
            made = prompt_form(
                platform="slack",
                channel="C1",
                market="MY",
                period="2026-11-24",
                campaign_id=None,
                now=NOW,
                session=session,
            )
            return made.id

    first, second = collide(engine, "feedback_forms", form, form)
    assert isinstance(first, int) and first == second, (first, second)
    assert count(sessions, FeedbackForm) == 1


def test_a_creators_link_asked_twice_at_once_is_one_link(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    seed(sessions, [creator_row("amir")], [])
    with sessions() as session:
        creator = session.scalars(select(Creator.id)).one()

    def link(by: str) -> int:
        with sessions.begin() as session:
            issued = issue_links(
                [creator],
                None,
                now=NOW,
                expires_at=NOW + dt.timedelta(days=14),
                reuse_after=NOW + dt.timedelta(days=1),
                created_by=by,
                session=session,
            )
            return issued[creator].link_id

    first, second = collide(engine, "form_links", lambda: link("UA"), lambda: link("UB"))
    assert isinstance(first, int) and first == second, (first, second)  # one address to send
    assert count(sessions, FormLink) == 1
