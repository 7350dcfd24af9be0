"""How Slack judges a table block (docs.slack.dev, reference/block-kit/blocks/table-block), for
the fake Web API and the renderer's tests: the error Slack would answer, or "" when it is fine."""

from __future__ import annotations

from typing import Any

MAX_ROWS = 100
MAX_CELLS = 20
MAX_SETTINGS = 20
ALIGNS = ("left", "center", "right")
TABLE_KEYS = frozenset({"type", "block_id", "rows", "column_settings"})
SETTING_KEYS = frozenset({"align", "is_wrapped"})


def tables_in(blocks: object) -> list[dict[str, Any]]:
    """The table blocks of a message's blocks (top level, where Slack takes them)."""
    if not isinstance(blocks, list):
        return []
    return [b for b in blocks if isinstance(b, dict) and b.get("type") == "table"]


def table_refusal(blocks: object, *, surface: str = "message", supported: bool = True) -> str:
    """Slack's error for the tables among `blocks`: `invalid_blocks` for a malformed table, one
    on a surface other than a message (a modal, the App Home) or in a workspace without table
    blocks; `only_one_table_allowed` for a second table; "" when every table is fine."""
    tables = tables_in(blocks)
    if not tables:
        return ""
    if surface != "message" or not supported:
        return "invalid_blocks"
    if len(tables) > 1:
        return "only_one_table_allowed"
    return "" if not table_problems(tables[0]) else "invalid_blocks"


def table_problems(table: dict[str, Any]) -> list[str]:
    """Everything wrong with one table block's shape and limits."""
    problems = [f"unknown key {key!r}" for key in table if key not in TABLE_KEYS]
    rows = table.get("rows")
    if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
        return [*problems, f"rows must be a list of 1 to {MAX_ROWS} rows"]
    for number, row in enumerate(rows):
        if not isinstance(row, list) or not 1 <= len(row) <= MAX_CELLS:
            problems.append(f"row {number} must be a list of 1 to {MAX_CELLS} cells")
            continue
        problems += [f"row {number}: {p}" for cell in row for p in _cell_problems(cell)]
    settings = table.get("column_settings", [])
    if not isinstance(settings, list) or len(settings) > MAX_SETTINGS:
        problems.append(f"column_settings must be a list of at most {MAX_SETTINGS}")
    else:
        problems += [p for setting in settings for p in _setting_problems(setting)]
    block_id = table.get("block_id", "x")
    if not isinstance(block_id, str) or not 1 <= len(block_id) <= 255:
        problems.append("block_id must be 1 to 255 characters")
    return problems


def _cell_problems(cell: object) -> list[str]:
    if not isinstance(cell, dict):
        return ["a cell must be an object"]
    if cell.get("type") == "raw_text":
        extra = set(cell) - {"type", "text"}
        text = cell.get("text")
        if extra or not isinstance(text, str) or not text:
            return [f"a raw_text cell needs a non-empty text and nothing else: {cell!r}"]
        return []
    if cell.get("type") == "rich_text":
        elements = cell.get("elements")
        return [] if isinstance(elements, list) and elements else ["rich_text needs elements"]
    return [f"a cell is raw_text or rich_text, not {cell.get('type')!r}"]


def _setting_problems(setting: object) -> list[str]:
    if setting is None:
        return []  # Slack takes null for a column left at its defaults
    if not isinstance(setting, dict) or set(setting) - SETTING_KEYS:
        return [f"a column setting has only align and is_wrapped: {setting!r}"]
    if "align" in setting and setting["align"] not in ALIGNS:
        return [f"align is one of {ALIGNS}: {setting['align']!r}"]
    if "is_wrapped" in setting and not isinstance(setting["is_wrapped"], bool):
        return ["is_wrapped is a boolean"]
    return []
