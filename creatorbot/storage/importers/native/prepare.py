"""Prepare a native export: shape it into canonical daily metrics, validate those as the
canonical importer does, and settle which creators are new (created, or refused)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.storage.importers import references
from creatorbot.storage.importers.errors import ImportFailed, RowError
from creatorbot.storage.importers.kinds import CREATORS, DAILY_METRICS, Kind
from creatorbot.storage.importers.native.aliases import Recognised
from creatorbot.storage.importers.native.creators import new_creators, unknown
from creatorbot.storage.importers.native.shape import Shaped, shape
from creatorbot.storage.importers.read import Table
from creatorbot.storage.importers.validate import validate

KEYS = ("date", "market", "handle")
# Daily metrics of which an export may carry any part: the rest stays as stored.
PARTIAL = dataclasses.replace(
    DAILY_METRICS,
    fields=tuple(
        field if field.name in KEYS else dataclasses.replace(field, optional=True)
        for field in DAILY_METRICS.fields
    ),
)
# The same, for an export whose unknown creators are created rather than refused.
CREATING = dataclasses.replace(
    PARTIAL, checks=tuple(c for c in PARTIAL.checks if c is not references.check_creators)
)


@dataclass(frozen=True)
class NativePrepared:
    """A validated native export: typed daily metrics, and the creators to create first."""

    spec: Kind
    typed: pd.DataFrame
    creators: pd.DataFrame | None  # typed canonical creators, None when none are new
    unknown: int  # creators of the export not stored yet
    shaped: Shaped


def prepare_native(
    found: Recognised,
    table: Table,
    *,
    market: str | None,
    day: dt.date | None,
    session: Session,
) -> NativePrepared:
    """Validate `table` read as `found`; raises `ImportFailed` (nothing written) naming the
    export's own columns."""
    shaped = shape(found, table, market_code=market, day=day, session=session)
    rows = shaped.table.frame
    creates = found.format.creates_creators
    spec = CREATING if creates else PARTIAL
    missing = unknown(rows, session=session)
    try:
        creators = None
        if creates and missing.any():
            listing = new_creators(table.source, rows, shaped.names, missing, session=session)
            creators = validate(CREATORS, listing, session=session)
        typed = validate(spec, shaped.table, session=session)
    except ImportFailed as exc:
        raise _named(exc, shaped.headers) from None
    unknown_count = int(rows.loc[missing, "handle"].nunique())
    return NativePrepared(spec, typed, creators, unknown_count, shaped)


def _named(failed: ImportFailed, headers: Mapping[str, str]) -> ImportFailed:
    """The same problems, naming the export's columns instead of the canonical ones."""

    def name(column: str | None) -> str | None:
        if column is None:
            return None
        return "+".join(headers.get(part, part) for part in column.split("+"))

    errors = [RowError(e.row, name(e.column), e.value, e.problem) for e in failed.errors]
    return ImportFailed(failed.source, errors, failed.total_errors)
