"""`import_file`: read a canonical file, validate all of it, then write it through the writer."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from creatorbot.storage.boards.hooks import after_import
from creatorbot.storage.importers.kinds import BY_NAME, KINDS
from creatorbot.storage.importers.read import read_table
from creatorbot.storage.importers.validate import validate
from creatorbot.storage.roster import shared
from creatorbot.storage.writer import WRITERS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    """What an import did: `rows` in the file, of which `inserted` were new and `updated`
    replaced rows with the same natural key."""

    kind: str
    rows: int
    inserted: int
    updated: int


def import_file(
    kind: str,
    path: Path,
    *,
    session: Session,
    column_map: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the file at `path` as `kind` inside the caller's transaction (never commits).

    `column_map` renames the file's own headers to canonical names. Raises `ImportFailed`, having
    written nothing, when any row is wrong. `on_total(rows)` is called once before writing and
    `progress(n)` as each batch of n rows is written.
    """
    spec = BY_NAME.get(kind)
    if spec is None:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    path = Path(path)
    table = read_table(path, column_map)
    with shared(session=session):  # validation, the writer and the boards read creators once
        typed = validate(spec, table, session=session)
        existing = spec.existing(typed, session)
        if on_total:
            on_total(len(typed))
        WRITERS[kind](typed, session=session, progress=progress)
        after_import(kind, typed, session=session)
    result = ImportResult(kind, len(typed), len(typed) - existing, existing)
    logger.info(
        "imported %s",
        path.name,
        extra={"kind": kind, "rows": result.rows, "inserted": result.inserted},
    )
    return result
