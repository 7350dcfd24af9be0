"""A file dropped in a DM to the bot on the (fake) Slack: the preview with Import and Cancel, the
import edited into the message as it goes, the rows stored, the audit entry; who may not, Cancel,
a double click, an upload outside a DM and a file that is not CSV or XLSX."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from creatorbot.storage import staged
from creatorbot.storage.grants import grant
from creatorbot.storage.models import AuditEntry, Role, StagedFile
from creatorbot.storage.staged import MAX_BYTES
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import NOW
from tests.commands.drops import figures_of, metrics_file, stored
from tests.fakes.slack_api import DOWNLOAD
from tests.fakes.slack_requests import block_action, event, slash_command

NEW_DAY, OLD_DAY = dt.date(2026, 11, 16), dt.date(2026, 11, 23)  # not stored yet; stored
FILE = metrics_file(
    [
        ("2026-11-16", "MY", "amir", "321.09"),
        ("2026-11-16", "MY", "bella", "0.29"),
        ("2026-11-23", "MY", "amir", "1234.56"),
        ("2026-11-23", "MY", "bella", "99.99"),
    ]
)


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with drops_bot(tmp_path) as running:
        yield running


@contextlib.contextmanager
def drops_bot(tmp_path: Path, **settings: Any) -> Iterator[SlackBot]:
    """A Slack bot where ULEAD leads, UVIEW views and UCM is a CM, in every market."""
    with running_bot(tmp_path, **settings) as running:
        for user, locale, role in (
            ("ULEAD", "en-GB", Role.LEAD),
            ("UVIEW", "ms-MY", Role.VIEWER),
            ("UCM", "it-IT", Role.CM),
        ):
            running.fake.add_user(user, locale=locale)
            with running.app.sessions.begin() as session:
                grant("slack", user, role, [None], by="setup", now=NOW, session=session)
        yield running


def shown(blocks: Any) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def drop(
    bot: SlackBot,
    user: str = "ULEAD",
    name: str = "metrics.csv",
    content: bytes = FILE,
    *,
    size: int | None = None,
    channel_type: str = "im",
) -> str:
    """`user` shares a file in their DM with the bot (or elsewhere); the message's ts."""
    channel = bot.fake.dm(user) if channel_type == "im" else "C1"
    shared = bot.fake.add_file(user, name, content, size=size, channel=channel)
    ts = f"{time.time():.6f}"
    message = {
        "type": "message",
        "subtype": "file_share",
        "channel_type": channel_type,
        "user": user,
        "text": "",
        "files": [shared],
        "channel": channel,
        "ts": ts,
        "team": "T1",
    }
    assert bot.send(event(message, event_id=f"Ev-{ts}"))[0] == 200
    return ts


def preview_of(bot: SlackBot, user: str = "ULEAD") -> tuple[dict[str, Any], str]:
    """The one message the bot posted in the user's DM, and its ts."""
    dm = bot.fake.dm(user)
    bot.fake.wait_for(lambda: len(bot.fake.posts(dm)) >= 1, timeout=15)
    bot.settle()
    (call,) = [c for c in bot.fake.calls("chat.postMessage") if c.params["channel"] == dm]
    return call.params, str(call.response["ts"])


def button(message: dict[str, Any], label: str) -> dict[str, Any]:
    (found,) = [
        element
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["text"]["text"] == label
    ]
    return found


def click(bot: SlackBot, pressed: dict[str, Any], ts: str, user: str = "ULEAD") -> None:
    body = block_action(
        pressed["action_id"],
        pressed["value"],
        user_id=user,
        channel_id=bot.fake.dm(user),
        message={"type": "message", "ts": ts, "text": ""},
        response_url=bot.fake.response_url("drop"),
    )
    assert bot.send(body)[0] == 200


def updates(bot: SlackBot, ts: str) -> list[str]:
    return [
        shown(c.params.get("blocks")) for c in bot.fake.calls("chat.update") if c.params["ts"] == ts
    ]


def audited(bot: SlackBot) -> list[tuple[str, str, str, int | None]]:
    with bot.app.sessions() as session:
        rows = session.execute(
            select(AuditEntry.user_id, AuditEntry.arguments, AuditEntry.outcome, AuditEntry.rows)
            .where(AuditEntry.command == "import", AuditEntry.platform == "slack")
            .order_by(AuditEntry.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def staged_count(bot: SlackBot) -> int:
    """Files kept to import (a file seen is remembered, by reference, for a list command)."""
    with bot.app.sessions() as session:
        kept = select(StagedFile.id).where(StagedFile.kind.notin_(staged.NOT_FILES))
        return len(session.scalars(kept).all())


def test_a_dropped_file_is_previewed_then_imported_with_progress(bot: SlackBot) -> None:
    before = stored(bot.app.sessions)
    drop(bot)
    message, ts = preview_of(bot)
    text = shown(message["blocks"])
    assert "Import preview: metrics.csv" in text
    assert "matched 13 of 16 columns" in text
    assert "Not read: notes, source, region." in text
    assert "2 new, 2 updated" in text
    assert stored(bot.app.sessions) == before  # a preview writes nothing
    assert [c.params["authorization"] for c in bot.fake.calls(DOWNLOAD)] == ["Bearer xoxb-test"]

    click(bot, button(message, "Import"), ts)
    bot.fake.wait_for(lambda: any("Imported" in u for u in updates(bot, ts)), timeout=15)
    edits = updates(bot, ts)
    assert "Importing “metrics.csv”… 0%" in edits[0]
    assert "Imported 4 daily_metrics rows from “metrics.csv”: 2 new, 2 updated." in edits[-1]
    assert "Import" not in edits[-1].replace("Imported", "")  # the buttons are gone
    assert stored(bot.app.sessions, {NEW_DAY, OLD_DAY}, "MY") == figures_of(FILE)
    assert audited(bot) == [
        ("ULEAD", "preview metrics.csv", "answered", 4),
        ("ULEAD", "daily_metrics metrics.csv", "answered", 4),
    ]


def test_an_xlsx_file_round_trips_too(bot: SlackBot, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in csv.reader(io.StringIO(FILE.decode())):
        sheet.append(row)
    path = tmp_path / "metrics.xlsx"
    book.save(path)
    drop(bot, name="metrics.xlsx", content=path.read_bytes())
    message, ts = preview_of(bot)
    click(bot, button(message, "Import"), ts)
    bot.fake.wait_for(lambda: any("Imported 4" in u for u in updates(bot, ts)), timeout=15)
    assert stored(bot.app.sessions, {NEW_DAY, OLD_DAY}, "MY") == figures_of(FILE)


def test_a_second_click_imports_once(bot: SlackBot) -> None:
    drop(bot)
    message, ts = preview_of(bot)
    pressed = button(message, "Import")
    click(bot, pressed, ts)
    click(bot, pressed, ts)
    bot.fake.wait_for(lambda: len(bot.fake.ephemerals()) == 1, timeout=15)
    bot.fake.wait_for(lambda: any("Imported" in u for u in updates(bot, ts)), timeout=15)
    (told,) = bot.fake.ephemerals()
    assert told["text"] in (
        "“metrics.csv” is already being imported.",
        "“metrics.csv” was already imported.",
    )
    imported = [a for a in audited(bot) if a[1] == "daily_metrics metrics.csv"]
    assert sorted(a[2] for a in imported) == ["answered", "refused"]
    assert stored(bot.app.sessions, {NEW_DAY, OLD_DAY}, "MY") == figures_of(FILE)


def test_cancel_writes_nothing_and_says_so(bot: SlackBot) -> None:
    before = stored(bot.app.sessions)
    drop(bot, user="U2")  # an admin whose Slack is in Italian
    message, ts = preview_of(bot, "U2")
    assert "Anteprima dell'importazione: metrics.csv" in shown(message["blocks"])
    click(bot, button(message, "Annulla"), ts, user="U2")
    bot.fake.wait_for(lambda: len(updates(bot, ts)) == 1, timeout=15)
    assert "Annullato: non è stato importato nulla da “metrics.csv”." in updates(bot, ts)[0]
    assert stored(bot.app.sessions) == before


@pytest.mark.parametrize(
    ("user", "refusal"),
    [
        ("UVIEW", "Hanya ketua atau admin boleh mengimport fail; peranan anda ialah pemerhati."),
        ("UCM", "Solo un responsabile o un admin può importare file; il tuo ruolo è cm."),
        ("U9", "You don't have access to creatorbot's data yet."),
    ],
)
def test_others_are_told_they_may_not(bot: SlackBot, user: str, refusal: str) -> None:
    bot.fake.add_user("U9", locale="en-US")
    drop(bot, user=user)
    message, _ = preview_of(bot, user)
    assert refusal in shown(message["blocks"])
    assert "actions" not in shown(message["blocks"])
    assert bot.fake.calls(DOWNLOAD) == [] and staged_count(bot) == 0


def test_an_upload_outside_a_dm_is_left_alone(bot: SlackBot) -> None:
    drop(bot, channel_type="channel")
    time.sleep(1.0)
    assert bot.fake.posts() == [] and bot.fake.calls("files.info") == []
    assert staged_count(bot) == 0


def test_a_file_shared_with_a_mention_is_told_to_go_to_the_dm(bot: SlackBot) -> None:
    shared = bot.fake.add_file("ULEAD", "metrics.csv", FILE, channel="C1")
    mention = {
        "type": "app_mention",
        "user": "ULEAD",
        "text": "<@UBOT>",
        "files": [shared],
        "channel": "C1",
        "ts": "1700000000.000777",
        "team": "T1",
    }
    bot.send(event(mention, event_id="Ev-mention-file"))
    bot.fake.wait_for(lambda: len(bot.fake.ephemerals()) == 1, timeout=15)
    assert bot.fake.ephemerals()[0]["text"] == (
        "To import a file, send it to me in a direct message."
    )
    assert bot.fake.posts() == [] and staged_count(bot) == 0


def test_a_file_that_is_not_csv_or_xlsx_is_answered_clearly(bot: SlackBot) -> None:
    drop(bot, name="report.pdf", content=b"%PDF-1.7")
    message, _ = preview_of(bot)
    assert "I can import CSV or XLSX files; “report.pdf” is neither." in shown(message["blocks"])
    assert bot.fake.calls(DOWNLOAD) == [] and staged_count(bot) == 0


def test_a_file_too_large_is_refused_before_it_is_downloaded(bot: SlackBot) -> None:
    drop(bot, size=MAX_BYTES + 1)
    message, _ = preview_of(bot)
    assert "“metrics.csv” is too large: I can import files up to 20 MB." in shown(message["blocks"])
    assert bot.fake.calls(DOWNLOAD) == [] and staged_count(bot) == 0


def test_the_bots_own_files_in_the_dm_are_not_taken_for_drops(bot: SlackBot) -> None:
    shared = bot.fake.add_file("UBOT", "export.csv", FILE, channel=bot.fake.dm("ULEAD"))
    message = {
        "type": "message",
        "subtype": "file_share",
        "channel_type": "im",
        "user": "UBOT",
        "files": [shared],
        "channel": bot.fake.dm("ULEAD"),
        "ts": "1700000000.000900",
    }
    bot.send(event(message, event_id="Ev-own-file"))
    time.sleep(1.0)
    assert bot.fake.posts() == [] and bot.fake.calls("files.info") == []


def test_a_file_slack_will_not_describe_gets_an_apology(bot: SlackBot) -> None:
    bot.fake.fail("files.info", status=200, error="file_not_found")
    drop(bot)
    bot.fake.wait_for(lambda: len(bot.fake.ephemerals()) == 1, timeout=15)
    assert bot.fake.ephemerals()[0]["text"] == (
        "Sorry, I couldn't answer that just now. Please try again in a minute."
    )
    assert staged_count(bot) == 0


def test_a_refused_file_reads_in_the_uploaders_language(bot: SlackBot) -> None:
    bot.fake.add_user("UIT", locale="it-IT")
    with bot.app.sessions.begin() as session:
        grant("slack", "UIT", Role.LEAD, [None], by="setup", now=NOW, session=session)
    bad = metrics_file(
        [("2026-11-16", "MY", "amir", "1.11"), ("2026-11-16", "MY", "zed", "2.22")]
    ).replace(b",amir,1.11,", b",amir,x,")
    drop(bot, "UIT", "bad.csv", bad)
    message, _ = preview_of(bot, "UIT")
    text = shown(message["blocks"])
    assert "“bad.csv” non può essere importato" in text
    assert "bad.csv: 2 problemi, non è stato importato nulla" in text
    assert "riga 2, colonna gmv:" in text
    assert "serve un importo ≥ 0 con al massimo 2 decimali" in text
    assert "riga 3, colonna handle:" in text
    assert "nessun creator con questo handle nel mercato MY" in text
    assert "row 2" not in text and staged_count(bot) == 0


def test_a_question_is_answered_while_an_import_runs(tmp_path: Path) -> None:
    # One answer worked out at a time: an import, however long, must not be that one.
    with drops_bot(tmp_path, CREATORBOT_ANSWERING=1) as bot:
        drop(bot)
        message, ts = preview_of(bot)
        # Each edit of the message hangs a while (the fake records it once it answers): the
        # import's first, "0%", holds it inside its run.
        bot.fake.delay("chat.update", 3.0)
        click(bot, button(message, "Import"), ts)
        time.sleep(0.5)
        url = bot.fake.response_url("lb")
        assert bot.send(slash_command("/leaderboard", "gmv 7d MY", response_url=url))[0] == 200
        bot.fake.wait_for(lambda: len(bot.fake.responses(url)) == 1, timeout=15)
        assert updates(bot, ts) == []  # answered while the import was still at its first edit
        assert "amir" in shown(bot.fake.responses(url)[0]["blocks"])
        bot.fake.wait_for(lambda: any("Imported" in u for u in updates(bot, ts)), timeout=15)
