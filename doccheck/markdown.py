"""What the checker reads in a Markdown file: headings and their anchors, links, code, tables."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


@dataclass(frozen=True)
class Code:
    """A piece of code: an inline span (joined onto one line) or one line of a code block."""

    text: str
    line: int
    block: bool


@dataclass(frozen=True)
class Link:
    """A link or image target as written, and the line it is on."""

    target: str
    line: int


@dataclass(frozen=True)
class Table:
    """A table: its header cells and its rows of cells (as written, `\\|` kept as `|`)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass
class Page:
    """One Markdown file, read."""

    path: Path
    anchors: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    code: list[Code] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: its text without markup, lower case, punctuation
    dropped, spaces as hyphens."""
    text = LINK.sub(lambda m: m.group(1), heading)
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").replace("*", "")
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def cells(row: str) -> list[str]:
    """The cells of a table row; a `|` escaped as `\\|` stays inside its cell."""
    inner = row.strip().removeprefix("|").removesuffix("|")
    return [cell.replace("\0", "|").strip() for cell in inner.replace("\\|", "\0").split("|")]


def spans(text: str) -> list[str]:
    """The inline code spans of a piece of text, each on one line."""
    return [" ".join(m.group(2).split()) for m in CODE_SPAN.finditer(text)]


def read(path: Path) -> Page:
    """Headings (as anchors, duplicates numbered as GitHub numbers them), links outside code,
    inline code, code-block lines and tables of one file."""
    page = Page(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    seen: dict[str, int] = {}
    fence: str | None = None
    paragraph: list[tuple[int, str]] = []
    table: list[tuple[int, str]] = []

    def close() -> None:
        text = "\n".join(line for _, line in paragraph)
        first = paragraph[0][0] if paragraph else 0
        for match in CODE_SPAN.finditer(text):
            number = first + text.count("\n", 0, match.start())
            page.code.append(Code(" ".join(match.group(2).split()), number, block=False))
        outside = CODE_SPAN.sub("", text)
        for match in LINK.finditer(outside):
            number = first + outside.count("\n", 0, match.start())
            page.links.append(Link(match.group(2), number))
        paragraph.clear()
        if len(table) >= 2:
            rows = [(number, cells(row)) for number, row in table[2:]]
            page.tables.append(Table(cells(table[0][1]), rows))
        table.clear()

    for number, line in enumerate(lines, start=1):
        marker = FENCE.match(line)
        if fence is not None:
            if marker and marker.group(1) == fence:
                fence = None
            elif line.strip():
                page.code.append(Code(line.strip(), number, block=True))
            continue
        if marker:
            close()
            fence = marker.group(1)
            continue
        heading = HEADING.match(line)
        if heading:
            close()
            name = anchor(heading.group(2))
            count = seen.get(name, 0)
            seen[name] = count + 1
            page.anchors.add(name if count == 0 else f"{name}-{count}")
            paragraph.append((number, heading.group(2)))
            close()
            continue
        if not line.strip():
            close()
            continue
        if TABLE_ROW.match(line):
            if paragraph and not table:
                close()
            table.append((number, line))
            paragraph.append((number, line.replace("\\|", "|")))
            continue
        if table:
            close()
        paragraph.append((number, line))
    close()
    return page
