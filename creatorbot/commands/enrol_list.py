"""The creators' handles in a dropped list (CSV, TXT or XLSX): one column of bare handles, with
or without `@` and a header (handle, username, creator, Nome utente, Nama pengguna…), or a native
export whose creator column the importers recognise. Anything else is refused, in the reader's
language, before anything is looked up."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

from creatorbot.commands.core import UserError
from creatorbot.commands.i18n import Lang
from creatorbot.commands.import_problems import failure_lines
from creatorbot.storage.handles import handle_key
from creatorbot.storage.importers import ImportFailed
from creatorbot.storage.importers.native.aliases import all_aliases, normal
from creatorbot.storage.importers.read import DELIMITERS
from creatorbot.storage.importers.xlsx import read_xlsx

TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
SUFFIXES = (*TEXT_SUFFIXES, ".xlsx")
HEADERS = frozenset(
    {
        "handle",
        "handles",
        "@handle",
        "username",
        "user name",
        "creator",
        "creators",
        "creator handle",
        "creator username",
        "tiktok handle",
        "tiktok username",
        "nome utente",
        "creator nome utente",
        "nama pengguna",
        "nama pengguna kreator",
        "pencipta",
        "kreator",
    }
)
MAX_HANDLE = 64  # characters: longer is no handle (TikTok's are 24 at most)
SHOWN_BAD = 5  # rows named when a file holds values that are not handles
FORMULA = ("=", "+", "-")  # how a spreadsheet formula (or an injection) starts


def handle_headers() -> frozenset[str]:
    """Every header read as the creators' column: ours, and the native exports' handle column
    in each language."""
    native = {name for a in all_aliases() for name, f in a.columns.items() if f == "handle"}
    return HEADERS | native


def handles_in(name: str, content: bytes, limit: int, lang: Lang) -> tuple[list[str], int]:
    """The distinct handles of the list (first spelling kept, case and `@` aside) and how many
    repeats were left out; a UserError saying why not for a file that is not such a list, or
    that names more than `limit` creators."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(
            lang._(
                "I can read a list of creators from a CSV, TXT or XLSX file; “{name}” is none."
            ).format(name=name)
        )
    rows = _rows(name, suffix, content, lang)
    values = _column(rows, name, lang)
    found: dict[str, str] = {}
    repeats = 0
    bad: list[int] = []
    for number, value in values:
        handle = value.strip().lstrip("@").strip(",;").strip()
        if not handle:
            continue
        if _not_a_handle(handle):
            bad.append(number)
            continue
        key = handle_key(handle)
        if key in found:
            repeats += 1
            continue
        found[key] = handle
        if len(found) > limit:
            raise UserError(
                lang._(
                    "“{name}” lists more than {limit} creators: I enrol at most that many at once."
                ).format(name=name, limit=lang.number(limit)),
                lang._("Split the list and drop each part."),
            )
    if bad:
        rows_named = ", ".join(str(n) for n in bad[:SHOWN_BAD]) + (
            " …" if len(bad) > SHOWN_BAD else ""
        )
        raise UserError(
            lang.n_(
                "“{name}” holds a value that is not a handle (a formula, spaces or a long text) "
                "on row {rows}: nothing was read.",
                "“{name}” holds values that are not handles (a formula, spaces or a long text) "
                "on rows {rows}: nothing was read.",
                len(bad),
            ).format(name=name, rows=rows_named),
            lang._("Put one handle per row, such as @aisyah.beauty, and drop the file again."),
        )
    if not found:
        raise UserError(lang._("“{name}” holds no handles.").format(name=name))
    return list(found.values()), repeats


def _not_a_handle(value: str) -> bool:
    return (
        value.startswith(FORMULA)
        or len(value) > MAX_HANDLE
        or any(ch.isspace() or not ch.isprintable() for ch in value)
    )


def _rows(name: str, suffix: str, content: bytes, lang: Lang) -> list[list[str]]:
    """The file's rows as lists of text; a UserError for what cannot be read."""
    unreadable = UserError(
        lang._(
            "I couldn't read “{name}” as a list: save it as CSV (UTF-8) or Excel (.xlsx)."
        ).format(name=name)
    )
    if suffix in TEXT_SUFFIXES:
        if b"\x00" in content:
            raise unreadable
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise unreadable from None
        lines = text.splitlines()
        first = next((line for line in lines if line.strip()), "")
        sep = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
        try:
            return [list(row) for row in csv.reader(io.StringIO(text), delimiter=sep)]
        except csv.Error:
            raise unreadable from None
    try:
        return list(_xlsx_rows(name, content))
    except ImportFailed as failed:
        raise UserError(unreadable.message, *failure_lines(failed, lang)[1:4]) from None


def _xlsx_rows(name: str, content: bytes) -> Iterator[list[str]]:
    with tempfile.TemporaryDirectory(prefix="creatorbot-list-") as folder:
        path = Path(folder) / "list.xlsx"
        path.write_bytes(content)
        for grid in read_xlsx(path, name, 10_000):
            for row in grid.fillna("").astype(str).itertuples(index=False):
                yield [str(v) for v in row]


def _column(rows: list[list[str]], name: str, lang: Lang) -> list[tuple[int, str]]:
    """(row number as a spreadsheet shows it, value) of the creators' column: the one headed
    by a name for handles, else the only column there is (its first row a handle too)."""
    filled = [
        (n, [v.strip() for v in row])
        for n, row in enumerate(rows, start=1)
        if any(v.strip() for v in row)
    ]
    if not filled:
        raise UserError(lang._("“{name}” is empty: there are no handles in it.").format(name=name))
    top, header = filled[0]
    known = handle_headers()
    for position, title in enumerate(header):
        if normal(title) in known:
            return [(n, row[position]) for n, row in filled[1:] if position < len(row)]
    if max(len([v for v in row if v]) for _, row in filled) == 1:
        return [(n, next(v for v in row if v)) for n, row in filled]
    raise UserError(
        lang._("I can't tell which column of “{name}” holds the handles.").format(name=name),
        lang._("Head it “handle”, or drop a file with the handles alone, one per row."),
    )
