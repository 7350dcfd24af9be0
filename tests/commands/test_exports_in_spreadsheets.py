"""Exports opened in a spreadsheet never run what people typed: the feedback export (CSV and
XLSX) and the match export, filled with hostile text, read as Excel and LibreOffice read them
under a `,` locale and a `;` locale (Italy) — no cell starts with a formula character."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import openpyxl
import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands import match
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.reply import File, Reply
from creatorbot.commands.router import Command, Router
from tests.commands.conftest import NOW, creator_row, metric_row, seed

# What someone may type into a comment or a creator's name, meaning harm or not.
HOSTILE = (
    "=1+1",
    "ok;=1+1",
    "ok,=1+1",
    "x;+cmd",
    "@SUM(1)",
    "-2+3",
    "+49 30 1234",
    "ok;\t=2",
    "ok,\r@x",
    "ok;\r\n-1",
    "＝1+1",
    "ok;＋1",
    "ok; －1",
    "a,\u3000＠x",
    'say "hi" =1',
    'a;"=1"',
    ';"=1"',
    '"=1"',
    "line one\n=1+1",
    "line one\r=HYPERLINK(1)",
    "ok;;  ;=1",
    "plain, fine; text",
)
# What a spreadsheet runs: a cell starting with one of these (ASCII or full-width).
FORMULA = tuple("=+-@＝＋－＠")
NUMBER = re.compile(r"-?\d+(\.\d+)?")
END = dt.date(2026, 11, 23)


def cells_as_spreadsheets_see_them(text: str) -> Iterator[tuple[str, str]]:
    """Every cell of `text` as each reader splits it: Python's csv (as LibreOffice and Excel
    read a file in their own separator) with `,`, `;` and tab; and, as Excel does with a file
    whose separator is not its own, every physical line split on `;` (or `,`) ignoring quotes."""
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            for cell in row:
                yield f"csv {delimiter!r}", cell
    for line in re.split(r"\r\n|\r|\n", text):
        for separator in (";", ","):
            for cell in line.split(separator):
                yield f"split {separator!r}", cell


def runnable(cell: str) -> bool:
    """Whether a spreadsheet would take the cell for a formula: after the blanks and quotes
    it drops, it starts with a formula character (a plain number, even negative, is fine)."""
    shown = cell.strip().strip('"').strip()
    return shown.startswith(FORMULA) and not NUMBER.fullmatch(shown)


def assert_nothing_runs(file: File) -> None:
    text = file.content.decode("utf-8-sig")
    found = [(how, cell) for how, cell in cells_as_spreadsheets_see_them(text) if runnable(cell)]
    assert not found, found


# --- feedback ---------------------------------------------------------------------------------


@pytest.fixture
def feedback_router(sessions: sessionmaker[Session]) -> Router:
    """Every HOSTILE text submitted as a feedback comment."""
    seed(sessions, [creator_row("amir")], [])
    router = Router(commands(), Services(sessions=sessions, clock=lambda: NOW), forms())
    for comment in HOSTILE:
        values = {"creator": "amir", "rating": "4", "topic": "payout", "comment": comment}
        assert router.submit(CommandRequest(text="", user="U1"), "feedback", values).ok
    return router


def exported(router: Router, text: str) -> File:
    reply: Reply = router.handle(CommandRequest(text=text))
    assert reply.ok, reply
    (file,) = [b for b in reply.blocks if isinstance(b, File)]
    return file


def test_the_feedback_csv_runs_nothing_in_any_locale(feedback_router: Router) -> None:
    assert_nothing_runs(exported(feedback_router, "feedback export"))


def test_the_feedback_csv_still_reads_as_typed(feedback_router: Router) -> None:
    file = exported(feedback_router, "feedback export")
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"), newline="")))
    comments = [row[7] for row in rows[1:]]
    # Only a quote was added, before what would start a formula: the words are all there.
    assert [c.replace("'", "") for c in comments] == list(HOSTILE)
    assert "plain, fine; text" in comments  # nothing to defuse: untouched
    # The rating is a number a spreadsheet sums: written bare; every text is quoted.
    reader = csv.reader(
        io.StringIO(file.content.decode("utf-8-sig"), newline=""), quoting=csv.QUOTE_NONNUMERIC
    )
    next(reader)
    for row in reader:
        assert row[4] == 4.0
        assert all(isinstance(cell, str) for i, cell in enumerate(row) if i != 4)


def test_the_feedback_xlsx_holds_no_formula(feedback_router: Router) -> None:
    file = exported(feedback_router, "feedback export xlsx")
    book = openpyxl.load_workbook(io.BytesIO(file.content))
    sheet = book.active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # Shown exactly as typed (XML reads every line break as LF), and kept as text if someone
    # edits the cell.
    comments = [row[7].value for row in sheet.iter_rows(min_row=2)]
    assert comments == [re.sub(r"\r\n?", "\n", h) for h in HOSTILE]
    for row in sheet.iter_rows(min_row=2):
        comment = row[7]
        assert comment.quotePrefix == str(comment.value).lstrip().startswith(FORMULA)
        assert isinstance(row[4].value, int)
    with zip_of(file) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def zip_of(file: File) -> Any:
    import zipfile

    return zipfile.ZipFile(io.BytesIO(file.content))


# --- match ------------------------------------------------------------------------------------


@pytest.fixture
def match_reply(sessions: sessionmaker[Session]) -> Callable[[str], Reply]:
    """MY beauty creators named with HOSTILE text (names and tiers), half of them selling less
    than the month before (a negative growth)."""
    creators, metrics = [], []
    for index, name in enumerate(HOSTILE):
        handle = f"c{index:02d}"
        creators.append(creator_row(handle, display_name=name, tier=name))
        now, before = 10_000 + index, (20_000 if index % 2 else 5_000)
        for offset in range(60):
            gmv = now if offset < 30 else before
            day = END - dt.timedelta(days=offset)
            metrics.append(metric_row(day, handle, gmv, orders=2, video_views=300))
    seed(sessions, creators, metrics)
    table = {
        **commands(),
        "match": Command(
            "match", match.parse, match.answer, commands()["match"].summary, "match beauty MY"
        ),
    }
    router = Router(table, Services(sessions=sessions, clock=lambda: NOW))
    return lambda text: router.handle(CommandRequest(text=text))


def match_file(match_reply: Callable[[str], Reply]) -> File:
    reply = match_reply("match beauty MY export")
    assert reply.ok, reply
    (file,) = [b for b in reply.blocks if isinstance(b, File)]
    return file


def test_the_match_csv_runs_nothing_in_any_locale(match_reply: Callable[[str], Reply]) -> None:
    assert_nothing_runs(match_file(match_reply))


def test_the_match_csv_keeps_numbers_as_numbers(match_reply: Callable[[str], Reply]) -> None:
    file = match_file(match_reply)
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(HOSTILE)
    names = {row[header.index("handle")]: row[header.index("display_name")] for row in body}
    assert {h: n.replace("'", "") for h, n in names.items()} == {
        f"c{i:02d}": name for i, name in enumerate(HOSTILE)
    }
    # Every figure is written bare (a number to a spreadsheet), text always quoted; a falling
    # creator's growth is a negative number, not text.
    numeric = ("rank", "followers", "gmv_30d", "orders_30d", "conversion", "growth", "score")
    reader = csv.reader(
        io.StringIO(file.content.decode("utf-8-sig"), newline=""), quoting=csv.QUOTE_NONNUMERIC
    )
    next(reader)
    growths = []
    for row in reader:
        for column in numeric:
            assert isinstance(row[header.index(column)], float), (column, row)
        assert isinstance(row[header.index("handle")], str)
        growths.append(row[header.index("growth")])
    assert min(growths) == pytest.approx((10_000 - 20_000) / 20_000, abs=0.001)  # c01: -50%
    assert max(growths) > 0
