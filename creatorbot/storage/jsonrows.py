"""Rows folded into one value of a statement's row as JSON, so that what belongs to one answer
comes back in one round trip: the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func


def json_row(dialect: str, *values: Any) -> Any:
    """A JSON array of `values` (one row)."""
    if dialect == "sqlite":
        return func.json_array(*values)
    return func.json_build_array(*values)


def json_rows(dialect: str, *values: Any) -> Any:
    """A JSON array of one array of `values` per row (an aggregate)."""
    return (func.json_group_array if dialect == "sqlite" else func.json_agg)(
        json_row(dialect, *values)
    )


def loaded(value: Any) -> list[Any]:
    """A JSON value read back (SQLite gives text, PostgreSQL the decoded value); NULL (no row)
    is []."""
    if value is None:
        return []
    return list(json.loads(value) if isinstance(value, str) else value)
