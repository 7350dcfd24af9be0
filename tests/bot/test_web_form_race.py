"""Two submits of one link at the same moment, on SQLite and PostgreSQL: one answer stored,
never a server error, and both submissions audited."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.models import AuditEntry, FeedbackResponse
from tests.bot.web_world import CAMPAIGN, Web, csrf_of, make_web, seed_world
from tests.storage.collide import collide

SLUG = str(CAMPAIGN["slug"])


def world(sessions: sessionmaker[Session]) -> tuple[Web, str]:
    seed_world(sessions)
    web = make_web(sessions)
    return web, web.link("giulia", SLUG)


def heading(response: object) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.body.decode(), re.S)  # type: ignore[attr-defined]
    return found.group(1) if found else "(no heading)"


def stored(sessions: sessionmaker[Session]) -> list[tuple[int, str, str]]:
    with sessions() as session:
        rows = session.scalars(select(FeedbackResponse).order_by(FeedbackResponse.id))
        return [(r.rating, r.comment or "", r.source) for r in rows]


def audited(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        query = select(AuditEntry.outcome).where(AuditEntry.command == "form:feedback")
        return sorted(session.scalars(query))


def test_the_same_form_sent_twice_at_once_is_kept_once_and_both_are_thanked(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    web, path = world(sessions)
    answer = {"rating": "2", "topic": "payout", "comment": "Pagamenti in ritardo"}
    sent = {"csrf": csrf_of(web.get(path)), **answer}  # a double tap, or a resend on a slow line
    web.clock.now += dt.timedelta(minutes=2)
    first, second = collide(
        engine,
        "feedback_responses",
        lambda: web.post(path, sent),
        lambda: web.post(path, sent),
    )
    for response in (first, second):
        assert not isinstance(response, BaseException), response
        assert response.status == 200, heading(response)
        html = response.body.decode()
        assert "Grazie" in html or "Thank you!" in html
        assert "<form" not in html
    assert stored(sessions) == [(2, "Pagamenti in ritardo", "creator")]
    assert audited(sessions) == ["answered", "repeated"]


def test_two_forms_sent_at_once_store_one_answer_and_the_other_is_asked_again(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    web, path = world(sessions)
    phone = {"csrf": csrf_of(web.get(path)), "rating": "2", "topic": "payout", "comment": "a"}
    laptop = {"csrf": csrf_of(web.get(path)), "rating": "5", "topic": "tools", "comment": "b"}
    web.clock.now += dt.timedelta(minutes=2)
    first, second = collide(
        engine,
        "feedback_responses",
        lambda: web.post(path, phone),
        lambda: web.post(path, laptop),
    )
    assert not isinstance(first, BaseException), first
    assert not isinstance(second, BaseException), second
    assert first.status == 200 and "<form" not in first.body.decode()
    # The second form was opened before the first answer was saved: it overwrites nothing
    # unasked, and comes back with its own answer to send again on purpose.
    assert second.status == 409, heading(second)
    assert 'value="5" checked' in second.body.decode()
    assert stored(sessions) == [(2, "a", "creator")]
    assert audited(sessions) == ["answered", "refused"]
