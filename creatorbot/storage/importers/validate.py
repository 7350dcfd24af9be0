"""Validate every row of a file against its kind, all problems at once, before any write."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.storage.importers import checks, days, messages, references
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
    typed, log = checked(kind, table, session=session)
    log.raise_if_any(table.source)
    return typed.reset_index(drop=True)


def checked(kind: Kind, table: Table, *, session: Session) -> tuple[pd.DataFrame, ErrorLog]:
    """The rows as typed values (indexed by row; None or NaT where a value is wrong) and the
    problems found. A header that will not do raises `ImportFailed` at once."""
    log = ErrorLog()
    _check_header(kind, table, log)
    log.raise_if_any(table.source)

    raw = table.frame
    markets = references.markets(session=session)
    minor_units = _minor_units(raw, markets)
    typed = pd.DataFrame(index=raw.index)
    for field in kind.fields:
        if field.name in table.parsed:
            typed[field.name] = raw[field.name]
        elif field.name in raw:
            typed[field.name] = parse_column(
                field,
                raw[field.name],
                log,
                markets=markets,
                minor_units=minor_units,
                threshold_units=_threshold_units(typed, minor_units),
            )
    days.not_after_tomorrow(kind, typed, raw, log, session)
    checks.unique_keys(typed, raw, kind.key, log)
    for check in kind.checks:
        check(typed, raw, log, session)
    return typed, log


def _minor_units(raw: pd.DataFrame, markets: Mapping[str, int]) -> pd.Series:
    """Each row's market's minor units, looked up once per distinct market."""
    if "market" not in raw:
        return pd.Series(DEFAULT_MINOR_UNITS, index=raw.index)
    codes, names = pd.factorize(raw["market"])
    units = [markets.get(name, DEFAULT_MINOR_UNITS) for name in names]
    # Code -1 (a missing value) picks the default appended last.
    by_code = np.array([*units, DEFAULT_MINOR_UNITS], dtype=np.int64)
    return pd.Series(by_code[codes], index=raw.index)


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
