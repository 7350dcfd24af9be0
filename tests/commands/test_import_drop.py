"""A file dropped in chat, platform-neutral: the preview writes nothing and keeps the file; Import
writes exactly the file's figures once, however often it is clicked, with progress on the way;
Cancel writes nothing; only leads and admins may; every step is in the audit log."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands import import_actions, imports
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.imports import Dropped, cancel_import, receive, run_import
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Button, Buttons, Reply
from creatorbot.commands.router import Router
from creatorbot.commands.vocabulary import role_word
from creatorbot.storage import staged, upsert
from creatorbot.storage.grants import grant
from creatorbot.storage.models import AuditEntry, DailyMetric, Role, StagedFile
from tests.commands.conftest import NOW, creator_row, metric_row, seed
from tests.commands.drops import figures_of, metrics_file, stored

DAY1, DAY2 = dt.date(2026, 11, 20), dt.date(2026, 11, 21)
FILE = metrics_file(
    [
        ("2026-11-20", "MY", "alice", "1234.56"),
        ("2026-11-20", "MY", "bob", "0.29"),
        ("2026-11-20", "MY", "chen", "99.99"),
        ("2026-11-21", "MY", "alice", "1000.00"),
        ("2026-11-21", "MY", "bob", "12.34"),
        ("2026-11-21", "MY", "chen", "5.00"),
    ]
)
ROLES = {
    "lead": Role.LEAD,
    "admin": Role.ADMIN,
    "cm": Role.CM,
    "am": Role.AM,
    "viewer": Role.VIEWER,
}


class Clock:
    """The services' clock, moved by the tests."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def router(sessions: sessionmaker[Session], clock: Clock) -> Router:
    seed(
        sessions,
        [creator_row("alice"), creator_row("bob"), creator_row("chen"), creator_row("carla", "IT")],
        [metric_row(DAY1, "alice", 777_00)],  # one row of the file is an update
    )
    with sessions.begin() as session:
        for user, role in ROLES.items():
            grant("slack", user, role, [None], by="setup", now=NOW, session=session)
        grant("slack", "lead_my", Role.LEAD, ["MY"], by="setup", now=NOW, session=session)
    return Router(commands(), Services(sessions=sessions, clock=clock, rate_limit_per_minute=0))


def request(user: str = "lead", locale: str = "en") -> CommandRequest:
    return CommandRequest(text="", platform="slack", channel="DLEAD", user=user, locale=locale)


class Upload:
    """A dropped file that counts its downloads."""

    def __init__(self, content: bytes = FILE, name: str = "metrics.csv", size: int | None = -1):
        self.content = content
        self.downloads = 0
        self.dropped = Dropped(name, len(content) if size == -1 else size, self.fetch)

    def fetch(self, limit: int) -> bytes:
        self.downloads += 1
        if len(self.content) > limit:
            raise staged.TooLarge(str(len(self.content)))
        return self.content


def buttons(reply: Reply) -> dict[str, Button]:
    found = [b for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons]
    return {button.action: button for button in found}


def staged_rows(sessions: sessionmaker[Session]) -> list[StagedFile]:
    with sessions() as session:
        return list(session.scalars(select(StagedFile)))


def metric_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(DailyMetric)) or 0)


def imports_audited(sessions: sessionmaker[Session]) -> list[tuple[str, str, str, int | None]]:
    with sessions() as session:
        rows = session.execute(
            select(AuditEntry.user_id, AuditEntry.arguments, AuditEntry.outcome, AuditEntry.rows)
            .where(AuditEntry.command == "import")
            .order_by(AuditEntry.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def preview(router: Router, user: str = "lead", locale: str = "en") -> tuple[Reply, str]:
    reply = receive(router, request(user, locale), Upload().dropped)
    assert reply.ok, render(reply)
    return reply, buttons(reply)[import_actions.IMPORT].value


def test_the_preview_says_what_the_file_holds_and_writes_nothing(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    before = stored(sessions)
    reply, token = preview(router)
    text = render(reply)
    assert "Import preview: metrics.csv" in text
    assert "daily_metrics" in text
    assert "matched 13 of 16 columns" in text
    assert "Not read: notes, source, region." in text
    assert "20–21 Nov 2026 (2 days)" in text
    assert "5 new, 1 updated" in text  # alice's 20 Nov row was stored before
    assert re.search(r"Rows +6\n", text) and re.search(r"Unknown creators +none\n", text)
    assert set(buttons(reply)) == {import_actions.IMPORT, import_actions.CANCEL}
    assert buttons(reply)[import_actions.CANCEL].value == token
    assert stored(sessions) == before
    (kept,) = staged_rows(sessions)
    assert (kept.user_id, kept.filename, kept.state, bytes(kept.content)) == (
        "lead",
        "metrics.csv",
        "staged",
        FILE,
    )
    assert imports_audited(sessions) == [("lead", "preview metrics.csv", "answered", 6)]


def test_import_writes_the_files_figures_with_progress_and_an_audit_entry(
    router: Router, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upsert, "CHUNK", 2)  # several batches, so progress has steps to show
    ticks = iter(range(0, 1000, 3))  # each look at the clock is 3 s later
    _, token = preview(router)
    shown: list[str] = []
    outcome = run_import(
        router, request(), token, lambda r: shown.append(render(r)), clock=lambda: next(ticks)
    )
    assert outcome.replaces and outcome.reply.ok
    assert render(outcome.reply) == (
        "Imported 6 daily_metrics rows from “metrics.csv”: 5 new, 1 updated."
    )
    assert stored(sessions, {DAY1, DAY2}) == figures_of(FILE)
    assert shown[0] == "Importing “metrics.csv”… 0%"
    percents = [int(line.rsplit(" ", 1)[1].rstrip("%")) for line in shown]
    assert len(shown) >= 3 and percents == sorted(percents) and percents[-1] <= 100
    assert imports_audited(sessions)[-1] == ("lead", "daily_metrics metrics.csv", "answered", 6)
    (kept,) = staged_rows(sessions)
    assert (kept.state, bytes(kept.content)) == ("imported", b"")


def test_progress_is_edited_at_most_every_two_seconds(
    router: Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upsert, "CHUNK", 1)
    _, token = preview(router)
    shown: list[str] = []
    run_import(router, request(), token, lambda r: shown.append(render(r)), clock=lambda: 0.0)
    assert shown == ["Importing “metrics.csv”… 0%"]  # the clock never moved: no second edit


def test_a_second_click_imports_once(router: Router, sessions: sessionmaker[Session]) -> None:
    _, token = preview(router)
    first = run_import(router, request(), token, lambda r: None)
    assert first.reply.ok
    with sessions.begin() as session:  # someone edits a figure after the import
        session.execute(DailyMetric.__table__.update().values(orders=0))
    second = run_import(router, request(), token, lambda r: None)
    assert not second.replaces and not second.reply.ok
    assert render(second.reply) == "“metrics.csv” was already imported."
    assert {orders for _, orders in stored(sessions).values()} == {0}  # not written again
    answered = [a for a in imports_audited(sessions) if a[1].startswith("daily_metrics")]
    assert [a[2] for a in answered] == ["answered", "refused"]


def test_two_clicks_at_once_import_once(router: Router, sessions: sessionmaker[Session]) -> None:
    _, token = preview(router)
    start = threading.Barrier(2)
    outcomes: list[Any] = []

    def click() -> None:
        start.wait()
        outcomes.append(run_import(router, request(), token, lambda r: None))

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(o.reply.ok for o in outcomes) == [False, True]
    (lost,) = [o for o in outcomes if not o.reply.ok]
    assert not lost.replaces
    assert render(lost.reply) in (
        "“metrics.csv” is already being imported.",
        "“metrics.csv” was already imported.",
    )
    assert stored(sessions, {DAY1, DAY2}) == figures_of(FILE)


def test_cancel_writes_nothing_and_the_import_button_then_does_nothing(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    before = stored(sessions)
    _, token = preview(router, locale="it")
    cancelled = cancel_import(router, request(locale="it"), token)
    assert cancelled.replaces
    assert render(cancelled.reply) == "Annullato: non è stato importato nulla da “metrics.csv”."
    late = run_import(router, request(locale="it"), token, lambda r: None)
    assert not late.reply.ok and not late.replaces
    assert stored(sessions) == before
    (kept,) = staged_rows(sessions)
    assert (kept.state, bytes(kept.content)) == ("cancelled", b"")
    outcomes = [(a[1], a[2]) for a in imports_audited(sessions)]
    assert ("cancel metrics.csv", "answered") in outcomes


REFUSALS = {
    "en": "Only a lead or an admin can import files; your role is {role}.",
    "it": "Solo un responsabile o un admin può importare file; il tuo ruolo è {role}.",
    "ms": "Hanya ketua atau admin boleh mengimport fail; peranan anda ialah {role}.",
}


@pytest.mark.parametrize("locale", list(REFUSALS))
@pytest.mark.parametrize("user", ["cm", "am", "viewer"])
def test_others_may_not_drop_a_file(
    router: Router, sessions: sessionmaker[Session], user: str, locale: str
) -> None:
    upload = Upload()
    reply = receive(router, request(user, locale), upload.dropped)
    assert not reply.ok
    assert REFUSALS[locale].format(role=role_word(user, locale)) in render(reply)
    assert upload.downloads == 0 and staged_rows(sessions) == []
    assert imports_audited(sessions) == [(user, "preview metrics.csv", "denied", None)]


def test_someone_without_access_may_not_either(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    upload = Upload()
    reply = receive(router, request("stranger", "ms"), upload.dropped)
    assert "Anda belum mempunyai akses kepada data creatorbot." in render(reply)
    assert upload.downloads == 0 and staged_rows(sessions) == []


def test_only_the_uploader_can_click(router: Router, sessions: sessionmaker[Session]) -> None:
    _, token = preview(router)
    other = run_import(router, request("admin"), token, lambda r: None)
    assert render(other.reply) == "Only the person who dropped “metrics.csv” can import it."
    assert not other.replaces
    assert cancel_import(router, request("admin"), token).replaces is False
    assert staged_rows(sessions)[0].state == "staged"


@pytest.mark.parametrize(
    ("name", "size"), [("report.pdf", 10), ("photo.png", 10), ("metrics", None)]
)
def test_what_is_not_csv_or_xlsx_is_answered_clearly(
    router: Router, sessions: sessionmaker[Session], name: str, size: int | None
) -> None:
    upload = Upload(name=name, size=size)
    reply = receive(router, request(), upload.dropped)
    assert f"I can import CSV or XLSX files; “{name}” is neither." in render(reply)
    assert upload.downloads == 0 and staged_rows(sessions) == []


def test_a_file_too_large_is_refused_before_download(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    upload = Upload(size=staged.MAX_BYTES + 1)
    reply = receive(router, request(), upload.dropped)
    assert "“metrics.csv” is too large: I can import files up to 20 MB." in render(reply)
    assert upload.downloads == 0 and staged_rows(sessions) == []


def test_a_file_larger_than_it_said_is_refused(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    upload = Upload(FILE + b"x" * staged.MAX_BYTES, size=None)
    reply = receive(router, request(), upload.dropped)
    assert "is too large" in render(reply) and staged_rows(sessions) == []


def test_a_refused_file_shows_its_problems_in_the_readers_language(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    bad = metrics_file([("2026-11-20", "MY", "alice", "12.00"), ("2026-11-20", "MY", "zed", "1")])
    upload = Upload(bad, name="bad.csv")
    reply = receive(router, request(locale="ms"), upload.dropped)
    text = render(reply)
    assert not reply.ok
    assert "“bad.csv” tidak boleh diimport" in text
    assert "Saya jumpa masalah ini, dan tiada apa-apa yang ditulis:" in text
    assert '  baris 3, lajur handle: "zed" — tiada kreator dengan handle ini di pasaran MY' in text
    assert "bad.csv: 1 masalah, tiada apa-apa yang diimport" in text
    assert buttons(reply) == {} and staged_rows(sessions) == []


def test_a_lead_of_one_market_may_not_import_another_markets_rows(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    other = metrics_file([("2026-11-20", "IT", "carla", "10.00")])
    reply = receive(router, request("lead_my"), Upload(other, name="it.csv").dropped)
    assert render(reply) == "You don't have access to IT."
    assert staged_rows(sessions) == []
    assert receive(router, request("lead_my"), Upload().dropped).ok  # MY rows: fine


def test_a_preview_expires_after_a_day(
    router: Router, sessions: sessionmaker[Session], clock: Clock
) -> None:
    before = stored(sessions)
    _, token = preview(router)
    clock.now = NOW + staged.KEEP_FOR + dt.timedelta(seconds=1)
    late = run_import(router, request(), token, lambda r: None)
    assert late.replaces and not late.reply.ok
    assert "This preview has expired" in render(late.reply)
    assert stored(sessions) == before
    receive(router, request(), Upload().dropped)  # staging another clears expired files
    assert [row.state for row in staged_rows(sessions)] == ["staged"]


def test_a_person_keeps_a_few_files_waiting_at_most(
    router: Router, sessions: sessionmaker[Session], clock: Clock
) -> None:
    for n in range(staged.PER_USER + 2):
        clock.now = NOW + dt.timedelta(minutes=n)
        preview(router)
    assert len(staged_rows(sessions)) == staged.PER_USER


def test_a_failed_write_leaves_nothing_and_says_so(
    router: Router, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored(sessions)
    _, token = preview(router)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(imports, "write", broken)
    outcome = run_import(router, request(), token, lambda r: None)
    assert outcome.replaces and not outcome.reply.ok
    assert "Something went wrong on our side" in render(outcome.reply)
    assert stored(sessions) == before
    assert staged_rows(sessions)[0].state == "failed"


def test_the_uploaders_one_market_goes_to_prepare_when_it_takes_one(
    router: Router, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`prepare` will learn a `market=` keyword (native exports carry no market column): the
    uploader's only market is passed then, and nothing while it does not take one."""
    seen: list[str | None] = []
    real = imports.prepare

    def with_market(path: Any, *, session: Any, kind: Any = None, market: Any = None) -> Any:
        seen.append(market)
        return real(path, session=session, kind=kind)

    monkeypatch.setattr(imports, "prepare", with_market)
    assert receive(router, request("lead_my"), Upload().dropped).ok
    assert receive(router, request("lead"), Upload().dropped).ok  # every market, no default
    assert seen == ["MY", None]


def test_a_download_that_fails_is_answered_plainly(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    def refused(limit: int) -> bytes:
        raise ConnectionResetError("connection reset by peer")

    reply = receive(router, request(locale="it"), Dropped("metrics.csv", 100, refused))
    assert render(reply) == (
        "Non sono riuscito a scaricare “metrics.csv”. Mandalo di nuovo tra un minuto."
    )
    assert staged_rows(sessions) == []


def test_the_preview_says_how_many_orders_are_left_out_in_the_readers_language(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    orders = (
        b"Order ID,Creator username,Payment amount,Currency,Time created,Order status\n"
        b"5701,alice,RM10.00,MYR,21/11/2026 10:00:00,Completed\n"
        b"5702,alice,RM20.00,MYR,21/11/2026 11:00:00,Cancelled\n"
        b"5703,bob,RM30.00,MYR,21/11/2026 12:00:00,Unpaid\n"
    )
    reply = receive(router, request("lead", "ms"), Upload(orders, name="orders.csv").dropped)
    assert reply.ok, render(reply)
    assert re.search(r"Dikecualikan +2 pesanan dibatalkan atau belum dibayar\n", render(reply))
