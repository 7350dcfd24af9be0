"""How Lark judges a card's table components (card JSON 2.0, content-components/table), for the
fake Open API and the card's tests: what is wrong, or [] when every table is fine."""

from __future__ import annotations

import re
from typing import Any

MAX_TABLES = 5  # a card (or each language of one) holds at most five
MAX_COLUMNS = 50
DATA_TYPES = frozenset({"text", "lark_md", "number", "options", "persons", "date", "markdown"})
ALIGNS = frozenset({"left", "center", "right"})
TABLE_KEYS = frozenset(
    {
        "tag",
        "element_id",
        "margin",
        "page_size",
        "row_height",
        "row_max_height",
        "freeze_first_column",
        "header_style",
        "columns",
        "rows",
    }
)
COLUMN_KEYS = frozenset(
    {"name", "display_name", "data_type", "width", "horizontal_align", "vertical_align", "format"}
)
_PIXELS = re.compile(r"^(\d+)px$")


def card_table_problems(card: object) -> list[str]:
    """Everything wrong with the tables of a JSON 2.0 card: a table anywhere but the body's
    root, more than five, or one of the wrong shape (JSON 2.0 refuses unknown attributes)."""
    if not isinstance(card, dict):
        return []
    body = card.get("body") if isinstance(card.get("body"), dict) else {}
    root = body.get("elements") if isinstance(body.get("elements"), list) else []
    at_root = [e for e in root if isinstance(e, dict) and e.get("tag") == "table"]
    problems = []
    if len(_tables(card)) != len(at_root):
        problems.append("a table must sit at the card's root, inside no other component")
    if len(at_root) > MAX_TABLES:
        problems.append(f"at most {MAX_TABLES} tables in a card")
    for table in at_root:
        problems += table_problems(table)
    return problems


def table_problems(table: dict[str, Any]) -> list[str]:
    """Everything wrong with one table component."""
    problems = [f"unknown attribute {key!r}" for key in table if key not in TABLE_KEYS]
    page = table.get("page_size", 5)
    if not isinstance(page, int) or not 1 <= page <= 10:
        problems.append("page_size is a whole number from 1 to 10")
    height = table.get("row_height", "low")
    pixels = _PIXELS.match(str(height))
    if height not in ("low", "middle", "high", "auto") and not (
        pixels and 32 <= int(pixels.group(1)) <= 124
    ):
        problems.append(f"row_height {height!r}")
    columns = table.get("columns")
    if not isinstance(columns, list) or not 1 <= len(columns) <= MAX_COLUMNS:
        return [*problems, f"columns must be a list of 1 to {MAX_COLUMNS}"]
    names = []
    for column in columns:
        if not isinstance(column, dict) or not isinstance(column.get("name"), str):
            problems.append("a column needs a name")
            continue
        names.append(column["name"])
        problems += [f"unknown column attribute {k!r}" for k in column if k not in COLUMN_KEYS]
        if column.get("data_type", "text") not in DATA_TYPES:
            problems.append(f"data_type {column.get('data_type')!r}")
        if column.get("horizontal_align", "left") not in ALIGNS:
            problems.append(f"horizontal_align {column.get('horizontal_align')!r}")
        if not isinstance(column.get("display_name", ""), str):
            problems.append("display_name is a string")
    if len(set(names)) != len(names):
        problems.append("column names must be unique")
    rows = table.get("rows")
    if not isinstance(rows, list):
        return [*problems, "rows must be a list"]
    for number, row in enumerate(rows):
        if not isinstance(row, dict) or set(row) - set(names):
            problems.append(f"row {number} names a column the table has not")
        elif not all(isinstance(value, str | int | float) for value in row.values()):
            problems.append(f"row {number}: a text cell is a string")
    return problems


def _tables(node: object) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [found for item in node for found in _tables(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("tag") == "table" else []
    return own + [found for value in node.values() for found in _tables(value)]
