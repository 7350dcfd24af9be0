"""A chunk's counts and amounts typed as it is read, where validation could refuse none of a
column's values: work done by the reader, beside the writes."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from contextlib import closing

from creatorbot.storage.importers.kinds import Kind
from creatorbot.storage.importers.read import Table
from creatorbot.storage.sync.amounts import with_amounts
from creatorbot.storage.sync.counts import with_counts


def typed(spec: Kind, table: Table, units: Mapping[str, int]) -> Table:
    """`table` with its plain counts and amounts typed (`counts`, `amounts`)."""
    return with_amounts(spec, with_counts(spec, table), units)


def typed_chunks(spec: Kind, tables: Generator[Table], units: Mapping[str, int]) -> Iterator[Table]:
    """Each of `tables` typed, closing them when done with."""
    with closing(tables):
        for table in tables:
            yield typed(spec, table, units)
