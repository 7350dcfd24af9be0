"""The creators' form page at the edges SECURITY.md names: a ticket of 12 hours, a body of
32 KB, 10 fields, a comment of 2,000 characters, 60 requests a minute per address and 20 per
link by default. Every bound is written here, not read from the code."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.models import FeedbackResponse
from tests.bot.web_world import CAMPAIGN, Web, csrf_of, make_web, seed_world

SLUG = str(CAMPAIGN["slug"])
KB32 = 32 * 1024


@pytest.fixture
def web(sqlite_sessions: sessionmaker[Session]) -> Web:
    seed_world(sqlite_sessions)
    return make_web(sqlite_sessions)


def comments(web: Web) -> list[str]:
    with web.router.services.sessions() as session:
        return list(session.scalars(select(FeedbackResponse.comment)))


def test_a_ticket_is_good_for_12_hours(web: Web) -> None:
    path = web.link("giulia", SLUG)
    early, late = csrf_of(web.get(path)), csrf_of(web.get(path))
    web.clock.now += dt.timedelta(hours=12) - dt.timedelta(minutes=1)
    sent = web.post(path, {"csrf": early, "rating": "3", "topic": "tools", "comment": "in time"})
    assert sent.status == 200
    web.clock.now += dt.timedelta(minutes=2)
    stale = web.post(path, {"csrf": late, "rating": "1", "topic": "tools", "comment": "too late"})
    assert stale.status == 403
    assert comments(web) == ["in time"]


def padded_to(size: int, ticket: str) -> bytes:
    head = f"csrf={ticket}&rating=3&topic=tools&comment=ok&pad=".encode()
    return head + b"a" * (size - len(head))


def test_a_body_of_32_kb_is_read_and_one_byte_more_is_refused_unread(web: Web) -> None:
    path = web.link("giulia", SLUG)
    over = web.request("POST", path, padded_to(KB32 + 1, csrf_of(web.get(path))))
    assert over.status == 413
    assert comments(web) == []
    at = web.request("POST", path, padded_to(KB32, csrf_of(web.get(path))))
    assert at.status == 200
    assert comments(web) == ["ok"]


def test_more_than_ten_fields_are_refused_and_nothing_stored(web: Web) -> None:
    path = web.link("giulia", SLUG)
    base = f"csrf={csrf_of(web.get(path))}&rating=3&topic=tools&comment=ok"
    eleven = base + "".join(f"&x{n}=1" for n in range(7))  # 4 fields and 7 more
    assert eleven.count("=") == 11
    assert web.request("POST", path, eleven.encode()).status == 403
    assert comments(web) == []
    ten = base + "".join(f"&x{n}=1" for n in range(6))
    assert web.request("POST", path, ten.encode()).status == 200
    assert comments(web) == ["ok"]


def test_a_comment_of_2000_characters_is_kept_and_one_more_is_refused(web: Web) -> None:
    path = web.link("giulia", SLUG)
    longer = web.send(path, rating="3", topic="tools", comment="b" * 2001)
    assert longer.status == 400
    assert comments(web) == []
    assert web.send(path, rating="3", topic="tools", comment="c" * 2000).status == 200
    assert comments(web) == ["c" * 2000]


def test_by_default_an_address_may_ask_60_times_a_minute(web: Web) -> None:
    statuses = [web.get(f"/f/nosuchtoken{n}", remote="203.0.113.9").status for n in range(61)]
    assert statuses == [404] * 60 + [429]
    assert web.get("/f/nosuchtoken", remote="198.51.100.7").status == 404


def test_by_default_a_link_may_be_opened_20_times_a_minute(web: Web) -> None:
    path = web.link("giulia", SLUG)
    statuses = [web.get(path, remote=f"203.0.113.{n}").status for n in range(21)]
    assert statuses == [200] * 20 + [429]
