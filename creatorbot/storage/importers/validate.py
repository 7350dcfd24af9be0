"""Validate every row of a file against its kind, all problems at once, before any write."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.storage.importers import checks, messages, references
from creatorbot.storage.importers.errors import ErrorLog
from creatorbot.storage.importers.kinds import Kind
from creatorbot.storage.importers.parse import parse_column
from creatorbot.storage.importers.read import Table
from creatorbot.storage.queries.metrics import MONEY

DEFAULT_MINOR_UNITS = 2  # only for rows whose market is unknown (and reported as such)
SHOWN_HEADERS = 15


def validate(kind: Kind, table: Table, *, session: Session) -> pd.DataFrame:
    """The file's rows as a typed frame ready for the writer, or `ImportFailed` listing every
    problem found (up to the cap)."""
    log = ErrorLog()
    _check_header(kind, table, log)
    log.raise_if_any(table.source)

    raw = table.frame
    markets = references.markets(session=session)
    if "market" in raw:
        minor_units = raw["market"].map(markets).fillna(DEFAULT_MINOR_UNITS).astype("int64")
    else:
        minor_units = pd.Series(DEFAULT_MINOR_UNITS, index=raw.index)
    typed = pd.DataFrame(index=raw.index)
    for field in kind.fields:
        if field.name in raw:
            typed[field.name] = parse_column(
                field,
                raw[field.name],
                log,
                markets=markets,
                minor_units=minor_units,
                threshold_units=_threshold_units(typed, minor_units),
            )
    checks.unique_keys(typed, raw, kind.key, log)
    for check in kind.checks:
        check(typed, raw, log, session)
    log.raise_if_any(table.source)
    return typed.reset_index(drop=True)


def _threshold_units(typed: pd.DataFrame, minor_units: pd.Series) -> pd.Series | None:
    """Reward thresholds of a money metric are amounts (minor units); of a count, counts."""
    if "metric" not in typed:
        return None
    counted = typed["metric"].notna() & ~typed["metric"].isin(list(MONEY))
    return minor_units.where(~counted, 0)


def _check_header(kind: Kind, table: Table, log: ErrorLog) -> None:
    found = ", ".join(name for name in table.header[:SHOWN_HEADERS] if name)
    if len(table.header) > SHOWN_HEADERS:
        found += ", …"
    for field in kind.fields:
        if field.name in table.repeated:
            log.add(1, field.name, None, messages.REPEATED_COLUMN)
        elif field.name not in table.frame and not field.optional:
            log.add(1, field.name, None, messages.MISSING_COLUMN.format(found=found))
