"""Long lists in chat: a table of the top rows, and a CSV file with every row beside it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Block, Context, File, Header, Reply, Table
from creatorbot.commands.spreadsheet import CSV_MIME, csv_bytes

TOP_ROWS = 20  # what a phone shows without scrolling past the answer
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def with_csv(reply: Reply, lang: Lang, top: int = TOP_ROWS) -> Reply:
    """Each table of more than `top` rows cut to its first `top`, with a note and a CSV of all
    its rows after it. A reply that attaches its own export is left as it is: the export holds
    the rows already, in its own columns."""
    if any(isinstance(block, File) for block in reply.blocks):
        return reply
    if not any(isinstance(b, Table) and len(b.rows) > top for b in reply.blocks):
        return reply
    name = _file_name(reply)
    blocks: list[Block] = []
    files = 0
    for block in reply.blocks:
        if not isinstance(block, Table) or len(block.rows) <= top:
            blocks.append(block)
            continue
        files += 1
        total = max(block.total or 0, len(block.rows))
        blocks.append(replace(block, rows=block.rows[:top], total=total))
        note = lang._("The top {shown} of {count} rows; the attached file has all {count}.")
        blocks.append(Context(note.format(shown=top, count=lang.number(len(block.rows)))))
        file_name = name if files == 1 else f"{name}-{files}"
        blocks.append(File(f"{file_name}.csv", table_csv(block), CSV_MIME, _title(reply)))
    return replace(reply, blocks=tuple(blocks))


def table_csv(table: Table) -> bytes:
    """Every row of a table as CSV, its cells as shown (commands/spreadsheet.py: text quoted
    and never run as a formula)."""
    size = len(table.columns)
    rows = (tuple(row[:size]) + ("",) * (size - len(row)) for row in table.rows)
    return csv_bytes([column.label for column in table.columns], rows)


def _title(reply: Reply) -> str:
    return next((block.text for block in reply.blocks if isinstance(block, Header)), "")


def _file_name(reply: Reply) -> str:
    """The answer's title as a file name every file system takes: `gmv-leaderboard-my-7-days`."""
    folded = unicodedata.normalize("NFKD", _title(reply)).encode("ascii", "ignore").decode()
    return _NOT_NAME.sub("-", folded.lower()).strip("-")[:80].rstrip("-") or "table"
