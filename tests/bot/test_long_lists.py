"""Long lists: the top rows in chat, every row in a CSV beside them."""

from __future__ import annotations

import csv
import io

from creatorbot.bot.long_lists import TOP_ROWS, table_csv, with_csv
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Column, Context, File, Header, Reply, Table, Text


def listing(rows: int) -> Table:
    cells = tuple((str(n + 1), f"creator_{n:03d}") for n in range(rows))
    return Table((Column("#", "right"), Column("Creator")), cells, total=rows + 100)


def read(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_short_list_is_left_as_it_is() -> None:
    reply = Reply((Header("Top"), listing(TOP_ROWS)))
    assert with_csv(reply, Lang()) == reply


def test_a_long_list_keeps_its_top_rows_and_a_csv_of_all() -> None:
    reply = Reply((Header("Più venduti · Città"), listing(57), Text("after")))
    shown = with_csv(reply, Lang("it"))
    header, table, note, file, after = shown.blocks
    assert isinstance(table, Table) and table.rows == listing(57).rows[:TOP_ROWS]
    assert table.total == 157  # what the command said exists stays said
    assert isinstance(note, Context)
    assert note.text == f"Le prime {TOP_ROWS} righe di 57; il file allegato le ha tutte e 57."
    assert isinstance(file, File) and file.name == "piu-venduti-citta.csv"
    assert file.mime == "text/csv" and file.title == "Più venduti · Città"
    assert read(file.content) == [["#", "Creator"]] + [
        [str(n + 1), f"creator_{n:03d}"] for n in range(57)
    ]
    assert after == Text("after")


def test_two_long_lists_get_a_file_each() -> None:
    shown = with_csv(Reply((listing(30), listing(40))), Lang())
    files = [block for block in shown.blocks if isinstance(block, File)]
    assert [f.name for f in files] == ["table.csv", "table-2.csv"]
    assert [len(read(f.content)) for f in files] == [31, 41]


def test_a_reply_with_its_own_export_is_left_as_it_is() -> None:
    reply = Reply((listing(60), File("match.csv", b"x")))
    assert with_csv(reply, Lang()) == reply


def test_a_csv_cell_never_runs_as_a_formula_and_short_rows_are_filled() -> None:
    table = Table((Column("Creator"), Column("GMV")), (("=HYPERLINK(1)",), ("-2", "RM1")))
    assert read(table_csv(table)) == [["Creator", "GMV"], ["'=HYPERLINK(1)", ""], ["'-2", "RM1"]]
