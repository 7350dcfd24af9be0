"""A dropped file's problems and preview read in the reader's language (Italian, Malay), numbers
and dates written its way; the CLI's wording of the same problems stays English; every import
message keeps its placeholders in every translation."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy.orm import Session, sessionmaker

import creatorbot.storage.importers
from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.i18n import LOCALES_DIR, Lang
from creatorbot.commands.import_problems import failure_lines, problem_text
from creatorbot.commands.imports import Dropped, receive
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage.grants import grant
from creatorbot.storage.importers import ImportFailed, messages, prepare
from creatorbot.storage.importers.native.formats import FORMATS
from creatorbot.storage.importers.said import OR
from creatorbot.storage.models import Role
from tests.commands.conftest import NOW, creator_row, metric_row, seed
from tests.commands.drops import metrics_file

DAY = dt.date(2026, 11, 20)
# Row 2 is fine; row 3 has a GMV that is no amount; row 4 a creator nobody stored; row 5 a
# date before the calendar's first day.
BAD = metrics_file(
    [
        ("2026-11-20", "MY", "alice", "12.00"),
        ("2026-11-20", "MY", "bob", "7.77"),
        ("2026-11-20", "MY", "zed", "1"),
        ("1999-12-31", "MY", "chen", "5"),
    ]
).replace(b",bob,7.77,", b",bob,x,")
SEEN = {
    "it": [
        "“bad.csv” non può essere importato",
        "bad.csv: 3 problemi, non è stato importato nulla",
        '  riga 3, colonna gmv: "x" — serve un importo ≥ 0 con al massimo 2 decimali',
        '  riga 4, colonna handle: "zed" — nessun creator con questo handle nel mercato MY',
        '  riga 5, colonna date: "1999-12-31" — serve una data dal 1 gen 2000 in poi',
    ],
    "ms": [
        "“bad.csv” tidak boleh diimport",
        "bad.csv: 3 masalah, tiada apa-apa yang diimport",
        '  baris 3, lajur gmv: "x" — perlu amaun ≥ 0 dengan paling banyak 2 tempat perpuluhan',
        '  baris 4, lajur handle: "zed" — tiada kreator dengan handle ini di pasaran MY',
        '  baris 5, lajur date: "1999-12-31" — perlu tarikh mulai 1 Jan 2000',
    ],
}
ENGLISH = [
    "bad.csv: 3 problems, nothing was imported",
    '  row 3, column gmv: "x" — expected an amount ≥ 0 with at most 2 decimals',
    '  row 4, column handle: "zed" — no creator with this handle in market MY',
    '  row 5, column date: "1999-12-31" — expected a date from 2000-01-01 on',
]


@pytest.fixture
def router(sessions: sessionmaker[Session]) -> Router:
    seed(
        sessions,
        [creator_row("alice"), creator_row("bob"), creator_row("chen")],
        [metric_row(DAY, "alice", 777_00)],
    )
    with sessions.begin() as session:
        grant("slack", "lead", Role.LEAD, [None], by="setup", now=NOW, session=session)
        grant("slack", "lead_my", Role.LEAD, ["MY"], by="setup", now=NOW, session=session)
    return Router(commands(), Services(sessions=sessions, clock=lambda: NOW))


def drop(router: Router, content: bytes, name: str, locale: str, user: str = "lead") -> str:
    request = CommandRequest(text="", platform="slack", channel="D1", user=user, locale=locale)
    return render(receive(router, request, Dropped(name, len(content), lambda _: content)))


@pytest.mark.parametrize("language", list(SEEN))
def test_a_refused_drop_reads_in_the_readers_language(router: Router, language: str) -> None:
    text = drop(router, BAD, "bad.csv", language)
    for line in SEEN[language]:
        assert line in text.splitlines(), f"{line!r} not in\n{text}"
    assert "expected" not in text and "row " not in text


@pytest.mark.parametrize("language", ["en", "it", "ms"])
def test_a_file_of_no_known_kind_dropped_in_chat_gives_no_command_line_advice(
    router: Router, language: str
) -> None:
    text = drop(router, b"foo,bar\n1,2\n", "odd.csv", language)
    assert "CREATORBOT_COLUMN_MAP" in text  # what an admin can do about it
    assert "creatorbot import" not in text  # a chat has no command line


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "it is nearest to creators, which also needs the columns am, joined_on"),
        ("it", "il più vicino è creators, che richiede anche le colonne am, joined_on"),
        ("ms", "yang paling hampir ialah creators, yang juga memerlukan lajur am, joined_on"),
    ],
)
def test_a_file_lacking_a_few_columns_dropped_in_chat_is_told_its_nearest_kind(
    router: Router, language: str, said: str
) -> None:
    header = b"handle,display_name,market,tier,category,followers,cm\n"
    text = drop(
        router, header + b"alice,Alice,MY,gold,Beauty,1,cm@example.com\n", "c.csv", language
    )
    assert said in text
    assert "creatorbot import" not in text


def test_the_cli_and_the_inbox_keep_the_english_wording(
    sessions: sessionmaker[Session], router: Router, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(BAD)
    with sessions.begin() as session, pytest.raises(ImportFailed) as refused:
        prepare(path, session=session)
    assert str(refused.value).splitlines() == ENGLISH  # what the CLI prints, failed/*.txt holds
    assert drop(router, BAD, "bad.csv", "en").count("\n  row ") == 3  # English chat: English


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (
            "it",
            [
                "Anteprima dell'importazione: metrics.csv",
                "13 colonne su 16 riconosciute",
                "20 nov 2026",
                "2 nuove, 1 aggiornate",
            ],
        ),
        (
            "ms",
            [
                "Pratonton import: metrics.csv",
                "13 daripada 16 lajur dipadankan",
                "20 Nov 2026",
                "2 baharu, 1 dikemas kini",
            ],
        ),
    ],
)
def test_the_preview_of_a_canonical_file_reads_in_the_readers_language(
    router: Router, language: str, shown: list[str]
) -> None:
    good = metrics_file(
        [(d, "MY", h, g) for d, h, g in [("2026-11-20", "alice", "1"), ("2026-11-20", "bob", "2")]]
        + [("2026-11-20", "MY", "chen", "1234.5")]
    )
    text = drop(router, good, "metrics.csv", language)
    for part in shown:
        assert part in text, f"{part!r} not in\n{text}"


NATIVE = [
    "Nome del creator,Nome utente del creator,GMV attribuito al creator",
    "Alice,alice,RM12.00",
    "Zed,zed,RM1.00",
]
NATIVE_SEEN = {
    "it": [
        "export prestazioni creator (intestazioni in italiano), letto come daily_metrics",
        "Malaysia (indicato)",
        "20 nov 2026 · giorno secondo il nome del file",
    ],
    "ms": [
        "eksport prestasi kreator (pengepala bahasa Itali), dibaca sebagai daily_metrics",
        "Malaysia (ditetapkan)",
        "20 Nov 2026 · hari menurut nama fail",
    ],
}


@pytest.mark.parametrize("language", list(NATIVE_SEEN))
def test_the_preview_of_a_native_export_names_it_in_the_readers_language(
    router: Router, language: str
) -> None:
    content = ("\n".join(NATIVE) + "\n").encode()
    text = drop(router, content, "creator_data_20261120.csv", language, user="lead_my")
    for part in NATIVE_SEEN[language]:
        assert part in text, f"{part!r} not in\n{text}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "the file has more than 2,000,000 rows; split it by day or market"),
        ("it", "il file ha più di 2.000.000 righe; dividilo per giorno o per mercato"),
        ("ms", "fail ini ada lebih daripada 2,000,000 baris; pecahkan mengikut hari atau pasaran"),
    ],
)
def test_numbers_are_grouped_the_languages_way(language: str, expected: str) -> None:
    problem = messages.TOO_MANY_ROWS.format(limit=2_000_000)
    assert str(problem) == "the file has more than 2,000,000 rows; split it by day or market"
    assert problem_text(problem, Lang(language)) == expected


def test_nested_wording_dates_and_alternatives_are_translated_too() -> None:
    several = messages.SEVERAL_DAYS.format(
        first=dt.date(2026, 11, 1), last=dt.date(2026, 11, 7), where=messages.DAY_FROM_FILE_NAME
    )
    assert str(several).startswith("the export covers 2026-11-01 to 2026-11-07 (its file name)")
    assert problem_text(several, Lang("it")).startswith(
        "l'export copre dal 1 nov 2026 al 7 nov 2026 (lo dice il nome del file); "
    )
    big = messages.FILE_TOO_LARGE.format(
        size=messages.MEGABYTES.format(size=1536.0), limit=messages.MEGABYTES.format(size=200.0)
    )
    assert str(big).startswith("the file is 1,536 MB; at most 200 MB is imported")
    assert problem_text(big, Lang("it")).startswith("il file è di 1.536 MB; si importa al massimo")
    failed = ImportFailed("f.csv", [], total_errors=1234)
    assert failure_lines(failed, Lang("it")) == [
        "f.csv: 1.234 problemi, non è stato importato nulla",
        "  … e altri 1.234",
    ]


def test_a_problem_the_catalogs_cannot_fill_is_shown_in_english() -> None:
    assert problem_text("a plain sentence", Lang("it")) == "a plain sentence"
    broken = messages.ROW.format(row=3)
    broken.params.clear()  # as if a translation named a value the wording does not give
    assert problem_text(broken, Lang("ms")) == "row 3"


# --- every import message keeps its placeholders --------------------------------------------

IMPORTERS = Path(creatorbot.storage.importers.__file__).parent


def import_messages() -> list[str]:
    found = extract_from_dir(str(IMPORTERS), keywords={"N_": None}, comment_tags=())
    return sorted({message for _file, _line, message, _comments, _context in found})


def placeholders(text: str) -> list[tuple[str, str, str | None]]:
    parsed = string.Formatter().parse(text)
    return sorted((name, spec or "", conv) for _, name, spec, conv in parsed if name is not None)


def test_every_import_message_is_marked_for_the_catalogs() -> None:
    wording = [v for k, v in vars(messages).items() if k.isupper() and isinstance(v, str)]
    labels = [export.label for export in FORMATS.values()]
    assert len(wording) > 70 and len(labels) == 4
    assert {*wording, *labels, OR} <= set(import_messages())


@pytest.mark.parametrize("language", ["it", "ms"])
def test_every_import_message_keeps_its_placeholders(language: str) -> None:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "creatorbot.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    problems = []
    for message in import_messages():
        entry = catalog.get(message)
        if entry is None or not entry.string:
            problems.append(f"missing: {message!r}")
        elif placeholders(str(entry.string)) != placeholders(message):
            problems.append(f"placeholders differ: {message!r} → {entry.string!r}")
    assert not problems, "\n".join(problems)
