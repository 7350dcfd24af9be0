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


def numbered_buttons(buttons: Buttons, first: int) -> list[str]:
    """A row of buttons with the numbers a console user types to press them, from `first`."""
    return ["  ".join(f"[{first + n}] {b.label}" for n, b in enumerate(buttons.buttons))]


def render(reply: Reply, *, numbered: bool = False) -> str:
    """The whole reply as text, blocks separated by blank lines; mentions as `@USER`. With
    `numbered`, buttons carry the numbers (from 1, across rows) that press them."""
    parts = []
    pressed = 1
    for block in reply.blocks:
        if numbered and isinstance(block, Buttons):
            parts.append(numbered_buttons(block, pressed))
            pressed += len(block.buttons)
        else:
            parts.append(render_block(block))
    return MENTION.sub(r"@\1", "\n\n".join("\n".join(lines) for lines in parts))
