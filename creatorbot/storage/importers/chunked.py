"""A file validated chunk by chunk as if it were read whole: every problem of every chunk (the
first ones by row, all counted), a natural key repeated in a later chunk named with its first
row, and the typed rows of all chunks joined (they are small beside the text they come from)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import MAX_ERRORS, ErrorLog, ImportFailed, RowError
from creatorbot.storage.importers.kinds import Kind
from creatorbot.storage.importers.read import Table
from creatorbot.storage.importers.references import check_look_alikes
from creatorbot.storage.importers.seen import SeenKeys, key_hashes
from creatorbot.storage.importers.validate import checked


class Problems:
    """The problems of a file's chunks, taken in row order: the first MAX_ERRORS kept, all
    counted."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.total = 0

    def add(self, errors: Sequence[RowError], total: int) -> None:
        self.errors += errors[: MAX_ERRORS - len(self.errors)]
        self.total += total

    def add_log(self, log: ErrorLog) -> None:
        self.add(log.errors, log.total)

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self, source: str) -> None:
        if self:
            raise ImportFailed(source, self.errors, self.total)


def validate_chunks(kind: Kind, tables: Iterable[Table], *, session: Session) -> pd.DataFrame:
    """The rows of every table (the chunks of one file, in order) as one typed frame ready for
    the writer, or `ImportFailed` listing every problem of the file (up to the cap)."""
    if check_look_alikes in kind.checks:  # a check across every row: the file is read whole
        tables = [_joined(list(tables))]
    problems, seen = Problems(), SeenKeys()
    parts: list[pd.DataFrame] = []
    source = ""
    for table in tables:
        source = table.source
        typed, log = checked(kind, table, session=session)
        repeated_keys(kind.key, typed, table, seen, log)
        problems.add_log(log)
        if not problems:  # after a problem, rows are only checked: none will be written
            parts.append(typed)
    problems.raise_if_any(source)
    return pd.concat(parts, ignore_index=True)


def repeated_keys(
    key: Sequence[str], typed: pd.DataFrame, table: Table, seen: SeenKeys, log: ErrorLog
) -> None:
    """Rows whose natural key was met in an earlier chunk (a chunk's own repeats are found by
    validation) go to `log`, naming the first row; the chunk's keys join `seen`."""
    columns = list(key)
    keys = typed.loc[typed[columns].notna().all(axis=1), columns]
    if keys.empty:
        return
    hashes = key_hashes(keys)
    first = pd.Series(seen.first_rows(hashes), index=keys.index)
    again = first >= 0
    if again.any():
        shown = table.frame.loc[again.index[again.to_numpy()], columns].agg(", ".join, axis=1)
        names = ", ".join(columns)
        log.add_rows(
            again,
            "+".join(columns),
            shown,
            lambda row: messages.DUPLICATE_KEY.format(key=names, first=first[row]),
        )
    seen.add(hashes, keys.index.to_numpy())


def _joined(tables: list[Table]) -> Table:
    frame = pd.concat([table.frame for table in tables]) if len(tables) > 1 else tables[0].frame
    return Table(tables[0].source, frame, tables[0].header, tables[0].repeated, tables[0].preamble)
