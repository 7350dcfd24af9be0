"""Reply → Lark message card (JSON 2.0) as plain dicts: escaped, and always inside Lark's limits."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from creatorbot.commands.reply import (
    MENTION,
    Button,
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

logger = logging.getLogger(__name__)

Element = dict[str, Any]
MoreLabel = Callable[[int, int], str]
T = TypeVar("T")

# Lark's limits for a card: the card JSON may be at most 30 KB (open.larksuite.com, "Send
# message" content limits) and a JSON 2.0 card holds at most 200 components ("Card JSON 2.0
# structure"). We measure compact UTF-8 JSON and keep a margin under 30 KB (30,720 bytes).
MAX_CARD_BYTES = 28_000
MAX_ELEMENTS = 200
# Not documented as hard limits: lengths past which a title, button or cell stops reading well.
MAX_TITLE_CHARS = 150
MAX_BUTTON_CHARS = 60
CELL_CHARS = 60
# The table component (card JSON 2.0, content-components/table): at most five in a card, only at
# its root; it pages its rows, at most ten a page.
MAX_TABLES = 5
TABLE_PAGE = 10
# A long paragraph is sent as several markdown elements so that it can be cut between them.
PIECE_CHARS = 2000
# Below this many characters, a cut-down paragraph says too little to be worth keeping.
MIN_CUT = 40
ELLIPSIS = "…"
CELL_SEPARATOR = " · "
GREY = "<font color='grey'>{}</font>"

# Characters Lark markdown (JSON 2.0 rich text) may read as markup: emphasis, code, links and
# images, HTML-like tags (<at>, <font>, <link>), headings, tables, and ":" so that no "https://"
# in the data becomes a live link. Each is written as a numeric character reference.
_SPECIAL = re.compile(r"[\\`*_~\[\]()<>#|!:&$]")
_BOLD = re.compile(r"\*([^*\n]+)\*")
_MARKERS = str.maketrans("", "", "\ue000\ue001")


def render_card(
    reply: Reply,
    *,
    more_label: MoreLabel,
    shortened_label: str,
    images: Mapping[int, str] | None = None,
) -> Element:
    """The Reply as a Lark card; `images` maps an Image block's index to its Lark img_key."""
    card: Element = {"schema": "2.0", "config": {"update_multi": True}}
    title = _title(reply)
    if title:
        card["header"] = {"title": {"tag": "plain_text", "content": title}}
    card["body"] = {"elements": []}
    room = _Size(MAX_ELEMENTS, MAX_CARD_BYTES - _bytes(card))
    drafts = list(_drafts(reply, images or {}, more_label, skip_title=bool(title)))
    elements, complete = _layout(drafts, room)
    if not complete:
        notice = _notation(shortened_label)
        elements, _ = _layout(drafts, room.minus(_Size.of([notice])))
        elements.append(notice)
    card["body"]["elements"] = elements
    return card


def escape(text: str) -> str:
    """Text Lark shows as typed: no mention, link or markup can be smuggled in; only the
    Reply's own mention tokens become mentions."""
    parts = MENTION.split(text)
    return "".join(
        _literal(part) if index % 2 == 0 else f"<at id={part}></at>"
        for index, part in enumerate(parts)
    )


def markdown(text: str) -> str:
    """Escaped text in which the Reply's `*bold*` becomes Lark's `**bold**`."""
    parts = _BOLD.split(text)
    return "".join(
        escape(part) if index % 2 == 0 else f"**{escape(part)}**"
        for index, part in enumerate(parts)
    )


# Text helpers.


def _literal(text: str) -> str:
    # A mention token cut in half leaves a lone marker behind: it must not show.
    return _SPECIAL.sub(lambda m: f"&#{ord(m.group())};", text.translate(_MARKERS))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str, limit: int) -> str:
    """Raw text cut to `limit` characters, an ellipsis included."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _plain(text: str) -> str:
    """Text for a plain_text object: not markdown, so only mentions need writing out."""
    return MENTION.sub(r"@\1", text).translate(_MARKERS)


def _pieces(text: str) -> list[str]:
    """Raw text in pieces of at most PIECE_CHARS, split at line ends where possible."""
    lines: list[str] = []
    for line in text.split("\n"):
        lines += [line[i : i + PIECE_CHARS] for i in range(0, len(line), PIECE_CHARS)] or [""]
    pieces: list[str] = []
    current: str | None = None
    for line in lines:
        if current is not None and len(current) + 1 + len(line) <= PIECE_CHARS:
            current += "\n" + line
            continue
        pieces += [current] if current is not None else []
        current = line
    pieces += [current] if current is not None else []
    return [piece for piece in pieces if piece.strip()]


# Element builders.


def _markdown(content: str, **extra: str) -> Element:
    return {"tag": "markdown", "content": content, **extra}


def _notation(raw: str) -> Element:
    """Small grey print (a Context, a note under a table)."""
    return _markdown(GREY.format(escape(_one_line(raw))), text_size="notation")


def _column(elements: list[Element], width: str = "weighted") -> Element:
    column: Element = {"tag": "column", "width": width, "elements": elements}
    if width == "weighted":
        column["weight"] = 1
    return column


def _field(label: str, value: str) -> Element:
    name = escape(_cut(_one_line(label), MAX_TITLE_CHARS))
    head = f"**{name}**\n" if name else ""
    return _column([_markdown(head + escape(value.strip()))])


def _fields(items: Sequence[tuple[str, str]]) -> list[Element]:
    """Two label/value columns side by side per row, as on Slack."""
    return [
        {
            "tag": "column_set",
            "flex_mode": "none",
            "columns": [_field(label, value) for label, value in items[start : start + 2]],
        }
        for start in range(0, len(items), 2)
    ]


def _image(image: Image, img_key: str) -> Element:
    element: Element = {"tag": "img", "img_key": img_key}
    alt = _plain(_one_line(image.alt) or _one_line(image.title))
    element["alt"] = {"tag": "plain_text", "content": alt}
    title = _plain(_one_line(image.title))
    if title:
        element["title"] = {"tag": "plain_text", "content": title}
    return element


def _button(button: Button) -> Element:
    label = _plain(_cut(_one_line(button.label), MAX_BUTTON_CHARS)) or " "
    return {
        "tag": "button",
        "text": {"tag": "plain_text", "content": label},
        "type": button.style,
        "behaviors": [
            {"type": "callback", "value": {"action": button.action, "value": button.value}}
        ],
    }


def _buttons(buttons: Sequence[Button]) -> list[Element]:
    """One row of buttons that wraps on a narrow screen."""
    if not buttons:
        return []
    columns = [_column([_button(button)], width="auto") for button in buttons]
    return [{"tag": "column_set", "flex_mode": "flow", "columns": columns}]


def _paragraphs(text: str) -> list[Element]:
    return [_markdown(markdown(piece)) for piece in _pieces(text)]


def _row(cells: Sequence[str]) -> str:
    return CELL_SEPARATOR.join(escape(_cut(_one_line(cell), CELL_CHARS)) for cell in cells)


# Sizes and the budget.


def _bytes(node: object) -> int:
    return len(json.dumps(node, ensure_ascii=False, separators=(",", ":")).encode())


def _count(node: object) -> int:
    """Components in a tree: every tagged object but text objects."""
    if isinstance(node, list):
        return sum(_count(item) for item in node)
    if not isinstance(node, dict):
        return 0
    own = 1 if "tag" in node and node["tag"] != "plain_text" else 0
    return own + sum(_count(value) for value in node.values())


@dataclass(frozen=True)
class _Size:
    """How many components and bytes of JSON something takes, or how many are still free."""

    elements: int
    bytes: int

    @classmethod
    def of(cls, elements: Sequence[Element]) -> _Size:
        # Each element in the body's list costs its JSON and a comma.
        return cls(_count(list(elements)), sum(_bytes(e) + 1 for e in elements))

    def plus(self, other: _Size) -> _Size:
        return _Size(self.elements + other.elements, self.bytes + other.bytes)

    def minus(self, other: _Size) -> _Size:
        return _Size(self.elements - other.elements, self.bytes - other.bytes)

    def holds(self, elements: Sequence[Element]) -> bool:
        size = _Size.of(elements)
        return size.elements <= self.elements and size.bytes <= self.bytes


@dataclass(frozen=True)
class _Draft:
    """One Reply block as `build(n)`: its first n units (characters, rows, buttons…) rendered.

    `least` is the fewest units worth showing. A `noted` draft (a table) says itself that it was
    cut, so showing fewer units than `full` still leaves the answer complete.
    """

    build: Callable[[int], list[Element]]
    full: int
    least: int
    noted: bool = False

    def needs(self) -> list[Element]:
        """What must fit for the draft to be shown as well as it will be."""
        return self.build(self.least if self.noted else self.full)

    def fit(self, room: _Size) -> tuple[list[Element], bool]:
        """The most that fits in `room`, and False when content was dropped or cut."""
        whole = self.build(self.full)
        if room.holds(whole):
            return whole, True
        low, high = self.least - 1, self.full - 1
        while low < high:
            middle = (low + high + 1) // 2
            if room.holds(self.build(middle)):
                low = middle
            else:
                high = middle - 1
        return (self.build(low), self.noted) if low >= self.least else ([], False)


def _atomic(elements: list[Element]) -> _Draft:
    return _Draft(lambda n: elements if n else [], 1, 1)


def _prefix_draft(items: Sequence[T], render: Callable[[Sequence[T]], list[Element]]) -> _Draft:
    """Items (fields, buttons) that can be cut to their first n."""

    def build(n: int) -> list[Element]:
        return render(items[:n])

    return _Draft(build, len(items), 1)


def _text_draft(text: str) -> _Draft:
    def build(n: int) -> list[Element]:
        return _paragraphs(text if n >= len(text) else text[:n].rstrip() + ELLIPSIS)

    return _Draft(build, len(text), min(len(text), MIN_CUT))


def _cell(text: str) -> str:
    return escape(_cut(_one_line(text), CELL_CHARS))


def _component_draft(table: Table, more_label: MoreLabel) -> _Draft:
    """A table as Lark's table component: columns aligned as the Reply's, cells as escaped
    Lark markdown (lark_md) that wrap (row_height auto) rather than clip on a phone, ten rows a
    page. Rows are cut, with a note, to fit the card."""
    size = len(table.columns)
    names = [f"c{index}" for index in range(size)]
    columns = [
        {
            "name": name,
            "display_name": _plain(_cut(_one_line(column.label), CELL_CHARS)),
            "data_type": "lark_md",
            "horizontal_align": column.align,
            "width": "auto",
        }
        for name, column in zip(names, table.columns, strict=True)
    ]
    rows = [
        dict(
            zip(
                names,
                (_cell(cell) for cell in tuple(row[:size]) + ("",) * (size - len(row))),
                strict=True,
            )
        )
        for row in table.rows
    ]
    total = max(table.total or 0, len(rows))

    def build(n: int) -> list[Element]:
        component: Element = {
            "tag": "table",
            "page_size": max(1, min(TABLE_PAGE, n)),
            "row_height": "auto",
            "columns": columns,
            "rows": rows[:n],
        }
        return [component, _notation(more_label(n, total))] if n < total else [component]

    return _Draft(build, len(rows), 1, noted=True)


def _table_draft(table: Table, more_label: MoreLabel) -> _Draft:
    """A table as one markdown line per row, under a bold line of column labels: past the five
    table components a card may hold, or for a table without rows."""
    size = len(table.columns)
    head = "**" + _row([column.label for column in table.columns]) + "**"
    lines = [_row(tuple(row[:size]) + ("",) * (size - len(row))) for row in table.rows]
    total = max(table.total or 0, len(lines))

    def build(n: int) -> list[Element]:
        elements = [_markdown("\n".join([head, *lines[:n]]))]
        if n < total:
            elements.append(_notation(more_label(n, total)))
        return elements

    return _Draft(build, len(lines), min(len(lines), 1), noted=True)


def _title(reply: Reply) -> str:
    first = next((block for block in reply.blocks if isinstance(block, Header)), None)
    return _plain(_cut(_one_line(first.text), MAX_TITLE_CHARS)) if first else ""


def _drafts(
    reply: Reply, images: Mapping[int, str], more_label: MoreLabel, *, skip_title: bool
) -> Iterator[_Draft]:
    components = 0
    for index, block in enumerate(reply.blocks):
        match block:
            case Table(columns=columns, rows=rows) if columns and rows and components < MAX_TABLES:
                components += 1
                yield _component_draft(block, more_label)
            case Header() if skip_title:
                skip_title = False  # the first header is the card's own title
                continue
            case Header(text):
                title = escape(_cut(_one_line(text), MAX_TITLE_CHARS))
                yield from [_atomic([_markdown(f"**{title}**")])] if title else []
            case Text(text) if text.strip():
                yield _text_draft(text)
            case Text():
                continue
            case Fields(items) if items:
                yield _prefix_draft(items, _fields)
            case Table(columns=columns) if columns:
                yield _table_draft(block, more_label)
            case Image() if images.get(index):
                yield _atomic([_image(block, images[index])])
            case File(name=name):
                yield _atomic([_notation(f"📎 {name}")])  # the file itself is sent separately
            case Buttons(buttons) if any(button.action for button in buttons):
                usable = tuple(button for button in buttons if button.action)
                yield _prefix_draft(usable, _buttons)
            case Context(text) if text.strip():
                yield _atomic([_notation(text)])
            case Fields() | Table() | Image() | Buttons() | Context():
                continue
            case _:
                raise TypeError(f"unknown block {block!r}")


def _layout(drafts: Sequence[_Draft], room: _Size) -> tuple[list[Element], bool]:
    """Every draft in order within `room`, and False when anything was dropped or cut.

    Trailing content goes first, except that a table gives up rows (with its note) when that
    lets everything after it fit whole.
    """
    needs = [_Size.of(draft.needs()) for draft in drafts]
    out: list[Element] = []
    for index, draft in enumerate(drafts):
        later = _Size(0, 0)
        for need in needs[index + 1 :]:
            later = later.plus(need)
        spare = room.minus(later)
        elements, complete = draft.fit(spare if spare.holds(draft.needs()) else room)
        out.extend(elements)
        room = room.minus(_Size.of(elements))
        if not complete:
            return out, False
    return out, True
