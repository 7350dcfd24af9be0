"""A warehouse's integer columns taken as they are where they fill a count field within its
bounds: turned into text and parsed back, a million of them cost more than the rest of their
validation. Any other integer column becomes text, so validation names each bad value."""

from __future__ import annotations

import dataclasses

from creatorbot.storage.importers.kinds import Kind, Type
from creatorbot.storage.importers.parse import COUNT_DIGITS, SUMMED_DIGITS
from creatorbot.storage.importers.read import Table
from creatorbot.storage.sync.stream import as_text


def with_counts(spec: Kind, table: Table) -> Table:
    """`table` (a chunk whose integer columns are still integers) with the count fields'
    integers marked parsed when every value is one validation would accept, and every other
    integer column as text."""
    fields = {field.name: field for field in spec.fields}
    frame = table.frame.copy(deep=False)
    parsed = set(table.parsed)
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind not in "iu":
            continue
        field = fields.get(str(name))
        if field is not None and field.type is Type.COUNT and not field.positive:
            digits = field.digits or SUMMED_DIGITS
            limit = min(10**digits - 1, field.max_value or 10**digits, 10**COUNT_DIGITS - 1)
            if not len(column) or (column.min() >= 0 and column.max() <= limit):
                frame[name] = column.astype("Int64") if field.nullable else column
                parsed.add(str(name))
                continue
        frame[name] = as_text(column)
    return dataclasses.replace(table, frame=frame, parsed=frozenset(parsed))
