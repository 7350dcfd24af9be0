"""A file dropped in a private chat with the bot on the (fake) Lark: the preview card with Import
and Cancel, the import patched into the card as it goes, the rows stored, the audit entry; who may
not, Cancel, a double click, a file sent in a group and a file that is not CSV or XLSX."""

from __future__ import annotations

import datetime as dt
import html
import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from creatorbot.storage import staged
from creatorbot.storage.grants import grant
from creatorbot.storage.models import AuditEntry, Role, StagedFile
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.bot.world import NOW
from tests.commands.drops import figures_of, metrics_file, stored
from tests.fakes import lark_events as le
from tests.fakes.lark_api import RESOURCE

NEW_DAY, OLD_DAY = dt.date(2026, 11, 16), dt.date(2026, 11, 23)
FILE = metrics_file(
    [
        ("2026-11-16", "MY", "amir", "321.09"),
        ("2026-11-16", "MY", "bella", "0.29"),
        ("2026-11-23", "MY", "amir", "1234.56"),
        ("2026-11-23", "MY", "bella", "99.99"),
    ]
)
ROLES = {"ou_lead": Role.LEAD, "ou_view": Role.VIEWER, "ou_cm": Role.CM, "ou_am": Role.AM}


def lark_bot(tmp_path: Path, locale: str = "en") -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path, CREATORBOT_LOCALE=locale) as running:
        with running.app.sessions.begin() as session:
            for user, role in ROLES.items():
                grant("lark", user, role, [None], by="setup", now=NOW, session=session)
        yield running


@pytest.fixture
def bot(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[LarkBot]:
    """The bot, speaking English unless the test gives a language (`indirect`)."""
    yield from lark_bot(tmp_path, getattr(request, "param", "en"))


def chat_of(user: str) -> str:
    return f"oc_p2p_{user}"


def shown(card: dict[str, Any]) -> str:
    return html.unescape(json.dumps(card, ensure_ascii=False))


def drop(
    bot: LarkBot,
    user: str = "ou_lead",
    name: str = "metrics.csv",
    content: bytes = FILE,
    chat_type: str = "p2p",
) -> str:
    """`user` sends a file message to the bot (or in a group); the message id."""
    body = le.message_event("", chat_of(user), chat_type=chat_type, open_id=user)  # type: ignore[arg-type]
    message = body["event"]["message"]
    file_key = f"file_v3_{secrets.token_hex(6)}"
    message["message_type"] = "file"
    message["content"] = json.dumps({"file_key": file_key, "file_name": name})
    bot.fake.add_resource(message["message_id"], file_key, content)
    assert bot.deliver(body)[0] == 200
    return str(message["message_id"])


def preview_of(bot: LarkBot, user: str = "ou_lead") -> tuple[dict[str, Any], str]:
    """The one card the bot sent in the private chat, and its message id."""
    (card,) = bot.cards(chat_of(user))
    (message,) = bot.fake.messages(chat_of(user))
    return card, str(message["message_id"])


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Button label → its callback value."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: object) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("tag") == "button":
                label = node["text"]["content"]
                found[label] = node["behaviors"][0]["value"]
            for value in node.values():
                walk(value)

    walk(card)
    return found


def click(bot: LarkBot, value: dict[str, Any], message_id: str, user: str = "ou_lead") -> Any:
    action = le.card_action(value, open_id=user, message_id=message_id, chat_id=chat_of(user))
    status, answer = bot.deliver(action)
    assert status == 200
    return answer


def patched(bot: LarkBot, message_id: str) -> list[str]:
    return [shown(p["card"]) for p in bot.fake.patches(message_id)]


def audited(bot: LarkBot) -> list[tuple[str, str, str, int | None]]:
    with bot.app.sessions() as session:
        rows = session.execute(
            select(AuditEntry.user_id, AuditEntry.arguments, AuditEntry.outcome, AuditEntry.rows)
            .where(AuditEntry.command == "import", AuditEntry.platform == "lark")
            .order_by(AuditEntry.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def staged_count(bot: LarkBot) -> int:
    """Files kept to import (a file seen is remembered, by reference, for a list command)."""
    with bot.app.sessions() as session:
        kept = select(StagedFile.id).where(StagedFile.kind.notin_(staged.NOT_FILES))
        return len(session.scalars(kept).all())


def test_a_dropped_file_is_previewed_then_imported_with_progress(bot: LarkBot) -> None:
    before = stored(bot.app.sessions)
    drop(bot)
    card, message_id = preview_of(bot)
    text = shown(card)
    assert "Import preview: metrics.csv" in text
    assert "matched 13 of 16 columns" in text
    assert "Not read: notes, source, region." in text
    assert "2 new, 2 updated" in text
    assert stored(bot.app.sessions) == before
    (download,) = bot.fake.calls(RESOURCE)
    assert download.params["type"] == "file" and not download.failed

    answer = click(bot, buttons(card)["Import"], message_id)
    assert answer["toast"]["content"] == "Working on it…"
    bot.fake.wait_for(lambda: any("Imported" in p for p in patched(bot, message_id)), timeout=15)
    edits = patched(bot, message_id)
    assert "Importing “metrics.csv”… 0%" in edits[0]
    assert "Imported 4 daily_metrics rows from “metrics.csv”: 2 new, 2 updated." in edits[-1]
    assert buttons(json.loads(bot.fake.messages(chat_of("ou_lead"))[0]["content"])) == {}
    assert stored(bot.app.sessions, {NEW_DAY, OLD_DAY}, "MY") == figures_of(FILE)
    assert audited(bot) == [
        ("ou_lead", "preview metrics.csv", "answered", 4),
        ("ou_lead", "daily_metrics metrics.csv", "answered", 4),
    ]


def test_a_second_click_imports_once(bot: LarkBot) -> None:
    drop(bot)
    card, message_id = preview_of(bot)
    click(bot, buttons(card)["Import"], message_id)
    click(bot, buttons(card)["Import"], message_id)
    told = bot.fake.dm("ou_lead")
    bot.fake.wait_for(lambda: len(bot.fake.messages(told)) == 1, timeout=15)
    bot.fake.wait_for(lambda: any("Imported" in p for p in patched(bot, message_id)), timeout=15)
    (note,) = bot.fake.messages(told)
    assert json.loads(note["content"])["text"] in (
        "“metrics.csv” is already being imported.",
        "“metrics.csv” was already imported.",
    )
    imported = [a for a in audited(bot) if a[1] == "daily_metrics metrics.csv"]
    assert sorted(a[2] for a in imported) == ["answered", "refused"]
    assert stored(bot.app.sessions, {NEW_DAY, OLD_DAY}, "MY") == figures_of(FILE)


@pytest.mark.parametrize("bot", ["ms"], indirect=True)
def test_cancel_writes_nothing_and_says_so(bot: LarkBot) -> None:
    before = stored(bot.app.sessions)
    drop(bot)
    card, message_id = preview_of(bot)
    assert "Pratonton import: metrics.csv" in shown(card)
    click(bot, buttons(card)["Batal"], message_id)
    bot.fake.wait_for(lambda: len(patched(bot, message_id)) == 1, timeout=15)
    cancelled = "Dibatalkan: tiada apa-apa yang diimport daripada “metrics.csv”."
    assert cancelled in patched(bot, message_id)[0]
    assert stored(bot.app.sessions) == before
    assert staged_count(bot) == 1  # kept as cancelled, its bytes gone, until it expires


@pytest.mark.parametrize(
    ("user", "refusal"),
    [
        ("ou_view", "Solo un responsabile o un admin può importare file; il tuo ruolo è lettore."),
        ("ou_cm", "Solo un responsabile o un admin può importare file; il tuo ruolo è cm."),
        ("ou_am", "Solo un responsabile o un admin può importare file; il tuo ruolo è am."),
        ("ou_nobody", "Non hai ancora accesso ai dati di creatorbot."),
    ],
)
@pytest.mark.parametrize("bot", ["it"], indirect=True)
def test_others_are_told_they_may_not(bot: LarkBot, user: str, refusal: str) -> None:
    drop(bot, user)
    card, _ = preview_of(bot, user)
    assert refusal in shown(card)
    assert buttons(card) == {}
    assert bot.fake.calls(RESOURCE) == [] and staged_count(bot) == 0


def test_a_file_sent_in_a_group_is_left_alone(bot: LarkBot) -> None:
    drop(bot, chat_type="group")
    time.sleep(1.0)
    assert bot.fake.messages() == [] and bot.fake.calls(RESOURCE) == []
    assert staged_count(bot) == 0


def test_a_file_that_is_not_csv_or_xlsx_is_answered_clearly(bot: LarkBot) -> None:
    drop(bot, name="slides.pptx", content=b"PK\x03\x04")
    card, _ = preview_of(bot)
    assert "I can import CSV or XLSX files; “slides.pptx” is neither." in shown(card)
    assert bot.fake.calls(RESOURCE) == [] and staged_count(bot) == 0


def test_a_file_too_large_is_refused_by_its_declared_length(
    bot: LarkBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staged, "MAX_BYTES", len(FILE) - 1)
    drop(bot)
    card, _ = preview_of(bot)
    assert "“metrics.csv” is too large" in shown(card)
    assert staged_count(bot) == 0


@pytest.mark.parametrize("bot", ["ms"], indirect=True)
def test_a_refused_file_reads_in_the_bots_language(bot: LarkBot) -> None:
    bad = metrics_file(
        [("2026-11-16", "MY", "amir", "1.11"), ("2026-11-16", "MY", "zed", "2.22")]
    ).replace(b",amir,1.11,", b",amir,x,")
    drop(bot, name="bad.csv", content=bad)
    card, _ = preview_of(bot)
    text = shown(card)
    assert "“bad.csv” tidak boleh diimport" in text
    assert "bad.csv: 2 masalah, tiada apa-apa yang diimport" in text
    assert "baris 2, lajur gmv:" in text
    assert "perlu amaun ≥ 0 dengan paling banyak 2 tempat perpuluhan" in text
    assert "baris 3, lajur handle:" in text
    assert "tiada kreator dengan handle ini di pasaran MY" in text
    assert "row 2" not in text and staged_count(bot) == 0
