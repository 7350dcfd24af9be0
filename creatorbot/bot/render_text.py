"""Reply → plain text, as the console and the logs show it."""

from __future__ import annotations

import unicodedata

from creatorbot.commands.reply import (
    MENTION,
    Block,
    Buttons,
    Context,
    Fields,
    File,
    Header,
    Image,
    Reply,
    Table,
    Text,
)


def width(text: str) -> int:
    """Columns `text` takes in a terminal: wide East Asian characters count two, marks none."""
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def _pad(text: str, size: int, align: str) -> str:
    gap = " " * max(size - width(text), 0)
    return gap + text if align == "right" else text + gap


def render_table(table: Table) -> list[str]:
    """A table as aligned lines with a rule under the header."""
    labels = [column.label for column in table.columns]
    sizes = [width(label) for label in labels]
    for row in table.rows:
        sizes = [max(size, width(cell)) for size, cell in zip(sizes, row, strict=True)]
    aligns = [column.align for column in table.columns]

    def line(cells: tuple[str, ...] | list[str]) -> str:
        parts = (_pad(c, s, a) for c, s, a in zip(cells, sizes, aligns, strict=True))
        return "  ".join(parts).rstrip()

    lines = [line(labels), "  ".join("─" * size for size in sizes)]
    lines.extend(line(row) for row in table.rows)
    return lines


def render_block(block: Block) -> list[str]:
    """One block as lines of text."""
    match block:
        case Header(text):
            return [text, "═" * width(text)]
        case Text(text):
            return [text.replace("*", "")]
        case Fields(items):
            size = max((width(label) for label, _ in items), default=0)
            return [f"{_pad(label, size, 'left')}  {value}" for label, value in items]
        case Table():
            return render_table(block)
        case Image(_, title, alt):
            return [f"[chart: {title}] {alt}"]
        case File(name, content):
            return [f"[file: {name}, {len(content):,} bytes]"]
        case Buttons(buttons):
            return ["  ".join(f"[ {button.label} ]" for button in buttons)]
        case Context(text):
            return [f"· {text}"]
    raise TypeError(f"unknown block {block!r}")


def render(reply: Reply) -> str:
    """The whole reply as text, blocks separated by blank lines; mentions as `@USER`."""
    text = "\n\n".join("\n".join(render_block(block)) for block in reply.blocks)
    return MENTION.sub(r"@\1", text)
