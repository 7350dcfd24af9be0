"""What the fuzz suites share: their hypothesis settings, and checks of a rendered answer."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, settings

from creatorbot.bot.lark.card import render_card
from creatorbot.bot.render_text import render
from creatorbot.bot.slack.blocks import SlackMessage, render_message
from creatorbot.commands.reply import (
    MENTION,
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
from tests.bot.test_lark_card import check_card
from tests.bot.test_slack_blocks import check_limits

# `FUZZ_SCALE=20 pytest tests/fuzz` tries twenty times as many inputs (a longer local hunt);
# the default keeps the suite in CI's budget. Every run draws the same inputs (derandomize).
SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))
SLACK_MENTION = re.compile(r"<@([A-Za-z0-9_.:-]{1,64})>")
LARK_MENTION = re.compile(r"<at id=([^>]*)></at>")


def fuzz(examples: int) -> settings:
    """Settings of one fuzz test: `examples` inputs (times FUZZ_SCALE), the same ones every run,
    no deadline (the first examples warm caches), no database of past failures to replay."""
    return settings(
        max_examples=examples * SCALE,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
        ],
    )


def strings_of(reply: Reply) -> Iterator[str]:
    """Every string a Reply holds, wherever it is."""
    for block in reply.blocks:
        match block:
            case Header(text) | Text(text) | Context(text):
                yield text
            case Fields(items):
                for label, value in items:
                    yield from (label, value)
            case Table(columns, rows):
                yield from (column.label for column in columns)
                for row in rows:
                    yield from row
            case Image(_, title, alt):
                yield from (title, alt)
            case File(name, _, _, title):
                yield from (name, title)
            case Buttons(buttons):
                for button in buttons:
                    yield from (button.label, button.action, button.value)


def mention_ids(reply: Reply) -> set[str]:
    """The chat users the Reply itself mentions (through `mention_of` tokens)."""
    return {user for text in strings_of(reply) for user in MENTION.findall(text)}


def has_text(reply: Reply) -> bool:
    """Whether the Reply holds words a user should see (a header, a paragraph, a table…)."""
    for block in reply.blocks:
        match block:
            case Header(text) | Text(text) | Context(text) if text.strip():
                return True
            case Fields(items) if any(label.strip() or value.strip() for label, value in items):
                return True
            case Table(columns) if any(column.label.strip() for column in columns):
                return True
            case File(name) if name.strip():
                return True
    return False


def showing(shown: int, total: int) -> str:
    return f"Showing {shown} of {total} rows."


def shown(node: Any) -> Any:
    """Block Kit without what Slack never shows: a button's value and action id come back in
    the click's payload and are never parsed for mentions."""
    if isinstance(node, dict):
        return {k: shown(v) for k, v in node.items() if k not in ("value", "action_id")}
    if isinstance(node, list):
        return [shown(item) for item in node]
    return node


def check_slack(message: SlackMessage, reply: Reply) -> None:
    """Slack's limits and escaping; the only mentions are the Reply's own, and whole."""
    dumped = json.dumps(shown(message.blocks), ensure_ascii=False) + message.text
    assert "<!" not in dumped, "a broadcast mention (<!channel>, <!here>) from text"
    assert set(SLACK_MENTION.findall(dumped)) <= mention_ids(reply), "a mention from text"
    # Whole mentions aside, no "<" or ">" may be left: a mention cut in half shows one.
    masked = SLACK_MENTION.sub(r"[@\1]", json.dumps(message.blocks))
    check_limits(SlackMessage(json.loads(masked), SLACK_MENTION.sub(r"[@\1]", message.text)))


def check_lark(card: dict[str, Any], reply: Reply) -> None:
    """Lark's limits and escaping; the only mentions are the Reply's own; nothing is lost."""
    check_card(card)
    dumped = json.dumps(card, ensure_ascii=False)
    assert set(LARK_MENTION.findall(dumped)) <= mention_ids(reply), "a mention from text"
    if has_text(reply):
        assert card.get("header") or card["body"]["elements"], "an empty card"


def check_renders(reply: Reply, images: dict[int, str] | None = None) -> None:
    """The Reply through every renderer: Slack, Lark and the console's text."""
    check_slack(render_message(reply, images=images), reply)
    card = render_card(reply, more_label=showing, shortened_label="Shortened.", images=images)
    check_lark(card, reply)
    text = render(reply)
    if has_text(reply):
        assert text.strip(), "an empty text rendering"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def errors_logged() -> Iterator[list[logging.LogRecord]]:
    """Collect the records logged at ERROR or above while the block runs (the router logs an
    unexpected exception as "command failed" before it apologizes)."""
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
