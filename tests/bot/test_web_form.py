"""The creators' form at /f/{token}: what a link opens, in whose language, what a submission
stores, and every way to be refused — each with its status, its page, and nothing stored."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.http import PAGE_MAX_BODY
from creatorbot.commands.link_tokens import LinkKeys
from creatorbot.storage.models import AuditEntry, FeedbackResponse, FormLink
from tests.bot.web_world import CAMPAIGN, KEYS, SECRET, Web, csrf_of, make_web, seed_world

SLUG = str(CAMPAIGN["slug"])


@pytest.fixture
def web(sqlite_sessions: sessionmaker[Session]) -> Web:
    seed_world(sqlite_sessions)
    return make_web(sqlite_sessions)


def stored(web: Web) -> list[FeedbackResponse]:
    with web.router.services.sessions() as session:
        return list(session.scalars(select(FeedbackResponse).order_by(FeedbackResponse.id)))


def page(response: object) -> str:
    return response.body.decode()  # type: ignore[attr-defined]


def test_a_link_opens_the_form_in_the_creators_language_with_the_campaign_named(web: Web) -> None:
    response = web.get(web.link("giulia", SLUG))
    assert response.status == 200
    html = page(response)
    assert '<html lang="it">' in html
    assert "Il tuo feedback" in html or "Your feedback" in html  # until the catalogs have it
    assert "Black Friday IT" in html
    for name in ("rating", "topic", "comment"):  # the staff form's answers, defined once
        assert f'name="{name}"' in html
    for fixed in ('name="creator"', 'name="campaign"', 'name="language"'):
        assert fixed not in html  # the link says who and what about


def test_the_language_switches_on_the_page(web: Web) -> None:
    path = web.link("giulia", SLUG)
    html = page(web.get(f"{path}?lang=ms"))
    assert '<html lang="ms">' in html
    assert 'action="?lang=ms"' in html
    assert '<html lang="en">' in page(web.get(f"{path}?lang=en"))
    assert '<html lang="it">' in page(web.get(f"{path}?lang=xx"))  # unknown: the market's


def test_every_page_carries_the_security_headers(web: Web) -> None:
    path = web.link("giulia", SLUG)
    for response in (web.get(path), web.get("/f/nonsense")):
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        assert re.search(r"style-src 'sha256-[A-Za-z0-9+/]+=*'", csp)
        assert "form-action 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src" not in csp and "'unsafe-inline'" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
        assert "<script" not in page(response)


def test_the_style_hash_is_the_inline_styles(web: Web) -> None:
    import base64
    import hashlib

    response = web.get(web.link("giulia", SLUG))
    css = re.search(r"<style>(.*?)</style>", page(response), re.S)
    assert css
    digest = base64.b64encode(hashlib.sha256(css.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]


def test_a_submission_is_saved_as_the_creators_own_and_audited(web: Web) -> None:
    path = web.link("giulia", SLUG)
    response = web.send(path, rating="4", topic="payout", comment="Pagamenti in ritardo")
    assert response.status == 200
    assert "Thank you!" in page(response) or "Grazie" in page(response)
    (answer,) = stored(web)
    assert (answer.rating, answer.topic, answer.comment) == (4, "payout", "Pagamenti in ritardo")
    assert answer.source == "creator"
    assert answer.language == "it"
    with web.router.services.sessions() as session:
        link = session.scalars(select(FormLink)).one()
        assert answer.link_id == link.id and answer.creator_id == link.creator_id
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.platform == "web"))
    assert entry.user_id == f"creator:{link.creator_id}"
    assert entry.arguments == f"link:{link.id}"
    assert (entry.command, entry.outcome) == ("form:feedback", "answered")


def test_a_second_submit_from_the_same_link_updates_the_answer(web: Web) -> None:
    path = web.link("giulia", SLUG)
    assert web.send(path, rating="2", topic="traffic", comment="Poco traffico").status == 200
    web.clock.now += dt.timedelta(minutes=3)
    again = web.get(path)
    assert 'value="2" checked' in page(again)  # the earlier answer, to change
    assert "Poco traffico" in page(again)
    response = web.post(path, {"csrf": csrf_of(again), "rating": "5", "topic": "traffic"})
    assert response.status == 200
    (answer,) = stored(web)
    assert (answer.rating, answer.comment) == (5, "")


def test_a_missing_rating_is_refused_field_by_field_and_nothing_stored(web: Web) -> None:
    path = web.link("giulia", SLUG)
    response = web.send(path, topic="payout", comment="<b>hi</b>")
    assert response.status == 400
    html = page(response)
    assert 'id="e-rating"' in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html and "<b>hi</b>" not in html
    assert stored(web) == []


# --- refused: the right status, a polite page, nothing stored ----------------------------


def answers(csrf: str) -> dict[str, str]:
    return {"csrf": csrf, "rating": "3", "topic": "tools", "comment": "x"}


def test_an_expired_link_is_gone(web: Web) -> None:
    path = web.link("giulia", SLUG)
    ticket = csrf_of(web.get(path))
    web.clock.now += dt.timedelta(days=14, seconds=1)
    for response in (web.get(path), web.post(path, answers(ticket))):
        assert response.status == 410
        assert "<form" not in page(response)
        assert '<html lang="it">' in page(response)  # in the creator's language
    assert stored(web) == []


def test_a_revoked_link_is_gone(web: Web) -> None:
    path = web.link("giulia", SLUG)
    ticket = csrf_of(web.get(path))
    assert "Revoked 1 link of @giulia" in web.chat(f"feedback revoke @giulia campaign:{SLUG}")
    for response in (web.get(path), web.post(path, answers(ticket))):
        assert response.status == 410
        assert "<form" not in page(response)
    assert stored(web) == []
    assert web.link("giulia", SLUG) != path  # a new link is issued after a revocation


@pytest.mark.parametrize("where", [0, 5, 12, 20, 38])
def test_a_tampered_link_is_not_found(web: Web, where: int) -> None:
    path = web.link("giulia", SLUG)
    token = path.removeprefix("/f/")
    ticket = csrf_of(web.get(path))
    flipped = "A" if token[where] != "A" else "B"
    forged = "/f/" + token[:where] + flipped + token[where + 1 :]
    for response in (web.get(forged), web.post(forged, answers(ticket))):
        assert response.status == 404
        assert "<form" not in page(response)
    assert stored(web) == []


def test_a_link_signed_with_another_secret_is_not_found_and_rotation_keeps_old_links(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    seed_world(sqlite_sessions)
    web = make_web(sqlite_sessions)
    path = web.link("giulia", SLUG)
    token = path.removeprefix("/f/")
    other = LinkKeys(b"z" * 40, None, KEYS.public_url)
    claim = KEYS.read_link(token)
    assert claim is not None
    assert web.get("/f/" + other.link_token(claim.link_id, claim.expires_at)).status == 404
    rotated = LinkKeys(b"n" * 40, SECRET, KEYS.public_url)  # the old secret is the previous one
    assert rotated.read_link(token) == claim
    assert LinkKeys(b"n" * 40, None).read_link(token) is None  # once it is dropped: refused


def test_a_missing_or_forged_csrf_ticket_is_forbidden(web: Web) -> None:
    path = web.link("giulia", SLUG)
    other = web.link("marco.live", SLUG)
    for values in (
        {"rating": "3", "topic": "tools"},
        answers(""),
        answers("AAAA"),
        answers(csrf_of(web.get(other))),  # a ticket of another link
        answers(path.removeprefix("/f/")),  # the link token itself is no ticket
    ):
        response = web.post(path, values)
        assert response.status == 403
        assert "<form" not in page(response)
    assert stored(web) == []


def test_a_replayed_submission_is_refused(web: Web) -> None:
    path = web.link("giulia", SLUG)
    first = answers(csrf_of(web.get(path)))
    assert web.post(path, first).status == 200
    web.clock.now += dt.timedelta(minutes=1)
    replay = web.post(path, {**first, "rating": "1", "comment": "replayed"})
    assert replay.status == 409
    assert "<form" in page(replay)  # the form again, to change the answer on purpose
    (answer,) = stored(web)
    assert (answer.rating, answer.comment) == (3, "x")


def test_an_oversized_body_is_refused_unread(web: Web) -> None:
    path = web.link("giulia", SLUG)
    ticket = csrf_of(web.get(path))
    body = f"csrf={ticket}&rating=3&topic=tools&comment=".encode() + b"a" * PAGE_MAX_BODY
    response = web.request("POST", path, body)
    assert response.status == 413
    assert "<form" not in page(response)
    assert stored(web) == []


def test_a_flood_from_one_address_is_refused_and_others_still_served(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    seed_world(sqlite_sessions)
    web = make_web(sqlite_sessions, per_address=10, per_link=100)
    path = web.link("giulia", SLUG)
    statuses = [web.get(path, remote="203.0.113.9").status for _ in range(12)]
    assert statuses == [200] * 10 + [429] * 2
    refused = web.post(path, answers(csrf_of(web.get(path))), remote="203.0.113.9")
    assert refused.status == 429 and refused.headers["Retry-After"] == "60"
    assert stored(web) == []
    assert web.get(path, remote="198.51.100.7").status == 200


def test_a_flood_on_one_link_is_refused_whatever_the_address(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    seed_world(sqlite_sessions)
    web = make_web(sqlite_sessions, per_address=100, per_link=5)
    path = web.link("giulia", SLUG)
    statuses = [web.get(path, remote=f"203.0.113.{n}").status for n in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    assert web.get(web.link("marco.live", SLUG)).status == 200


def test_only_the_form_pages_are_public(web: Web) -> None:
    path = web.link("giulia", SLUG)
    assert web.request("PUT", path).status == 405
    assert web.get("/f/").status == 404
    assert web.get(path + "/extra").status == 404
    assert web.get("/admin").status == 404


def test_a_comment_of_script_is_text_in_the_report_on_every_platform(web: Web) -> None:
    import json

    from creatorbot.bot.lark.card import render_card
    from creatorbot.bot.slack.blocks import render_message
    from creatorbot.commands.core import CommandRequest

    path = web.link("giulia", SLUG)
    comment = "<script>alert('x')</script> & <@U123>"
    assert web.send(path, rating="1", topic="other", comment=comment).status == 200
    text = web.chat("feedback report")
    assert "<script>alert('x')</script>" in text  # the console shows the words as typed
    assert "creator" in text  # marked as the creator's own
    reply = web.router.handle(CommandRequest(text="feedback report"))
    message = render_message(reply)
    slack = json.dumps([message.blocks, message.plain.blocks if message.plain else []])
    assert "<script>" not in slack and "&lt;script&gt;" in slack
    assert "<@U123>" not in slack  # never a mention of a workspace member
    lark = json.dumps(render_card(reply, more_label=lambda a, b: "", shortened_label=""))
    assert "<script>" not in lark


def test_a_link_we_cannot_read_answers_in_the_browsers_language(web: Web) -> None:
    response = web.get("/f/garbage", headers={"Accept-Language": "ms-MY,ms;q=0.9,en;q=0.5"})
    assert response.status == 404
    assert '<html lang="ms">' in page(response)
    assert '<html lang="it">' in page(web.get("/f/garbage?lang=it"))
    assert '<html lang="en">' in page(web.get("/f/garbage"))
