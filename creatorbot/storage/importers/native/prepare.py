"""Prepare a native export chunk by chunk: shape it into canonical daily metrics, validate
those as the canonical importer does, and settle which creators are new (created, or
refused)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pandas as pd
from pandas.api.types import is_integer_dtype
from sqlalchemy.orm import Session

from creatorbot.storage.importers import read, references
from creatorbot.storage.importers.chunked import Problems, repeated_keys
from creatorbot.storage.importers.errors import ErrorLog, ImportFailed, RowError
from creatorbot.storage.importers.kinds import CREATORS, DAILY_METRICS, Kind
from creatorbot.storage.importers.native.aliases import Recognised
from creatorbot.storage.importers.native.creators import new_creators
from creatorbot.storage.importers.native.shape import Events, Settled, settle, shape
from creatorbot.storage.importers.read import Table
from creatorbot.storage.importers.seen import SeenKeys
from creatorbot.storage.importers.validate import checked, validate
from creatorbot.storage.roster import CREATOR_ID, creator_ids

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
    settled: Settled
    source: str
    left_out: int = 0  # orders whose status (cancelled, unpaid) keeps them out of every figure


def prepare_native(
    found: Recognised,
    tables: Iterator[Table],
    *,
    market: str | None,
    day: dt.date | None,
    session: Session,
) -> NativePrepared:
    """Validate the export's `tables` (its chunks, in order) read as `found`; raises
    `ImportFailed` (nothing written) naming the export's own columns."""
    first = next(tables)
    settled = settle(found, first, market_code=market, day=day, session=session)
    creates = found.format.creates_creators
    spec = CREATING if creates else PARTIAL
    rows = _Rows(settled, spec, session)
    for table in itertools.chain([first], tables):
        rows.take(table)
    try:
        rows.problems.raise_if_any(first.source)
        if found.format.events:  # summed across chunks: validated once summed
            totals, names = rows.events.totals()
            rows.check(Table(first.source, totals, list(totals.columns), frozenset()), names)
        creators = None
        if creates and rows.missing:
            listing = new_creators(first.source, pd.concat(rows.missing), session=session)
            creators = validate(CREATORS, listing, session=session)
        rows.checked.raise_if_any(first.source)
    except ImportFailed as exc:
        raise _named(exc, settled.headers) from None
    typed = pd.concat(rows.typed, ignore_index=True) if len(rows.typed) > 1 else rows.typed[0]
    return NativePrepared(
        spec, typed, creators, rows.unknown(), settled, first.source, rows.events.left_out
    )


class _Rows:
    """An export's chunks as they are read: shaped, then validated (event rows once summed)."""

    def __init__(self, settled: Settled, spec: Kind, session: Session) -> None:
        self.settled = settled
        self.spec = spec
        self.session = session
        self.problems = Problems()  # shaping's: when there are any, only those are reported
        self.checked = Problems()  # validation's
        self.events = Events(settled)
        self.keys = SeenKeys()
        self.typed: list[pd.DataFrame] = []
        self.missing: list[pd.DataFrame] = []  # market, handle, display name of unknown creators

    def take(self, table: Table) -> None:
        log = ErrorLog()
        shaped, names = shape(self.settled, table, log)
        if self.settled.found.format.events:
            self.events.repeated_orders(table, log)
        self.problems.add_log(log)
        if self.problems:
            return  # nothing is summed or validated from a file that is wrong
        if self.settled.found.format.events:
            self.events.add(shaped, names)
        else:
            parsed = frozenset(c for c in shaped.columns if is_integer_dtype(shaped[c]))
            shaped_table = Table(table.source, shaped, list(shaped.columns), frozenset())
            self.check(dataclasses.replace(shaped_table, parsed=parsed), names)

    def check(self, table: Table, names: pd.Series) -> None:
        """Validate canonical rows (a chunk, or event totals) and note their unknown creators."""
        for part in _parts(table):
            typed, log = checked(self.spec, part, session=self.session)
            repeated_keys(self.spec.key, typed, part, self.keys, log)
            self.checked.add_log(log)
            rows = part.frame
            # Kept for the writer (-1: a creator the export creates, looked up once created).
            ids = creator_ids(rows["market"], rows["handle"], session=self.session)
            missing = ids < 0
            if missing.any():
                picked = rows.loc[missing, ["market", "handle"]]
                self.missing.append(picked.assign(display_name=names.loc[picked.index]))
            if not self.checked:
                self.typed.append(typed.assign(**{CREATOR_ID: ids}).reset_index(drop=True))

    def unknown(self) -> int:
        """How many handles of the export are not stored creators of its market."""
        if not self.missing:
            return 0
        return int(pd.concat(self.missing)["handle"].nunique())


def _parts(table: Table) -> Iterator[Table]:
    """`table` in chunks of as many rows as are read at a time (event totals can be as many
    as the rows)."""
    frame, size = table.frame, read.CHUNK_ROWS
    for start in range(0, len(frame), size):
        part = frame.iloc[start : start + size]
        yield Table(table.source, part, table.header, frozenset(), parsed=table.parsed)


def _named(failed: ImportFailed, headers: Mapping[str, str]) -> ImportFailed:
    """The same problems, naming the export's columns instead of the canonical ones."""

    def name(column: str | None) -> str | None:
        if column is None:
            return None
        return "+".join(headers.get(part, part) for part in column.split("+"))

    errors = [RowError(e.row, name(e.column), e.value, e.problem) for e in failed.errors]
    return ImportFailed(failed.source, errors, failed.total_errors)
