"""The platform-neutral answer: a `Reply` is a list of blocks every renderer understands."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from creatorbot.storage.markup import inert as inert  # commands neutralise typed text with it

Align = Literal["left", "right"]

# A mention of a chat user inside any text: private-use characters no user types and `words`
# strips, so imported names or comments can never smuggle one in. Renderers turn it into the
# platform's own mention (Slack `<@U…>`) or plain `@U…`.
MENTION = re.compile("\ue000([A-Za-z0-9_.:-]{1,64})\ue001")


def mention_of(user_id: str) -> str:
    """The token that mentions (and notifies) a chat user in a Reply's text."""
    return f"\ue000{user_id}\ue001"


@dataclass(frozen=True)
class Header:
    """The answer's title."""

    text: str


@dataclass(frozen=True)
class Text:
    """A paragraph; `*bold*` is the only markup renderers are asked to honour."""

    text: str


@dataclass(frozen=True)
class Fields:
    """Label/value pairs shown side by side (e.g. GMV to date, target, pacing)."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Column:
    """A table column: its label and how its cells line up."""

    label: str
    align: Align = "left"


@dataclass(frozen=True)
class Table:
    """Rows of already-formatted cells; `total` is how many rows exist beyond those shown."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total: int | None = None


@dataclass(frozen=True)
class Image:
    """A chart: PNG bytes, a title and a text alternative."""

    png: bytes
    title: str
    alt: str


@dataclass(frozen=True)
class File:
    """A file for the user to download (an export): its name, type and bytes."""

    name: str
    content: bytes
    mime: str = "text/csv"
    title: str = ""


@dataclass(frozen=True)
class Button:
    """An action the user can take; `action` names it and `value` carries its argument."""

    label: str
    action: str
    value: str = ""
    style: Literal["default", "primary", "danger"] = "default"


@dataclass(frozen=True)
class Buttons:
    """A row of buttons."""

    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Context:
    """Small print under the answer: the window, the data's freshness, a hint."""

    text: str


Block = Header | Text | Fields | Table | Image | File | Buttons | Context


@dataclass(frozen=True)
class Reply:
    """What a command answers. `ok` is False when the request could not be answered."""

    blocks: tuple[Block, ...] = field(default_factory=tuple)
    ok: bool = True
    rows: int = 0

    @property
    def summary(self) -> str:
        """A one-line plain-text fallback (for notifications and logs)."""
        for block in self.blocks:
            if isinstance(block, Header | Text):
                return block.text
        return ""


def error(message: str, *hints: str) -> Reply:
    """A short answer saying what was wrong and, optionally, what to try instead."""
    blocks: list[Block] = [Text(message)]
    blocks.extend(Context(hint) for hint in hints)
    return Reply(tuple(blocks), ok=False)
