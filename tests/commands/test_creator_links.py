"""`feedback link`, `feedback links … [export]` and `feedback revoke`: who gets a link, what it
names, that asking again gives the same one, and what the export holds for a mail merge."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.creator_links import EXPORT_COLUMNS
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.reply import File
from creatorbot.commands.router import Router
from creatorbot.storage.form_links import link_view
from creatorbot.storage.grants import grant
from creatorbot.storage.models import Role
from tests.bot.web_world import CAMPAIGN, KEYS, START, Clock, seed_world

SLUG = str(CAMPAIGN["slug"])
URL = re.compile(r"https://forms\.example\.com/f/([A-Za-z0-9_-]+)")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def router(sessions: sessionmaker[Session], clock: Clock) -> Router:
    seed_world(sessions)
    with sessions.begin() as session:
        grant("slack", "UCM", Role.CM, ["IT"], by="test", now=START, session=session)
        grant("slack", "UV", Role.VIEWER, ["IT"], by="test", now=START, session=session)
        grant("slack", "UMY", Role.CM, ["MY"], by="test", now=START, session=session)
    return Router(commands(), Services(sessions=sessions, clock=clock, links=KEYS), forms())


def ask(router: Router, text: str, user: str = "operator", **request: object) -> str:
    platform = "console" if user == "operator" else "slack"
    return render(router.handle(CommandRequest(text=text, user=user, platform=platform, **request)))  # type: ignore[arg-type]


def named(router: Router, token: str) -> tuple[str, str | None]:
    """(handle, campaign slug) the link a token names."""
    claim = KEYS.read_link(token)
    assert claim is not None
    with router.services.sessions() as session:
        view = link_view(claim.link_id, session=session)
    assert view is not None
    return view.handle, view.campaign_slug


def test_a_cm_gets_a_creators_link_and_the_same_one_when_asking_again(
    router: Router, clock: Clock
) -> None:
    said = ask(router, f"feedback link @giulia campaign:{SLUG}", user="UCM")
    (token,) = URL.findall(said)
    assert named(router, token) == ("giulia", SLUG)
    assert "Valid until 8 Dec 2026" in said and "Italian" in said
    assert "giulia" not in token.lower() and "rossi" not in token.lower()
    clock.now += dt.timedelta(days=6)
    assert URL.findall(ask(router, f"feedback link @giulia campaign:{SLUG}", user="UCM")) == [token]
    clock.now += dt.timedelta(days=2)  # less than half its life left: a new one
    (fresh,) = URL.findall(ask(router, f"feedback link @giulia campaign:{SLUG}", user="UCM"))
    assert fresh != token
    (general,) = URL.findall(ask(router, "feedback link giulia", user="UCM"))
    assert general not in (token, fresh) and named(router, general) == ("giulia", None)


def test_links_only_for_creators_one_may_see_and_not_for_viewers(router: Router) -> None:
    assert "I can't find a creator called “giulia”" in ask(router, "feedback link giulia", "UMY")
    assert not URL.findall(ask(router, "feedback link giulia", user="UV"))
    assert not URL.findall(ask(router, f"feedback links campaign:{SLUG}", user="UMY"))


def test_a_campaign_of_another_market_is_refused(router: Router) -> None:
    said = ask(router, f"feedback link @amir campaign:{SLUG}")
    assert "Black Friday IT is a campaign of" in said and not URL.findall(said)


def test_links_need_the_secret_and_the_public_url(sessions: sessionmaker[Session]) -> None:
    seed_world(sessions)
    bare = Router(commands(), Services(sessions=sessions), forms())
    said = ask(bare, "feedback link giulia")
    assert "CREATORBOT_LINK_SECRET" in said and "CREATORBOT_PUBLIC_URL" in said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("feedback links", "Name the campaign"),
        ("feedback link", "Name the creator"),
        ("feedback link giulia amir", "I don't understand “amir”"),
        (f"feedback links campaign:{SLUG} pdf", "I don't understand “pdf”"),
    ],
)
def test_bad_link_requests_are_answered_clearly(router: Router, text: str, said: str) -> None:
    assert said in ask(router, text)


def test_a_campaigns_links_list_its_enrolled_creators(router: Router) -> None:
    said = ask(router, f"feedback links campaign:{SLUG}")
    assert "@giulia" in said and "@marco.live" in said and "@amir" not in said
    tokens = URL.findall(said)
    assert sorted(named(router, t)[0] for t in tokens) == ["giulia", "marco.live"]
    assert URL.findall(ask(router, f"feedback links campaign:{SLUG}")) == tokens  # the same
    only = URL.findall(ask(router, f"feedback links campaign:{SLUG} am:Wei"))
    assert [named(router, t)[0] for t in only] == ["giulia"]
    mine = ask(router, f"feedback links campaign:{SLUG} cm:me", user="UCM", known_as=("Marco",))
    assert sorted(URL.findall(mine)) == sorted(tokens)


def export_of(router: Router, text: str) -> File:
    reply = router.handle(CommandRequest(text=text))
    assert reply.ok, render(reply)
    (file,) = [b for b in reply.blocks if isinstance(b, File)]
    return file


def test_the_export_is_a_file_for_a_mail_merge(router: Router) -> None:
    file = export_of(router, f"feedback links campaign:{SLUG} export")
    assert file.name == f"feedback-links-{SLUG}-2026-11-24.csv"
    rows = list(csv.DictReader(io.StringIO(file.content.decode("utf-8-sig"))))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert [
        (r["handle"], r["display_name"], r["market"], r["cm"], r["language"]) for r in rows
    ] == [
        ("giulia", "Giulia Rossi", "IT", "Marco", "it"),
        ("marco.live", "Marco.Live", "IT", "Marco", "it"),
    ]
    for row in rows:
        (token,) = URL.findall(row["link"])
        assert named(router, token) == (row["handle"], SLUG)
        assert row["expires_on"] == "2026-12-08"
    assert "email" not in file.content.decode() and "phone" not in file.content.decode()
    book = export_of(router, f"feedback links campaign:{SLUG} xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(EXPORT_COLUMNS)
    assert sheet.max_row == 3


def test_revoking_a_link(router: Router) -> None:
    assert "@giulia has no link that still works." in ask(router, "feedback revoke giulia")
    ask(router, f"feedback link giulia campaign:{SLUG}")
    ask(router, "feedback link giulia")
    assert "Revoked 2 links of @giulia" in ask(router, "feedback revoke giulia")
