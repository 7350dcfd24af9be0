"""`campaign enroll SLUG` with a dropped list: bare handles (with or without `@`, a header, in
any case, repeated), a header in the team's languages, a native export; the preview's button
enrols what it showed. Careless and hostile files are answered clearly and write nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.enrol_file import receive, wants_enrolment
from creatorbot.commands.imports import Dropped
from creatorbot.commands.reply import Reply
from creatorbot.commands.router import Router
from creatorbot.storage.models import StagedFile
from tests.commands.test_campaign_setup import (
    LEAD,
    NEW,
    VIEWER,
    buttons,
    enrolled,
    say,
    submit,
    world,
)

__all__ = ["world"]  # the fixture, used by name


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dropped(name: str, content: bytes, fetched: list[str] | None = None) -> Dropped:
    def fetch(limit: int) -> bytes:
        if fetched is not None:
            fetched.append(name)
        return content

    return Dropped(name, len(content), fetch)


def drop(
    router: Router,
    name: str,
    content: bytes,
    text: str = "campaign enroll my-sprint",
    user: str = LEAD,
    locale: str = "en",
    fetched: list[str] | None = None,
) -> Reply:
    request = CommandRequest(text=text, platform="slack", user=user, channel="D1", locale=locale)
    return receive(router, request, dropped(name, content, fetched))


@pytest.fixture
def sprint(world: Router) -> Router:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    return world


def pending_rows(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return len(session.scalars(select(StagedFile.id)).all())


def test_the_command_sent_with_a_file_is_recognised() -> None:
    assert wants_enrolment("campaign enroll my-sprint")
    assert wants_enrolment("/creatorbot campagna includi my-sprint")
    assert wants_enrolment("campaign enrol my-sprint")
    assert wants_enrolment("kempen daftar my-sprint")
    assert not wants_enrolment("")
    assert not wants_enrolment("campaign my-sprint")
    assert not wants_enrolment("leaderboard gmv")


def test_a_bare_list_is_previewed_then_enrolled_as_shown(
    sprint: Router, sessions: sessionmaker[Session]
) -> None:
    content = b"@Amir\nbella\n@AMIR\nchen\nnobody99\n\n"
    preview = drop(sprint, "list.txt", content)
    shown = render(preview)
    assert preview.ok, shown
    # amir twice (case aside), bella, chen known; nobody99 unknown
    assert "Read 4 handles" in shown and "1 repeated handle counted once" in shown
    assert "@amir" in shown and "@bella" in shown and "@chen" in shown
    assert "@nobody99" in shown
    assert enrolled(sessions, "my-sprint") == []  # a preview writes nothing
    (button,) = [b for b in buttons(preview) if b.action == "run"]
    assert "3" in button.label
    done = say(sprint, button.value)
    assert done.ok, render(done)
    assert enrolled(sessions, "my-sprint") == ["amir", "bella", "chen"]


@pytest.mark.parametrize(
    ("header", "locale"),
    [("handle", "en"), ("Username", "en"), ("Nome utente", "it"), ("Nama pengguna", "ms")],
)
def test_a_headed_column_in_a_spreadsheet(
    sprint: Router, sessions: sessionmaker[Session], header: str, locale: str
) -> None:
    content = xlsx([["Notes", header], ["top seller", "amir"], ["", "@dina"]])
    preview = drop(sprint, "list.xlsx", content, locale=locale)
    assert preview.ok, render(preview)
    (button,) = [b for b in buttons(preview) if b.action == "run"]
    assert say(sprint, button.value, locale=locale).ok
    assert enrolled(sessions, "my-sprint") == ["amir", "dina"]


def test_a_native_export_is_read_by_its_creator_column(
    sprint: Router, sessions: sessionmaker[Session]
) -> None:
    content = b"Creator name,Creator username,Affiliate GMV\nAmir,amir,RM1.00\nEko,eko,RM2.00\n"
    preview = drop(sprint, "export.csv", content)
    (button,) = [b for b in buttons(preview) if b.action == "run"]
    assert say(sprint, button.value).ok
    assert enrolled(sessions, "my-sprint") == ["amir", "eko"]


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n \n,,\n", "is empty"),
        ("many.csv", b"\n".join(f"c{n}".encode() for n in range(50_000)), "more than 5,000"),
        ("binary.csv", bytes(range(256)) * 40, "couldn't read"),
        ("binary.xlsx", bytes(range(256)) * 40, "couldn't read"),
        ("formula.csv", b'handle\namir\n=HYPERLINK("http://x";"bella")\n', "is not a handle"),
        ("formula.xlsx", xlsx([["handle"], ["amir"], ["+cmd|' /C calc'!A0"]]), "is not a handle"),
        ("two.csv", b"name,gmv\nAmir,1\n", "which column"),
        ("list.pdf", b"%PDF-1.4", "CSV, TXT or XLSX"),
    ],
)
def test_careless_and_hostile_files_write_nothing(
    sprint: Router, sessions: sessionmaker[Session], name: str, content: bytes, said: str
) -> None:
    before = pending_rows(sessions)
    reply = drop(sprint, name, content)
    assert not reply.ok
    assert said in render(reply)
    assert not [b for b in buttons(reply) if b.action == "run"]
    assert enrolled(sessions, "my-sprint") == []
    assert pending_rows(sessions) == before


def test_a_viewer_is_refused_in_their_language_before_the_file_is_downloaded(
    sprint: Router,
) -> None:
    fetched: list[str] = []
    english = render(drop(sprint, "list.txt", b"amir\n", user=VIEWER))
    reply = drop(sprint, "list.txt", b"amir\n", user=VIEWER, locale="it", fetched=fetched)
    assert not reply.ok
    assert "viewer" in english and render(reply) != english
    assert fetched == []


def test_more_than_the_campaign_is_refused(sprint: Router) -> None:
    reply = drop(sprint, "list.txt", b"amir\n", text="campaign enroll my-sprint @bella")
    assert not reply.ok
    assert "nothing more" in render(reply)


def test_enrol_without_creators_tells_of_the_list_file(sprint: Router) -> None:
    told = render(say(sprint, "campaign enroll my-sprint"))
    assert "Name the creators" in told and "list of handles (CSV, XLSX or TXT)" in told
    assert "list of handles" not in render(say(sprint, "campaign unenroll my-sprint"))
