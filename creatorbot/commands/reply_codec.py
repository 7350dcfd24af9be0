"""A Reply as JSON and back, for posts kept to be shown again (images and files are not kept:
a message updated in place keeps those it had)."""

from __future__ import annotations

import json
from typing import Any

from creatorbot.commands.reply import (
    Block,
    Button,
    Buttons,
    Column,
    Context,
    Fields,
    Header,
    Reply,
    Table,
    Text,
)


def encode(reply: Reply) -> str:
    """The reply's text blocks as JSON."""
    return json.dumps([_block(b) for b in reply.blocks if _block(b)], ensure_ascii=False)


def decode(raw: str) -> Reply:
    """The reply `encode` wrote."""
    blocks = [_parsed(item) for item in json.loads(raw)]
    return Reply(tuple(b for b in blocks if b is not None))


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, Header | Text | Context):
        return {"kind": type(block).__name__, "text": block.text}
    if isinstance(block, Fields):
        return {"kind": "Fields", "items": [list(item) for item in block.items]}
    if isinstance(block, Table):
        return {
            "kind": "Table",
            "columns": [[c.label, c.align] for c in block.columns],
            "rows": [list(row) for row in block.rows],
            "total": block.total,
        }
    if isinstance(block, Buttons):
        buttons = [[b.label, b.action, b.value, b.style] for b in block.buttons]
        return {"kind": "Buttons", "buttons": buttons}
    return {}


def _parsed(item: dict[str, Any]) -> Block | None:
    kind = item.get("kind")
    if kind == "Header":
        return Header(item["text"])
    if kind == "Text":
        return Text(item["text"])
    if kind == "Context":
        return Context(item["text"])
    if kind == "Fields":
        return Fields(tuple((str(a), str(b)) for a, b in item["items"]))
    if kind == "Table":
        columns = tuple(Column(label, align) for label, align in item["columns"])
        return Table(columns, tuple(tuple(row) for row in item["rows"]), item.get("total"))
    if kind == "Buttons":
        return Buttons(tuple(Button(*button) for button in item["buttons"]))
    return None
