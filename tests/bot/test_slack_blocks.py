"""Reply → Slack Block Kit: each block kind, escaping, and Slack's limits for any Reply."""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from creatorbot.bot.render_text import render_table
from creatorbot.bot.slack.blocks import (
    ACTION_PREFIX,
    SHORTENED,
    SlackMessage,
    action_name,
    render_message,
)
from creatorbot.commands.reply import (
    Block,
    Button,
    Buttons,
    Column,
    Context,
    Fields,
    Header,
    Image,
    Reply,
    Table,
    Text,
)
from tests.fakes.slack_tables import table_problems, table_refusal

INJECTIONS = ("<!channel>", "<@U123>", "<https://evil.example|click>", "<!here>")
TEXT_TYPES = ("plain_text", "mrkdwn")


# An independent check of every limit the renderer promises.


def text_objects(node: Any) -> list[dict[str, Any]]:
    """Every text object (plain_text or mrkdwn) anywhere in a block tree."""
    if isinstance(node, list):
        return [found for item in node for found in text_objects(item)]
    if not isinstance(node, dict):
        return []
    if node.get("type") in TEXT_TYPES:
        return [node]
    return [found for value in node.values() for found in text_objects(value)]


def check_text(obj: dict[str, Any], kind: str, limit: int) -> None:
    assert obj["type"] == kind, obj
    assert isinstance(obj["text"], str)
    assert 1 <= len(obj["text"]) <= limit, (kind, len(obj["text"]))


def check_escaped(text: str) -> None:
    assert "<" not in text and ">" not in text, text
    assert not re.search(r"&(?!amp;|lt;|gt;)", text), text


def check_section(block: dict[str, Any]) -> None:
    assert "text" in block or "fields" in block
    if "text" in block:
        check_text(block["text"], "mrkdwn", 3000)
        body = block["text"]["text"]
        if body.startswith("```\n"):
            assert body.endswith("\n```") and "```" not in body[4:-4], "a cell closed the table"
    if "fields" in block:
        assert 1 <= len(block["fields"]) <= 10
        for field in block["fields"]:
            check_text(field, "mrkdwn", 2000)


def check_actions(block: dict[str, Any], action_ids: list[str]) -> None:
    assert 1 <= len(block["elements"]) <= 25
    for button in block["elements"]:
        assert button["type"] == "button"
        check_text(button["text"], "plain_text", 75)
        assert 1 <= len(button["action_id"]) <= 255
        assert 1 <= len(button.get("value", "x")) <= 2000
        assert button.get("style", "primary") in ("primary", "danger")
        action_ids.append(button["action_id"])


def check_image(block: dict[str, Any]) -> None:
    assert block["slack_file"]["id"]
    assert 1 <= len(block["alt_text"]) <= 2000
    if "title" in block:
        check_text(block["title"], "plain_text", 2000)


def check_table(block: dict[str, Any]) -> None:
    assert table_problems(block) == []
    widths = {len(row) for row in block["rows"]}
    assert len(widths) == 1, "every row has a cell for each column"
    assert len(block["column_settings"]) == widths.pop()
    for row in block["rows"]:
        for cell in row:
            check_escaped(cell["text"])


def check_limits(message: SlackMessage) -> None:
    """Every Slack limit the renderer promises, checked from the message alone (and its
    code-block twin, when it has a table block)."""
    assert table_refusal(message.blocks) == ""
    if message.plain is not None:
        assert only(message, "table") and not only(message.plain, "table")
        check_limits(message.plain)
    assert 1 <= len(message.blocks) <= 50
    assert message.text.strip() and len(message.text) <= 3000
    action_ids: list[str] = []
    for block in message.blocks:
        kind = block["type"]
        if kind == "header":
            check_text(block["text"], "plain_text", 150)
        elif kind == "section":
            check_section(block)
        elif kind == "context":
            assert 1 <= len(block["elements"]) <= 10
            for element in block["elements"]:
                check_text(element, "mrkdwn", 2000)
        elif kind == "actions":
            check_actions(block, action_ids)
        elif kind == "image":
            check_image(block)
        elif kind == "table":
            check_table(block)
        else:
            pytest.fail(f"unexpected block type {kind}")
    assert len(action_ids) == len(set(action_ids)), "action_ids must be unique"
    objects = text_objects(message.blocks)
    for obj in objects:
        check_escaped(obj["text"])
    alt = sum(len(block.get("alt_text", "")) for block in message.blocks)
    cells = sum(len(c["text"]) for b in only(message, "table") for row in b["rows"] for c in row)
    total = len(message.text) + alt + cells + sum(len(obj["text"]) for obj in objects)
    assert total <= 12_000, total


def only(message: SlackMessage, kind: str) -> list[dict[str, Any]]:
    return [block for block in message.blocks if block["type"] == kind]


def context_lines(message: SlackMessage) -> list[str]:
    return [block["elements"][0]["text"] for block in only(message, "context")]


def cells(message: SlackMessage) -> list[list[str]]:
    """The rows of the table block, as the texts of their cells."""
    (table,) = only(message, "table")
    return [[cell["text"] for cell in row] for row in table["rows"]]


def table_rows(message: SlackMessage) -> list[list[str]]:
    """The lines of each code block, fences removed."""
    return [
        block["text"]["text"][4:-4].split("\n")
        for block in only(message, "section")
        if block.get("text", {}).get("text", "").startswith("```\n")
    ]


def leaderboard(rows: int, total: int | None = None) -> Table:
    columns = (Column("#", "right"), Column("Creator"), Column("GMV", "right"))
    cells = tuple((str(i + 1), f"creator_{i:03d}", f"RM{i * 7:,}.00") for i in range(rows))
    return Table(columns, cells, total=total)


# Each block kind.


def test_a_header_is_a_plain_text_header_block() -> None:
    message = render_message(Reply((Header("GMV leaderboard"),)))
    assert message.blocks == [
        {"type": "header", "text": {"type": "plain_text", "text": "GMV leaderboard", "emoji": True}}
    ]
    assert message.text == "GMV leaderboard"


def test_a_long_header_is_cut_without_splitting_an_escape() -> None:
    message = render_message(Reply((Header("a" * 148 + "&b"),)))
    assert message.blocks[0]["text"]["text"] == "a" * 148 + "…"
    check_limits(message)


def test_text_keeps_bold_and_splits_long_paragraphs_at_line_ends() -> None:
    lines = [f"*{i:03d}* " + "x" * 43 for i in range(200)]
    message = render_message(Reply((Text("\n".join(lines)),)))
    sections = only(message, "section")
    assert len(sections) > 1
    texts = [section["text"]["text"] for section in sections]
    assert all(len(text) <= 3000 for text in texts)
    assert "\n".join(texts) == "\n".join(lines)
    assert sections[0]["text"] == {"type": "mrkdwn", "text": texts[0], "verbatim": True}


def test_a_split_never_cuts_an_escape_sequence() -> None:
    message = render_message(Reply((Text("Escapes\n" + "&" * 1000),)))
    texts = [section["text"]["text"] for section in only(message, "section")]
    assert len(texts) == 3
    assert "".join(texts) == "Escapes" + "&amp;" * 1000
    for text in texts:
        check_escaped(text)


def test_fields_are_label_value_pairs_ten_per_section() -> None:
    items = tuple((f"Label {i}", f"RM{i}.00") for i in range(23))
    message = render_message(Reply((Fields(items),)))
    sections = only(message, "section")
    assert [len(section["fields"]) for section in sections] == [10, 10, 3]
    assert sections[0]["fields"][0] == {
        "type": "mrkdwn",
        "text": "*Label 0*\nRM0.00",
        "verbatim": True,
    }


def test_a_table_is_a_table_block_aligned_as_its_columns() -> None:
    table = leaderboard(3)
    message = render_message(Reply((table,)))
    check_limits(message)
    assert cells(message) == [
        ["#", "Creator", "GMV"],
        ["1", "creator_000", "RM0.00"],
        ["2", "creator_001", "RM7.00"],
        ["3", "creator_002", "RM14.00"],
    ]
    assert only(message, "table")[0]["column_settings"] == [
        {"align": "right"},
        {"align": "left"},
        {"align": "right"},
    ]
    assert message.plain is not None
    assert message.plain == render_message(Reply((table,)), tables=False)


def test_only_the_first_table_is_a_table_block() -> None:
    message = render_message(Reply((leaderboard(2), Text("and"), leaderboard(3))))
    check_limits(message)
    assert len(only(message, "table")) == 1
    assert len(table_rows(message)) == 1  # the second one, as a code block


def test_a_table_block_holds_at_most_100_rows_and_says_so() -> None:
    message = render_message(Reply((leaderboard(150, total=900),)))
    check_limits(message)
    assert len(cells(message)) == 100
    assert context_lines(message)[-1] == "Showing 99 of 900 rows."


def test_a_table_block_gives_up_rows_to_fit_the_message() -> None:
    columns = (Column("Creator"), Column("Note"), Column("More"))
    long = Table(columns, tuple(("x" * 60, "y" * 60, "z" * 60) for _ in range(99)))
    message = render_message(Reply((Header("Notes"), long, Context("after"))))
    check_limits(message)
    shown = len(cells(message)) - 1
    assert 0 < shown < 99
    assert context_lines(message)[-2:] == [f"Showing {shown} of 99 rows.", "after"]


def test_table_cells_are_escaped_clipped_and_never_empty() -> None:
    table = Table((Column("Creator"), Column("")), (("<!channel> & co", ""), ("z" * 90, "x")))
    message = render_message(Reply((table,)))
    check_limits(message)
    rows = cells(message)
    assert rows[0] == ["Creator", " "]
    assert rows[1] == ["&lt;!channel&gt; &amp; co", " "]
    assert rows[2][0] == "z" * 59 + "…"


def test_twenty_one_columns_stay_a_code_block() -> None:
    wide = Table(tuple(Column(f"c{i}") for i in range(21)), (tuple(str(i) for i in range(21)),))
    message = render_message(Reply((wide,)))
    assert only(message, "table") == [] and message.plain is None
    assert len(table_rows(message)) == 1


def test_a_table_is_an_aligned_code_block_without_table_blocks() -> None:
    table = leaderboard(3)
    message = render_message(Reply((table,)), tables=False)
    assert message.blocks == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "```\n" + "\n".join(render_table(table)) + "\n```",
                "verbatim": True,
            },
        }
    ]


def test_a_500_row_table_is_cut_with_a_showing_line() -> None:
    message = render_message(Reply((Header("Top creators"), leaderboard(500))), tables=False)
    check_limits(message)
    chunks = table_rows(message)
    assert len(chunks) > 1
    head = render_table(leaderboard(500))[:2]
    assert all(chunk[:2] == head for chunk in chunks), "every chunk repeats the labels and rule"
    shown = sum(len(chunk) - 2 for chunk in chunks)
    assert 0 < shown < 500
    assert context_lines(message)[-1] == f"Showing {shown} of 500 rows."
    assert SHORTENED not in context_lines(message)


def test_the_showing_line_counts_the_tables_total_and_can_be_localized() -> None:
    message = render_message(
        Reply((leaderboard(500, total=1200),)),
        more_label=lambda shown, total: f"Mostrati {shown} di {total} <righe>.",
        tables=False,
    )
    shown = sum(len(chunk) - 2 for chunk in table_rows(message))
    assert context_lines(message)[-1] == f"Mostrati {shown} di 1200 &lt;righe&gt;."


def test_a_cut_table_leaves_room_for_what_follows_it() -> None:
    buttons = Buttons((Button("Next page", "page", "2"),))
    message = render_message(Reply((leaderboard(500), Context("17–23 Nov"), buttons)))
    check_limits(message)
    assert [block["type"] for block in message.blocks[-3:]] == ["context", "context", "actions"]
    message = render_message(Reply((leaderboard(500), Context("17–23 Nov"), buttons)), tables=False)
    check_limits(message)
    assert [block["type"] for block in message.blocks[-3:]] == ["context", "context", "actions"]
    assert context_lines(message)[-1] == "17–23 Nov"


def test_a_context_is_one_mrkdwn_element() -> None:
    message = render_message(Reply((Context("Data as of 23 Nov · GMV in MYR"),)))
    assert message.blocks == [
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": "Data as of 23 Nov · GMV in MYR", "verbatim": True}
            ],
        }
    ]


def test_buttons_have_unique_recoverable_action_ids() -> None:
    first = Buttons(tuple(Button(f"Page {i}", "page", str(i)) for i in range(30)))
    second = Buttons((Button("Delete", "digest.unsubscribe", "7", "danger"), Button("OK", "ok")))
    message = render_message(Reply((first, second)))
    actions = only(message, "actions")
    assert [len(block["elements"]) for block in actions] == [25, 5, 2]
    buttons = [button for block in actions for button in block["elements"]]
    ids = [button["action_id"] for button in buttons]
    assert len(set(ids)) == len(ids) == 32
    assert all(action_id.startswith(ACTION_PREFIX) for action_id in ids)
    assert [action_name(i) for i in ids] == ["page"] * 30 + ["digest.unsubscribe", "ok"]
    assert buttons[0]["value"] == "0" and "style" not in buttons[0]
    assert buttons[30]["style"] == "danger"
    assert "value" not in buttons[31]


def test_action_name_ignores_foreign_action_ids() -> None:
    for foreign in ("share", "other.page.1", "cb.", "cb.page", "cb.page.x", "cb..3"):
        assert action_name(foreign) is None


def test_button_labels_are_cut_and_oversized_values_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    buttons = (Button("L" * 100, "page", "1"), Button("Huge", "export", "v" * 2001))
    with caplog.at_level(logging.WARNING):
        message = render_message(Reply((Buttons(buttons),)))
    (button,) = only(message, "actions")[0]["elements"]
    assert button["text"]["text"] == "L" * 74 + "…"
    assert "button dropped" in caplog.text


def test_an_uploaded_image_is_an_image_block() -> None:
    reply = Reply((Header("Trend"), Image(b"png", "Daily GMV", "GMV rose 10% in 7 days")))
    message = render_message(reply, images={1: "F0123"})
    assert message.blocks[1] == {
        "type": "image",
        "slack_file": {"id": "F0123"},
        "alt_text": "GMV rose 10% in 7 days",
        "title": {"type": "plain_text", "text": "Daily GMV", "emoji": True},
    }


def test_an_image_without_a_file_is_still_mentioned() -> None:
    message = render_message(Reply((Image(b"png", "Daily GMV", "GMV rose 10%"),)))
    assert context_lines(message) == ["📊 Daily GMV — GMV rose 10%"]


def test_an_empty_reply_still_has_a_block_and_a_text() -> None:
    message = render_message(Reply())
    assert message.text == "creatorbot"
    check_limits(message)


# Escaping.


def test_mentions_and_links_from_data_stay_inert() -> None:
    name = "<!channel> & <https://evil.example|click> <@U123>"
    reply = Reply(
        (
            Header(f"Creator {name}"),
            Text(f"*{name}* is top"),
            Fields((("Creator", name),)),
            Table((Column("Creator"),), ((name,),)),
            Buttons((Button(name, "creator", "x"),)),
            Context(name),
        )
    )
    message = render_message(reply)
    check_limits(message)
    dumped = json.dumps(message.blocks, ensure_ascii=False) + message.text
    for injection in INJECTIONS:
        assert injection not in dumped
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; &lt;@U123&gt;" in dumped
    assert message.blocks[1]["text"]["text"].startswith("*&lt;!channel&gt;")


def test_a_cell_cannot_close_the_tables_code_block() -> None:
    table = Table((Column("Creator"),), (("```\n<!channel>```",), ("`x`",)))
    message = render_message(Reply((table,)), tables=False)
    check_limits(message)
    (body,) = [block["text"]["text"] for block in message.blocks]
    assert body.count("```") == 2 and "&lt;!channel&gt;" in body


# Limits, for any Reply.


@pytest.mark.parametrize("text", ["```\n", "a ```code``` b", "````"])
def test_text_from_data_cannot_open_a_code_block(text: str) -> None:
    message = render_message(Reply((Text(text), Context(text), Fields(((text, text),)))))
    assert "```" not in json.dumps(message.blocks, ensure_ascii=False)


def test_many_blocks_are_shortened_with_the_header_kept() -> None:
    blocks: list[Block] = [Header("Digest")]
    blocks += [Text("x" * 2900) for _ in range(10)] + [Context(str(i)) for i in range(60)]
    message = render_message(Reply(tuple(blocks)))
    check_limits(message)
    assert message.blocks[0]["type"] == "header"
    assert context_lines(message)[-1] == SHORTENED


def test_the_shortened_line_can_be_localized() -> None:
    reply = Reply(tuple(Context(str(i)) for i in range(60)))
    message = render_message(reply, shortened_label="Risposta accorciata.")
    assert len(message.blocks) == 50
    assert context_lines(message)[-1] == "Risposta accorciata."


PIECES = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
    st.sampled_from(list("<>&`*_~\n éèàçñ陈美玲😀") + ["🇮🇹", "👩‍💻", "```", "&amp;", "<!channel>"]),
)
SHORT = st.lists(PIECES, max_size=30).map("".join)
LONG = st.builds(lambda piece, times: piece * times, SHORT, st.integers(1, 150))
WORDS = st.one_of(SHORT, LONG)


@st.composite
def tables(draw: st.DrawFn, words: st.SearchStrategy[str]) -> Table:
    """Up to 500 rows × 8 columns, cheaply: the cells cycle through a small drawn pool."""
    size = draw(st.integers(0, 8))
    aligns = st.sampled_from(["left", "right"])
    columns = tuple(Column(draw(words), draw(aligns)) for _ in range(size))
    pool = draw(st.lists(words, min_size=1, max_size=12))
    count = draw(st.one_of(st.integers(0, 30), st.integers(0, 500)))
    rows = tuple(tuple(pool[(i * 7 + j) % len(pool)] for j in range(size)) for i in range(count))
    total = draw(st.one_of(st.none(), st.integers(count, count + 1000)))
    return Table(columns, rows, total=total)


def blocks_of(words: st.SearchStrategy[str]) -> st.SearchStrategy[Block]:
    buttons = st.builds(
        Button,
        label=words,
        action=st.one_of(st.sampled_from(["page", "share", "digest.run"]), st.text(max_size=300)),
        value=st.one_of(SHORT, st.builds(lambda n: "v" * n, st.integers(0, 2100))),
        style=st.sampled_from(["default", "primary", "danger"]),
    )
    return st.one_of(
        st.builds(Header, words),
        st.builds(Text, words),
        st.builds(Fields, st.lists(st.tuples(words, words), max_size=25).map(tuple)),
        tables(words),
        st.builds(Image, st.just(b"png"), words, words),
        st.builds(Buttons, st.lists(buttons, max_size=40).map(tuple)),
        st.builds(Context, words),
    )


@st.composite
def replies(draw: st.DrawFn) -> tuple[Reply, dict[int, str]]:
    """Up to 60 blocks. Their strings come from a small drawn pool, which keeps generation fast:
    long strings hit the character budget, many short blocks the 50-block limit."""
    pool = draw(st.lists(draw(st.sampled_from([WORDS, SHORT])), min_size=1, max_size=16))
    size = draw(st.integers(0, 60))
    blocks = draw(st.lists(blocks_of(st.sampled_from(pool)), min_size=size, max_size=size))
    images = {
        index: f"F{index:08d}"
        for index, block in enumerate(blocks)
        if isinstance(block, Image) and draw(st.booleans())
    }
    return Reply(tuple(blocks)), images


def test_any_reply_fits_slacks_limits() -> None:
    # Under mutation testing (mutmut sets MUTANT_UNDER_TEST) a failure need only be found, not
    # shrunk: shrinking a failing reply takes minutes, and a mutant runs this test each time.
    shrink = "MUTANT_UNDER_TEST" not in os.environ
    run = settings(
        max_examples=200,
        deadline=None,
        derandomize=True,  # the same replies every run: CI never fails on a new draw
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        phases=[phase for phase in Phase if shrink or phase is not Phase.shrink],
    )(given(replies())(check_any_reply))
    run()


def check_any_reply(case: tuple[Reply, dict[int, str]]) -> None:
    reply, images = case
    message = render_message(reply, images=images)
    check_limits(message)  # its code-block twin too
    actions = {
        button.action
        for block in reply.blocks
        if isinstance(block, Buttons)
        for button in block.buttons
    }
    for block in only(message, "actions"):
        for button in block["elements"]:
            assert action_name(button["action_id"]) in actions


def test_only_the_replys_own_mention_tokens_become_mentions() -> None:
    from creatorbot.bot.render_text import render
    from creatorbot.commands.reply import mention_of

    reply = Reply((Text(f"cc {mention_of('U42')} — typed: <@U123>"),))
    shown = json.dumps(render_message(reply).blocks)
    assert "<@U42>" in shown
    assert "&lt;@U123&gt;" in shown and "<@U123>" not in shown
    assert render(reply) == "cc @U42 — typed: <@U123>"
