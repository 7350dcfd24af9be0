"""Reply → Slack Block Kit as plain dicts: escaped, and always inside Slack's limits."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from creatorbot.bot.render_text import render_table, width
from creatorbot.commands.reply import (
    MENTION,
    Button,
    Buttons,
    Column,
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

SlackBlock = dict[str, Any]
MoreLabel = Callable[[int, int], str]

ACTION_PREFIX = "cb."

# Slack's documented limits (docs.slack.dev, Block Kit reference).
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_ACTIONS = 25
MAX_CONTEXT_TEXT = 2000
MAX_IMAGE_TEXT = 2000
MAX_FALLBACK = 3000
# The table block (docs.slack.dev, reference/block-kit/blocks/table-block): at most 100 rows (the
# row of labels included) of at most 20 cells, at most 20 column settings, one table a message.
MAX_TABLE_ROWS = 100
MAX_TABLE_COLUMNS = 20
# Not documented per block: Slack answers msg_blocks_too_long somewhere above 13,000 characters of
# text in one message (slackapi/bolt-js#2509), so we stay under 12,000, the fallback included.
MAX_MESSAGE_CHARS = 12_000

FENCE = "```"
_FENCES = re.compile("`{3,}")
ELLIPSIS = "…"
# A longer cell is clipped, so that one long name cannot widen every row of a table.
CELL_WIDTH = 60
# Any table line is at most this long, so the label line, the rule and one row fit one section.
LINE_MAX = (MAX_SECTION_TEXT - 2 * len(FENCE) - 4) // 3
# Below this many characters of room, a cut-down paragraph says too little to be worth keeping.
MIN_CUT = 40
DEFAULT_FALLBACK = "creatorbot"
SHORTENED = "This answer was shortened to fit in Slack."


@dataclass(frozen=True)
class SlackMessage:
    """What chat.postMessage takes: Block Kit blocks and the notification fallback text; `plain`
    is the same answer with its table as a code block, for a workspace that refuses the table
    block (None when the message has no table block)."""

    blocks: list[SlackBlock]
    text: str
    plain: SlackMessage | None = None


def showing_rows(shown: int, total: int) -> str:
    """The default note under a table whose rows were cut to fit."""
    return f"Showing {shown} of {total} rows."


def render_message(
    reply: Reply,
    *,
    images: Mapping[int, str] | None = None,
    more_label: MoreLabel | None = None,
    shortened_label: str | None = None,
    files: Mapping[int, str] | None = None,
    tables: bool = True,
) -> SlackMessage:
    """The Reply as a Slack message; `images` maps an Image block's index to its Slack file id,
    `files` a File block's index to the link of the file sent. With `tables`, the first table
    is Slack's table block (a message holds one) and the message carries its `plain` twin."""
    text = _fallback(reply)
    label = more_label or showing_rows
    drafts = list(_drafts(reply, images or {}, label, files or {}, tables=tables))
    room = _Size(MAX_BLOCKS, MAX_MESSAGE_CHARS - len(text))
    blocks, complete = _layout(drafts, room)
    if not complete:
        notice = _context_block(shortened_label or SHORTENED)
        blocks, _ = _layout(drafts, room.minus(_Size.of([notice])))
        blocks.append(notice)
    message = SlackMessage(blocks or [_section(text)], text)
    if not any(block["type"] == "table" for block in message.blocks):
        return message
    plain = render_message(
        reply,
        images=images,
        more_label=more_label,
        shortened_label=shortened_label,
        files=files,
        tables=False,
    )
    return replace(message, plain=plain)


def action_name(action_id: str) -> str | None:
    """The Button's `action` behind an action_id this module made, or None if it is not ours."""
    if not action_id.startswith(ACTION_PREFIX):
        return None
    name, _, number = action_id[len(ACTION_PREFIX) :].rpartition(".")
    return name if name and number.isdigit() else None


def escape(text: str) -> str:
    """Text Slack shows as typed: no mention, link or channel can be smuggled in; only the
    Reply's own mention tokens become mentions."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Three backticks would open a code block that swallows the rest of the answer.
    escaped = _FENCES.sub(lambda run: "ʼ" * len(run.group()), escaped)
    return MENTION.sub(r"<@\1>", escaped)


# Text helpers.


def _safe_end(text: str, end: int) -> int:
    """`end`, moved back so that text[:end] does not stop inside an escape such as &amp;."""
    start = text.rfind("&", max(end - 4, 0), end)
    if start != -1 and text.find(";", start, end) == -1:
        return start
    return end


def _cut(text: str, limit: int) -> str:
    """Escaped text cut to `limit` characters, an ellipsis included."""
    if len(text) <= limit:
        return text
    return text[: _safe_end(text, limit - 1)] + ELLIPSIS


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _split_line(line: str, limit: int) -> Iterator[str]:
    """An escaped line in pieces of at most `limit`, at a space when there is one."""
    while len(line) > limit:
        end = _safe_end(line, limit)
        space = line.rfind(" ", limit // 2, end)
        if space > 0:
            yield line[:space]
            line = line[space + 1 :]
        else:
            yield line[:end]
            line = line[end:]
    yield line


def _split(text: str, limit: int) -> list[str]:
    """Escaped text in pieces of at most `limit`, split at line ends where possible."""
    pieces: list[str] = []
    current: list[str] = []
    size = -1
    for line in text.split("\n"):
        for part in _split_line(line, limit):
            if current and size + 1 + len(part) > limit:
                pieces.append("\n".join(current))
                current, size = [], -1
            current.append(part)
            size += 1 + len(part)
    pieces.append("\n".join(current))
    return [piece for piece in pieces if piece.strip()]


def _clip(text: str, limit: int) -> str:
    """Text clipped to `limit` terminal columns, an ellipsis included."""
    if 2 * len(text) <= limit:  # no character is wider than two columns
        return text
    used = 0
    end = len(text)
    for index, char in enumerate(text):
        used += width(char)
        if used > limit - 1:
            end = min(end, index)
        if used > limit:
            return text[:end] + ELLIPSIS
    return text


# Block builders: each already within its own limits.


def _mrkdwn(text: str) -> SlackBlock:
    # verbatim: Slack must not turn a plain "@channel" or a bare URL into something live.
    return {"type": "mrkdwn", "text": text or " ", "verbatim": True}


def _plain(text: str) -> SlackBlock:
    return {"type": "plain_text", "text": text or " ", "emoji": True}


def _section(text: str) -> SlackBlock:
    return {"type": "section", "text": _mrkdwn(text)}


def _context_block(raw: str) -> SlackBlock:
    return {"type": "context", "elements": [_mrkdwn(_cut(escape(raw), MAX_CONTEXT_TEXT))]}


def _header(text: str) -> list[SlackBlock]:
    title = _cut(escape(_one_line(text)), MAX_HEADER_TEXT)
    return [{"type": "header", "text": _plain(title)}] if title else []


def _paragraphs(text: str) -> list[SlackBlock]:
    # *bold* is the Reply's only markup and survives escaping as it is.
    return [_section(piece) for piece in _split(escape(text), MAX_SECTION_TEXT)]


def _field(label: str, value: str) -> SlackBlock:
    name = _cut(escape(_one_line(label)), MAX_FIELD_TEXT // 2)
    head = f"*{name}*\n" if name else ""
    return _mrkdwn(head + _cut(escape(value.strip()), MAX_FIELD_TEXT - len(head)))


def _fields(items: Sequence[tuple[str, str]]) -> list[SlackBlock]:
    fields = [_field(label, value) for label, value in items]
    return [
        {"type": "section", "fields": fields[start : start + MAX_FIELDS]}
        for start in range(0, len(fields), MAX_FIELDS)
    ]


def _image(image: Image, file_id: str | None) -> list[SlackBlock]:
    title = escape(_one_line(image.title))
    if not file_id:
        parts = (image.title.strip(), image.alt.strip())
        return [_context_block("📊 " + " — ".join(part for part in parts if part))]
    alt = escape(_one_line(image.alt)) or title
    block: SlackBlock = {
        "type": "image",
        "slack_file": {"id": file_id},
        "alt_text": _cut(alt, MAX_IMAGE_TEXT) or " ",
    }
    if title:
        block["title"] = _plain(_cut(title, MAX_IMAGE_TEXT))
    return [block]


def _file(file: File, link: str | None) -> list[SlackBlock]:
    """A file's line: its name, a link to it where it was sent when there is one."""
    half = MAX_CONTEXT_TEXT // 2
    name = _cut(escape(_one_line(file.name)), half)
    if link and len(link) < half and not any(c in link for c in "<>| "):
        name = f"<{link}|{name}>"
    return [{"type": "context", "elements": [_mrkdwn(f"📎 {name}")]}]


def _button(button: Button, number: int) -> SlackBlock | None:
    action_id = f"{ACTION_PREFIX}{button.action}.{number}"
    if not button.action or len(action_id) > MAX_ACTION_ID or len(button.value) > MAX_BUTTON_VALUE:
        logger.warning(
            "button dropped: its action or value is beyond Slack's limits",
            extra={"action": button.action[:40], "value_chars": len(button.value)},
        )
        return None
    label = _cut(escape(_one_line(button.label)), MAX_BUTTON_TEXT)
    element: SlackBlock = {"type": "button", "text": _plain(label), "action_id": action_id}
    if button.value:
        element["value"] = button.value
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def _actions(buttons: Sequence[Button], numbers: Iterator[int]) -> list[SlackBlock]:
    elements = [e for b in buttons if (e := _button(b, next(numbers))) is not None]
    return [
        {"type": "actions", "elements": elements[start : start + MAX_ACTIONS]}
        for start in range(0, len(elements), MAX_ACTIONS)
    ]


def _code(lines: Sequence[str]) -> SlackBlock:
    return _section(f"{FENCE}\n" + "\n".join(lines) + f"\n{FENCE}")


def _code_size(lines: Sequence[str]) -> int:
    return 2 * len(FENCE) + 2 + sum(len(line) for line in lines) + len(lines) - 1


def _cell(text: str) -> str:
    # No backtick at all, so no cell can close the code block around the table.
    return _clip(_one_line(text).replace("`", "ʼ"), CELL_WIDTH)


def _table_lines(table: Table) -> list[str]:
    """The table as aligned, escaped lines (labels, rule, rows), each at most LINE_MAX."""
    cells: dict[str, str] = {}  # a column often repeats its values (tier, market, "—")

    def cell(text: str) -> str:
        if text not in cells:
            cells[text] = _cell(text)
        return cells[text]

    columns = tuple(Column(cell(c.label), c.align) for c in table.columns)
    size = len(columns)
    rows = tuple(
        tuple(cell(text) for text in row[:size]) + ("",) * (size - len(row)) for row in table.rows
    )
    return [_cut(escape(line), LINE_MAX) for line in render_table(Table(columns, rows))]


# Sizes and the budget.


def _chars(node: object) -> int:
    """Characters of text a user sees in a block (text objects, table cells, image alt text)."""
    if isinstance(node, list):
        return sum(_chars(item) for item in node)
    if not isinstance(node, dict):
        return 0
    if node.get("type") in ("plain_text", "mrkdwn", "raw_text"):
        return len(node["text"])
    alt = len(node.get("alt_text", ""))
    return alt + sum(_chars(value) for key, value in node.items() if key != "alt_text")


@dataclass(frozen=True)
class _Size:
    """How many blocks and characters of text something takes, or how many are still free."""

    blocks: int
    chars: int

    @classmethod
    def of(cls, blocks: Sequence[SlackBlock]) -> _Size:
        return cls(len(blocks), _chars(list(blocks)))

    def plus(self, other: _Size) -> _Size:
        return _Size(self.blocks + other.blocks, self.chars + other.chars)

    def minus(self, other: _Size) -> _Size:
        return _Size(self.blocks - other.blocks, self.chars - other.chars)

    def holds(self, blocks: Sequence[SlackBlock]) -> bool:
        size = _Size.of(blocks)
        return size.blocks <= self.blocks and size.chars <= self.chars


class _Draft(Protocol):
    """The Slack blocks of one Reply block, and how to make them fit a smaller room."""

    @property
    def pinned(self) -> bool:
        """Always kept, whatever else is cut."""
        ...

    def least(self) -> list[SlackBlock]:
        """The smallest rendering worth showing."""
        ...

    def fit(self, room: _Size) -> tuple[list[SlackBlock], bool]:
        """The most that fits in `room`, and False when content was dropped or cut."""
        ...


@dataclass(frozen=True)
class _Blocks:
    """Blocks shown whole while there is room; the first one that does not fit is cut down."""

    blocks: tuple[SlackBlock, ...]
    pinned: bool = False

    def least(self) -> list[SlackBlock]:
        return list(self.blocks)

    def fit(self, room: _Size) -> tuple[list[SlackBlock], bool]:
        kept: list[SlackBlock] = []
        for block in self.blocks:
            if not room.holds([block]):
                smaller = _shrink(block, room.chars) if room.blocks > 0 else None
                return kept + ([smaller] if smaller else []), False
            kept.append(block)
            room = room.minus(_Size.of([block]))
        return kept, True


def _leading(items: list[SlackBlock], chars: int) -> list[SlackBlock]:
    kept = list(itertools.takewhile(lambda n: n <= chars, itertools.accumulate(map(_chars, items))))
    return items[: len(kept)]


def _shrink(block: SlackBlock, chars: int) -> SlackBlock | None:
    """The block cut down to `chars` characters of text, or None when that is not worth it."""
    if chars < MIN_CUT:
        return None
    if block["type"] == "section" and "text" in block:
        return {**block, "text": _mrkdwn(_cut(block["text"]["text"], chars))}
    if block["type"] == "context":
        return {**block, "elements": [_mrkdwn(_cut(block["elements"][0]["text"], chars))]}
    key = {"section": "fields", "actions": "elements"}.get(block["type"])
    items = _leading(block[key], chars) if key else []
    return {**block, key: items} if key and items else None


@dataclass(frozen=True)
class _TableDraft:
    """A table as code-block sections; rows are cut, with a note, to fit the room it gets."""

    head: tuple[str, ...]
    rows: tuple[str, ...]
    total: int
    more_label: MoreLabel
    pinned: bool = False

    @classmethod
    def of(cls, table: Table, more_label: MoreLabel) -> _TableDraft:
        lines = _table_lines(table)
        total = max(table.total or 0, len(table.rows))
        return cls(tuple(lines[:2]), tuple(lines[2:]), total, more_label)

    def least(self) -> list[SlackBlock]:
        return self._blocks(min(len(self.rows), 1))

    def fit(self, room: _Size) -> tuple[list[SlackBlock], bool]:
        full = self._blocks(len(self.rows))
        if room.holds(full):
            return full, True
        shown = self._most_rows(room)
        return (self._blocks(shown), True) if shown else ([], False)

    def _most_rows(self, room: _Size) -> int:
        """The most rows (fewer than all) that fit in `room` with the note; 0 if none do."""
        low, high = 0, len(self.rows) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if room.holds(self._blocks(middle)):
                low = middle
            else:
                high = middle - 1
        return low

    def _blocks(self, shown: int) -> list[SlackBlock]:
        blocks = [_code(self.head + tuple(chunk)) for chunk in self._chunks(self.rows[:shown])]
        if shown < len(self.rows):
            blocks.append(_context_block(self.more_label(shown, self.total)))
        return blocks

    def _chunks(self, rows: Sequence[str]) -> list[list[str]]:
        """Rows grouped so that each group, under the repeated head, fits one section."""
        base = _code_size(self.head)
        chunks: list[list[str]] = [[]]
        size = base
        for row in rows:
            if chunks[-1] and size + len(row) + 1 > MAX_SECTION_TEXT:
                chunks.append([])
                size = base
            chunks[-1].append(row)
            size += len(row) + 1
        return chunks


def _table_cell(text: str) -> SlackBlock:
    """One cell of a table block: raw text on one line, clipped, escaped like any text; never
    empty (Slack refuses an empty raw_text)."""
    shown = _clip(_one_line(MENTION.sub(r"@\1", text)), CELL_WIDTH)
    return {"type": "raw_text", "text": escape(shown) or " "}


@dataclass(frozen=True)
class _NativeTableDraft:
    """A table as Slack's table block; rows are cut, with a note, to fit the room it gets and
    the block's 100 rows."""

    head: tuple[SlackBlock, ...]
    rows: tuple[tuple[SlackBlock, ...], ...]
    aligns: tuple[str, ...]
    total: int
    more_label: MoreLabel
    pinned: bool = False

    @classmethod
    def of(cls, table: Table, more_label: MoreLabel) -> _NativeTableDraft:
        size = len(table.columns)
        cells: dict[str, SlackBlock] = {}  # a column often repeats its values (tier, "—")

        def cell(text: str) -> SlackBlock:
            if text not in cells:
                cells[text] = _table_cell(text)
            return cells[text]

        rows = tuple(
            tuple(cell(text) for text in row[:size]) + (cell(""),) * (size - len(row))
            for row in table.rows
        )
        head = tuple(cell(column.label) for column in table.columns)
        aligns = tuple(column.align for column in table.columns)
        total = max(table.total or 0, len(table.rows))
        return cls(head, rows, aligns, total, more_label)

    def least(self) -> list[SlackBlock]:
        return self._blocks(min(len(self.rows), 1))

    def fit(self, room: _Size) -> tuple[list[SlackBlock], bool]:
        most = min(len(self.rows), MAX_TABLE_ROWS - 1)
        full = self._blocks(most)
        if room.holds(full):
            return full, True
        low, high = 0, most - 1
        while low < high:
            middle = (low + high + 1) // 2
            if room.holds(self._blocks(middle)):
                low = middle
            else:
                high = middle - 1
        return (self._blocks(low), True) if low else ([], False)

    def _blocks(self, shown: int) -> list[SlackBlock]:
        block: SlackBlock = {
            "type": "table",
            "column_settings": [{"align": align} for align in self.aligns],
            "rows": [list(self.head), *(list(row) for row in self.rows[:shown])],
        }
        blocks = [block]
        if shown < len(self.rows):
            blocks.append(_context_block(self.more_label(shown, self.total)))
        return blocks


def _drafts(
    reply: Reply,
    images: Mapping[int, str],
    more_label: MoreLabel,
    files: Mapping[int, str],
    *,
    tables: bool,
) -> Iterator[_Draft]:
    numbers = itertools.count()
    pinned = False
    native = tables  # one table block a message: the first table that suits it
    for index, block in enumerate(reply.blocks):
        match block:
            case Table(columns=columns) if native and 0 < len(columns) <= MAX_TABLE_COLUMNS:
                native = False
                yield _NativeTableDraft.of(block, more_label)
                continue
            case Table(columns=columns) if columns:
                yield _TableDraft.of(block, more_label)
                continue
            case Table():
                continue
            case Header(text):
                blocks = _header(text)
            case Text(text):
                blocks = _paragraphs(text)
            case Fields(items):
                blocks = _fields(items)
            case Image():
                blocks = _image(block, images.get(index))
            case File():
                blocks = _file(block, files.get(index))  # the file itself is sent on its own
            case Buttons(buttons):
                blocks = _actions(buttons, numbers)
            case Context(text):
                blocks = [_context_block(text)] if text.strip() else []
            case _:
                raise TypeError(f"unknown block {block!r}")
        if blocks:
            # The first header is always kept: it says what the (maybe shortened) answer is.
            pin = not pinned and isinstance(block, Header)
            pinned = pinned or pin
            yield _Blocks(tuple(blocks), pinned=pin)


def _layout(drafts: Sequence[_Draft], room: _Size) -> tuple[list[SlackBlock], bool]:
    """Every draft in order within `room`, and False when anything was dropped or cut.

    Trailing content goes first, except that a table gives up rows (with a note) when that lets
    everything after it fit whole. The pinned header is reserved before anything else.
    """
    needs = [_Size.of(draft.least()) for draft in drafts]
    for index, draft in enumerate(drafts):
        if draft.pinned:
            room = room.minus(needs[index])
    out: list[SlackBlock] = []
    complete = True
    for index, draft in enumerate(drafts):
        if draft.pinned:
            out.extend(draft.least())
            continue
        if not complete:
            continue
        later = _Size(0, 0)
        for after, need in zip(drafts[index + 1 :], needs[index + 1 :], strict=True):
            later = later if after.pinned else later.plus(need)
        spare = room.minus(later)
        blocks, complete = draft.fit(spare if spare.holds(draft.least()) else room)
        out.extend(blocks)
        room = room.minus(_Size.of(blocks))
    return out, complete


def _fallback(reply: Reply) -> str:
    """The notification text: the summary's first line, else a header's or a paragraph's, else
    the bot's name. It counts towards the message's characters, so it stays one line."""
    candidates = [reply.summary]
    candidates += [block.text for block in reply.blocks if isinstance(block, Header | Text)]
    for candidate in candidates:
        line = next((line.strip() for line in candidate.splitlines() if line.strip()), "")
        if line:
            return _cut(escape(line), MAX_FALLBACK)
    return DEFAULT_FALLBACK
