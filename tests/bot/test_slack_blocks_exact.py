"""Reply → Slack Block Kit, pinned exactly: small hand-written replies and the blocks Slack gets,
each expected value worked out by hand from Slack's documented limits (section text 3000, field
2000, header 150, button text 75, action_id 255, button value 2000, image alt text and title
2000, 50 blocks a message, table block 100 rows) and the renderer's own budget of 12,000
characters a message."""

from __future__ import annotations

from typing import Any

import pytest

from creatorbot.bot.slack import blocks as slack
from creatorbot.bot.slack.blocks import SHORTENED, SlackMessage, action_name, escape, render_message
from creatorbot.commands.reply import (
    Block,
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
    mention_of,
)


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text)}


def context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(text)]}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain(text)}


def raw(text: str) -> dict[str, str]:
    return {"type": "raw_text", "text": text}


def kinds(message: SlackMessage) -> list[str]:
    return [block["type"] for block in message.blocks]


# Text helpers, on strings small enough to work out by hand.


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("a & b", "a &amp; b"),
        ("<@U1> <!here>", "&lt;@U1&gt; &lt;!here&gt;"),
        ("x > y", "x &gt; y"),
        ("&lt;", "&amp;lt;"),
        ("``", "``"),
        ("```", "ʼʼʼ"),
        ("a````b", "aʼʼʼʼb"),
        (f"cc {mention_of('U42')}", "cc <@U42>"),
        ("\ue000not an id\ue001", "\ue000not an id\ue001"),
    ],
)
def test_escape(typed: str, shown: str) -> None:
    assert escape(typed) == shown


@pytest.mark.parametrize(
    ("action_id", "name"),
    [
        ("cb.page.0", "page"),
        ("cb.digest.run.12", "digest.run"),
        ("cb.a.7", "a"),
        ("cb.page.", None),
        ("cb.page.1x", None),
        ("xcb.page.1", None),
        ("page.1", None),
        ("cb..1", None),
    ],
)
def test_action_name(action_id: str, name: str | None) -> None:
    assert action_name(action_id) == name


@pytest.mark.parametrize(
    ("text", "end", "safe"),
    [
        ("abc&amp;def", 5, 3),  # inside &amp; → before it
        ("abc&amp;def", 7, 3),  # just before its ';'
        ("abc&amp;def", 8, 8),  # just after it
        ("abc&amp;", 4, 3),
        ("&amp;", 3, 0),
        ("&amp;x", 5, 5),
        ("a&lt;bc", 7, 7),
        ("&abcde", 5, 5),  # a '&' five back is not an escape this end can split
        ("abcdef", 4, 4),
        ("abcd&amp;", 3, 3),  # an escape after the cut is no concern
        ("a&amp;", 3, 1),
    ],
)
def test_safe_end(text: str, end: int, safe: int) -> None:
    assert slack._safe_end(text, end) == safe


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("abcdef", 6, "abcdef"),
        ("abcdefg", 6, "abcde…"),
        ("abc&amp;", 6, "abc…"),
        ("ab&lt;cd", 7, "ab&lt;…"),
    ],
)
def test_cut(text: str, limit: int, cut: str) -> None:
    assert slack._cut(text, limit) == cut


@pytest.mark.parametrize(
    ("line", "limit", "pieces"),
    [
        ("abc def ghi", 7, ["abc", "def ghi"]),
        ("abc def ghi", 11, ["abc def ghi"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("a bcdefgh", 4, ["a bc", "defg", "h"]),  # a space in the first half is not used
        ("ab cdefgh", 4, ["ab", "cdef", "gh"]),
        ("&amp;&amp;", 7, ["&amp;", "&amp;"]),
        ("a b c d e f", 8, ["a b c d", "e f"]),  # at the last space that fits
        ("a bcd", 3, ["a", "bcd"]),
    ],
)
def test_split_line(line: str, limit: int, pieces: list[str]) -> None:
    assert list(slack._split_line(line, limit)) == pieces


@pytest.mark.parametrize(
    ("text", "limit", "pieces"),
    [
        ("ab\ncd", 5, ["ab\ncd"]),
        ("ab\ncd\nef", 5, ["ab\ncd", "ef"]),
        ("abcd\nef", 4, ["abcd", "ef"]),
        ("ab\n\n  \ncd", 100, ["ab\n\n  \ncd"]),
        ("  \n  ", 10, []),
        ("abc def\ngh", 5, ["abc", "def", "gh"]),
        ("ab\ncde", 5, ["ab", "cde"]),
        ("abcde\nf\nghij", 5, ["abcde", "f", "ghij"]),
        ("abcde\nfg\nhi", 5, ["abcde", "fg\nhi"]),
    ],
)
def test_split(text: str, limit: int, pieces: list[str]) -> None:
    assert slack._split(text, limit) == pieces


@pytest.mark.parametrize(
    ("text", "limit", "clipped"),
    [
        ("ab", 4, "ab"),
        ("abc", 3, "abc"),
        ("abcd", 3, "ab…"),
        ("abcde", 4, "abc…"),
        ("陈美玲", 6, "陈美玲"),
        ("陈美玲", 5, "陈美…"),
        ("陈美玲", 4, "陈…"),
        ("ae\u0301b", 3, "ae\u0301b"),  # a combining accent takes no column
    ],
)
def test_clip(text: str, limit: int, clipped: str) -> None:
    assert slack._clip(text, limit) == clipped


def test_chars_count_what_a_user_reads() -> None:
    image = {
        "type": "image",
        "slack_file": {"id": "F0123"},
        "alt_text": "abcd",
        "title": plain("xy"),
    }
    fields = {"type": "section", "fields": [mrkdwn("abc"), mrkdwn("de")]}
    table = {"type": "table", "column_settings": [{"align": "left"}], "rows": [[raw("ab")]]}
    assert slack._chars([image]) == 6
    assert slack._chars([fields, table, header("hey")]) == 5 + 2 + 3
    assert slack._chars("text") == 0


# Each block kind, exactly.


@pytest.mark.parametrize(
    ("block", "blocks"),
    [
        (Header("  GMV\n leaderboard "), [header("GMV leaderboard")]),
        (Header("a<b"), [header("a&lt;b")]),
        (Header("h" * 150), [header("h" * 150)]),
        (Header("h" * 151), [header("h" * 149 + "…")]),
        (Text("*Top* & more"), [section("*Top* & more".replace("&", "&amp;"))]),
        (Context("  a\nb "), [context("  a\nb ")]),
        (Fields((("", ""),)), [{"type": "section", "fields": [mrkdwn(" ")]}]),
        (Fields((("A\nB", " 1 "),)), [{"type": "section", "fields": [mrkdwn("*A B*\n1")]}]),
        (Fields((("", "v"),)), [{"type": "section", "fields": [mrkdwn("v")]}]),
        (File("a.csv", b"x"), [context("📎 a.csv")]),
    ],
)
def test_each_block_kind(block: Any, blocks: list[dict[str, Any]]) -> None:
    message = render_message(Reply((Header("H"), block)))
    assert message.blocks == [header("H"), *blocks]
    assert message.plain is None


def test_an_empty_paragraph_or_context_leaves_only_the_fallback() -> None:
    assert render_message(Reply((Text(""),))).blocks == [section("creatorbot")]
    assert render_message(Reply((Context("  "), Header(""), Text("x")))).blocks == [section("x")]


def test_a_field_label_takes_at_most_half_the_field() -> None:
    (block,) = render_message(Reply((Fields((("L" * 1001, "v" * 998),)),))).blocks
    # "*" + 999 L + "…" + "*\n" is 1003 characters, which leaves 997 for the value.
    assert block["fields"] == [mrkdwn("*" + "L" * 999 + "…*\n" + "v" * 996 + "…")]
    (block,) = render_message(Reply((Fields((("L" * 1000, "v" * 997),)),))).blocks
    assert block["fields"] == [mrkdwn("*" + "L" * 1000 + "*\n" + "v" * 997)]


@pytest.mark.parametrize(
    ("image", "file_id", "block"),
    [
        (Image(b"", " Daily\nGMV ", "up <10%>"), None, context("📊 Daily\nGMV — up &lt;10%&gt;")),
        (Image(b"", "", " up "), None, context("📊 up")),
        (Image(b"", "Daily", ""), None, context("📊 Daily")),
        (
            Image(b"", " Daily\nGMV ", "up\n10%"),
            "F1",
            {
                "type": "image",
                "slack_file": {"id": "F1"},
                "alt_text": "up 10%",
                "title": plain("Daily GMV"),
            },
        ),
        (
            Image(b"", "A&B", ""),
            "F1",
            {
                "type": "image",
                "slack_file": {"id": "F1"},
                "alt_text": "A&amp;B",
                "title": plain("A&amp;B"),
            },
        ),
        (Image(b"", "", ""), "F1", {"type": "image", "slack_file": {"id": "F1"}, "alt_text": " "}),
        (
            Image(b"", "t" * 2001, "a" * 2001),
            "F1",
            {
                "type": "image",
                "slack_file": {"id": "F1"},
                "alt_text": "a" * 1999 + "…",
                "title": plain("t" * 1999 + "…"),
            },
        ),
        (
            Image(b"", "t" * 2000, "a" * 2000),
            "F1",
            {
                "type": "image",
                "slack_file": {"id": "F1"},
                "alt_text": "a" * 2000,
                "title": plain("t" * 2000),
            },
        ),
    ],
)
def test_images(image: Image, file_id: str | None, block: dict[str, Any]) -> None:
    images = {0: file_id} if file_id else {}
    assert render_message(Reply((image,)), images=images).blocks == [block]


@pytest.mark.parametrize(
    ("name", "link", "text"),
    [
        ("top.csv", "https://s/" + "f" * 989, "📎 <https://s/" + "f" * 989 + "|top.csv>"),  # 999
        ("top.csv", "https://s/" + "f" * 990, "📎 top.csv"),  # 1000 characters: too long
        ("top.csv", "https://s/FX1/top.csv", "📎 <https://s/FX1/top.csv|top.csv>"),
        ("top.csv", "https://s/a b", "📎 top.csv"),
        ("top.csv", "https://s/<a", "📎 top.csv"),
        ("top.csv", "https://s/a>", "📎 top.csv"),
        ("top.csv", "", "📎 top.csv"),
        ("n" * 1001, "", "📎 " + "n" * 999 + "…"),
        ("a\nb.csv", "", "📎 a b.csv"),
    ],
)
def test_file_lines(name: str, link: str, text: str) -> None:
    files = {0: link} if link else {}
    assert render_message(Reply((File(name, b"x"),)), files=files).blocks == [context(text)]


def test_buttons_exactly() -> None:
    buttons = (
        Button("Skip", ""),  # no action: dropped, its number spent
        Button(" Next\npage ", "page", "2", "primary"),
        Button("", "a" * 250, "v" * 2000, "danger"),  # cb. + 250 + .2 = 255 characters
        Button("Long", "a" * 251),  # 256: dropped
        Button("Huge", "export", "v" * 2001),  # dropped
        Button("B" * 76, "ok", style="default"),
        Button("B" * 75, "ok"),
    )
    (block,) = render_message(Reply((Buttons(buttons),))).blocks
    assert block == {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": plain("Next page"),
                "action_id": "cb.page.1",
                "value": "2",
                "style": "primary",
            },
            {
                "type": "button",
                "text": plain(" "),
                "action_id": "cb." + "a" * 250 + ".2",
                "value": "v" * 2000,
                "style": "danger",
            },
            {"type": "button", "text": plain("B" * 74 + "…"), "action_id": "cb.ok.5"},
            {"type": "button", "text": plain("B" * 75), "action_id": "cb.ok.6"},
        ],
    }


def test_a_dropped_button_is_logged_with_its_action_and_value_size(
    caplog: pytest.LogCaptureFixture,
) -> None:
    buttons = (Button("x", "a" * 251, "v" * 7), Button("y", "export", "v" * 2001))
    with caplog.at_level("WARNING", logger="creatorbot.bot.slack.blocks"):
        render_message(Reply((Buttons(buttons),)))
    logged = [
        (r.levelname, r.__dict__.get("action"), r.__dict__.get("value_chars"))
        for r in caplog.records
    ]
    assert logged == [("WARNING", "a" * 40, 7), ("WARNING", "export", 2001)]


# Tables.


def test_a_small_table_block_exactly() -> None:
    # The code block is aligned on what Slack shows ("<b>"), then escaped ("&lt;b&gt;").
    table = Table(
        (Column("#", "right"), Column("Creator `x`"), Column("GMV", "right")),
        (("1", "amir <b>", "RM1.00", "extra"), ("2",)),
        total=5,
    )
    message = render_message(Reply((table,)))
    assert message.blocks == [
        {
            "type": "table",
            "column_settings": [{"align": "right"}, {"align": "left"}, {"align": "right"}],
            "rows": [
                [raw("#"), raw("Creator `x`"), raw("GMV")],
                [raw("1"), raw("amir &lt;b&gt;"), raw("RM1.00")],
                [raw("2"), raw(" "), raw(" ")],
            ],
        }
    ]
    assert message.text == "creatorbot"
    assert message.plain == SlackMessage(
        [
            section(
                "```\n"
                "#  Creator ʼxʼ     GMV\n"
                "─  ───────────  ──────\n"
                "1  amir &lt;b&gt;     RM1.00\n"
                "2\n"
                "```"
            )
        ],
        "creatorbot",
    )


def test_a_table_cell_keeps_a_mention_as_plain_text() -> None:
    table = Table((Column("Who"),), ((f"{mention_of('U42')}  and\nme",),))
    rows = render_message(Reply((table,))).blocks[0]["rows"]
    assert rows[1] == [raw("@U42 and me")]


def test_a_table_block_with_99_rows_shows_them_all() -> None:
    rows = tuple((str(i),) for i in range(99))
    message = render_message(Reply((Table((Column("n"),), rows),)))
    assert kinds(message) == ["table"]
    assert len(message.blocks[0]["rows"]) == 100


def test_a_table_block_with_100_rows_shows_99_and_says_so() -> None:
    rows = tuple((str(i),) for i in range(100))
    message = render_message(Reply((Table((Column("n"),), rows),)))
    assert kinds(message) == ["table", "context"]
    assert message.blocks[0]["rows"][-1] == [raw("98")]
    assert message.blocks[1] == context("Showing 99 of 100 rows.")


def test_a_table_without_columns_is_skipped_and_leaves_the_table_block_to_the_next() -> None:
    table = Table((Column("n"),), (("1",),))
    message = render_message(Reply((Table((), (("x",),)), table)))
    assert kinds(message) == ["table"]


def test_twenty_columns_are_a_table_block() -> None:
    table = Table(tuple(Column(str(i)) for i in range(20)), ())
    message = render_message(Reply((table,)))
    assert kinds(message) == ["table"]
    assert message.blocks[0]["rows"] == [[raw(str(i)) for i in range(20)]]


def test_a_long_table_line_is_cut_to_a_third_of_a_section() -> None:
    # (3000 - 2 × 3 fence characters - 4 line ends) // 3 = 996 characters a line at most.
    table = Table(tuple(Column("c" * 60) for _ in range(17)), ())
    message = render_message(Reply((table,)), tables=False)
    body = message.blocks[0]["text"]["text"]
    label, rule = body[4:-4].split("\n")
    # 17 labels of 60 with 16 gaps of 2 are 1052 characters: cut to 995 (16 × 62 + 3) and "…".
    assert label == ("c" * 60 + "  ") * 16 + "c" * 3 + "…"
    assert rule == ("─" * 60 + "  ") * 16 + "─" * 3 + "…"


def test_a_code_block_cell_is_clipped_to_sixty_columns() -> None:
    table = Table((Column("n"),), (("x" * 61,), ("y" * 60,)))
    body = render_message(Reply((table,)), tables=False).blocks[0]["text"]["text"]
    assert body.split("\n")[1:-1] == ["n", "─" * 60, "x" * 59 + "…", "y" * 60]


# The message budget: 50 blocks and 12,000 characters, the fallback text included.


def test_fifty_blocks_fit_and_a_fifty_first_is_cut_with_a_notice() -> None:
    fifty = render_message(Reply(tuple(Context(str(i)) for i in range(50))))
    assert fifty.blocks == [context(str(i)) for i in range(50)]
    more = render_message(Reply(tuple(Context(str(i)) for i in range(51))))
    assert more.blocks == [context(str(i)) for i in range(49)] + [context(SHORTENED)]


def test_the_shortened_notice_is_escaped_and_localizable() -> None:
    message = render_message(
        Reply(tuple(Context(str(i)) for i in range(51))), shortened_label="Accorciata <!>"
    )
    assert message.blocks[-1] == context("Accorciata &lt;!&gt;")


def test_twelve_thousand_characters_fill_a_message_exactly() -> None:
    # Fallback "H" (1) + header (1) + 3 × 3000 + the last paragraph cut to the 2998 left.
    reply = Reply((Header("H"), *(Text(c * 3000) for c in "abc"), Text("d" * 2998)))
    message = render_message(reply)
    assert message.blocks == [header("H"), *(section(c * 3000) for c in "abc"), section("d" * 2998)]
    longer = render_message(Reply((*reply.blocks[:-1], Text("d" * 2999))))
    # Now the notice (42 characters) is needed: 12,000 - 2 - 9000 - 42 leaves 2956.
    assert longer.blocks == [
        header("H"),
        *(section(c * 3000) for c in "abc"),
        section("d" * 2955 + "…"),
        context(SHORTENED),
    ]


@pytest.mark.parametrize(("size", "kept"), [(2916, True), (2917, False)])
def test_a_paragraph_is_cut_to_no_fewer_than_40_characters(size: int, kept: bool) -> None:
    # 12,000 - fallback 1 - header 1 - notice 42 - 3 × 3000 - 2916 = 40 characters left.
    texts = (*(Text(c * 3000) for c in "abc"), Text("d" * size), Text("e" * 3000))
    message = render_message(Reply((Header("H"), *texts)))
    cut = [section("e" * 39 + "…")] if kept else []
    assert message.blocks == [
        header("H"),
        *(section(c * 3000) for c in "abc"),
        section("d" * size),
        *cut,
        context(SHORTENED),
    ]


def test_the_first_header_is_kept_and_a_later_one_is_not() -> None:
    reply = Reply((Header("First"), *(Context(str(i)) for i in range(55)), Header("Second")))
    message = render_message(reply)
    # Fallback is "First"; the pinned header and the notice leave 48 blocks.
    assert message.blocks == [
        header("First"),
        *(context(str(i)) for i in range(48)),
        context(SHORTENED),
    ]


def test_a_long_context_is_cut_to_the_room_left() -> None:
    texts = tuple(Text(c * 3000) for c in "abc")
    message = render_message(Reply((Header("H"), *texts, Context("z" * 3000))))
    # Context cut to 2000 by its own limit: 12,000 - 2 - 9000 = 2998 of room holds it whole.
    assert message.blocks[-1] == context("z" * 1999 + "…")
    longer: tuple[Block, ...] = (*texts, Text("d" * 1000), Context("z" * 3000))
    message = render_message(Reply((Header("H"), *longer)))
    # 12,000 - 2 - 10,000 - 42 = 1956 left for the context.
    assert message.blocks[-2:] == [context("z" * 1955 + "…"), context(SHORTENED)]


def test_a_fields_section_keeps_its_leading_fields_that_fit() -> None:
    texts = tuple(Text(c * 3000) for c in "abc")
    items = tuple((str(i), "v" * 500) for i in range(10))  # "*0*\n" + 500: 504 each
    message = render_message(Reply((Header("H"), *texts, Fields(items))))
    # 12,000 - 2 - 9000 - 42 = 2956 left: five fields (2520), not six (3024).
    assert message.blocks[-2] == {
        "type": "section",
        "fields": [mrkdwn(f"*{i}*\n" + "v" * 500) for i in range(5)],
    }
    assert message.blocks[-1] == context(SHORTENED)


def test_a_row_of_buttons_keeps_its_leading_buttons_that_fit() -> None:
    texts = tuple(Text(c * 3000) for c in "abc")
    buttons = Buttons(tuple(Button("b" * 70, "go", str(i)) for i in range(25)))
    reply = Reply((Header("H"), *texts, Text("d" * 2500), buttons))
    message = render_message(reply)
    # 12,000 - 2 - 11,500 - 42 = 456 left: six labels of 70 (420), not seven (490).
    assert message.blocks[-2]["elements"] == [
        {"type": "button", "text": plain("b" * 70), "action_id": f"cb.go.{i}", "value": str(i)}
        for i in range(6)
    ]
    assert message.blocks[-1] == context(SHORTENED)


def test_a_table_block_gives_up_rows_for_what_follows_it() -> None:
    columns = (Column("a"), Column("b"), Column("c"))
    rows = tuple(("x" * 60, "y" * 60, "z" * 60) for _ in range(99))
    message = render_message(Reply((Header("H"), Table(columns, rows), Context("after"))))
    # 12,000 - 2 - 5 ("after") = 11,993 for the table: 3 labels + 180 a row + the 22-character
    # note: 66 rows (11,905), not 67 (12,085).
    assert kinds(message) == ["header", "table", "context", "context"]
    assert len(message.blocks[1]["rows"]) == 67
    assert message.blocks[2:] == [context("Showing 66 of 99 rows."), context("after")]


def test_a_code_block_table_gives_up_rows_for_what_follows_it() -> None:
    columns = (Column("a"), Column("b"), Column("c"))
    rows = tuple(("x" * 60, "y" * 60, "z" * 60) for _ in range(99))
    reply = Reply((Header("H"), Table(columns, rows), Context("after")))
    message = render_message(reply, tables=False)
    # Label line 125, rule 184, rows 184: a section of k rows is 8 + 125 + 184 + 2 + 185 k, so
    # 14 rows a section (2908). 11,993 - 22 (note) holds 4 full sections (56 rows: 11,632), not
    # 57 rows in 5 sections (12,135).
    code = [block["text"]["text"] for block in message.blocks if block["type"] == "section"]
    assert [len(text) for text in code] == [318 + 185 * 14] * 4
    assert all(text.count("\n") == 17 for text in code)
    assert message.blocks[-2:] == [context("Showing 56 of 99 rows."), context("after")]


def test_a_table_note_counts_the_tables_total() -> None:
    rows = tuple((str(i),) for i in range(120))
    message = render_message(Reply((Table((Column("n"),), rows, total=500),)))
    assert message.blocks[-1] == context("Showing 99 of 500 rows.")
    fewer = render_message(Reply((Table((Column("n"),), rows, total=3),)))
    assert fewer.blocks[-1] == context("Showing 99 of 120 rows.")


# The notification text.


@pytest.mark.parametrize(
    ("blocks", "text"),
    [
        ((Context("c"), Text("\n  \n second <line>\nthird")), "second &lt;line&gt;"),
        ((Header(""), Text("x")), "x"),
        ((Header(" "), Header("T")), "T"),
        ((Text("a" * 3001),), "a" * 2999 + "…"),
        ((Context("only"),), "creatorbot"),
    ],
)
def test_fallback_text(blocks: tuple[Any, ...], text: str) -> None:
    assert render_message(Reply(blocks)).text == text


# The code-block twin of a message with a table block gets the same images, files and labels.


def test_the_code_block_twin_keeps_images_files_and_labels() -> None:
    rows = tuple(("x" * 60,) for _ in range(99))
    reply = Reply(
        (
            Header("H"),
            Image(b"", "T", "A"),
            File("a.csv", b""),
            Table((Column("n"),), rows, total=500),
            Text("y" * 3000),
            Text("z" * 3000),
        )
    )
    message = render_message(
        reply,
        images={1: "F1"},
        files={2: "https://s/a.csv"},
        more_label=lambda shown, total: f"{shown}/{total}",
    )
    assert kinds(message) == ["header", "image", "context", "table", "section", "section"]
    assert message.plain is not None
    image = {"type": "image", "slack_file": {"id": "F1"}, "alt_text": "A", "title": plain("T")}
    assert message.plain.blocks[:3] == [header("H"), image, context("📎 <https://s/a.csv|a.csv>")]
    # 12,000 - 1 - 1 - 2 - 25 - 6000 = 5971 for the code blocks: 48 rows of 61 a section under
    # 70 of fences, label and rule; 95 rows (5935) and the note "95/500" fit, 96 do not.
    assert message.plain.blocks[3:] == [
        section("```\nn\n" + "─" * 60 + "\n" + "\n".join(["x" * 60] * 48) + "\n```"),
        section("```\nn\n" + "─" * 60 + "\n" + "\n".join(["x" * 60] * 47) + "\n```"),
        context("95/500"),
        section("y" * 3000),
        section("z" * 3000),
    ]


def test_the_code_block_twin_is_shortened_with_the_same_label() -> None:
    reply = Reply((Table((Column("n"),), (("1",),)), *(Context(str(i)) for i in range(51))))
    message = render_message(reply, shortened_label="Cut")
    assert message.blocks[-1] == context("Cut")
    assert message.plain is not None
    assert message.plain.blocks[-1] == context("Cut")


def test_a_late_first_header_is_kept_when_the_answer_is_shortened() -> None:
    message = render_message(Reply((*(Context(str(i)) for i in range(60)), Header("Late"))))
    # 50 blocks less the notice and the header leave 48 contexts.
    assert message.blocks == [
        *(context(str(i)) for i in range(48)),
        header("Late"),
        context(SHORTENED),
    ]


@pytest.mark.parametrize("tables", [True, False])
def test_a_table_with_no_room_for_a_row_is_dropped(tables: bool) -> None:
    texts = (*(Text(c * 3000) for c in "abc"), Text("d" * 2990))
    table = Table((Column("n"),), tuple(("x" * 60,) for _ in range(5)))
    message = render_message(Reply((Header("H"), *texts, table)), tables=tables)
    # 8 characters are left for the table on the first try; with the notice, the last
    # paragraph is cut to 12,000 - 2 - 9000 - 42 = 2956.
    assert message.blocks == [
        header("H"),
        *(section(c * 3000) for c in "abc"),
        section("d" * 2955 + "…"),
        context(SHORTENED),
    ]


def test_a_code_block_section_is_filled_to_exactly_3000_characters() -> None:
    # Label "n", rule "──", rows "xx": 8 of fences + 1 + 1 + 2 = 12, then 3 a row: 996 rows
    # make 3000.
    table = Table((Column("n"),), tuple(("xx",) for _ in range(997)))
    message = render_message(Reply((table,)), tables=False)
    texts = [block["text"]["text"] for block in message.blocks]
    assert texts == [
        "```\nn\n──\n" + "\n".join(["xx"] * 996) + "\n```",
        "```\nn\n──\nxx\n```",
    ]
    assert len(texts[0]) == 3000


def test_fields_that_fill_the_room_exactly_are_kept() -> None:
    texts = tuple(Text(c * 3000) for c in "abc")
    items = (("0", "v" * 1474), ("1", "v" * 1474), ("2", "v" * 100))
    message = render_message(Reply((Header("H"), *texts, Fields(items))))
    # 12,000 - 2 - 9000 - 42 = 2956 left: exactly the first two fields ("*0*\n" + 1474 each).
    assert message.blocks[-2:] == [
        {"type": "section", "fields": [mrkdwn(f"*{i}*\n" + "v" * 1474) for i in range(2)]},
        context(SHORTENED),
    ]


@pytest.mark.parametrize(
    ("tables", "after"),
    [
        # Code block: 70 of fences, label and rule, then 61 a row; 4 rows and the 20-character
        # note (334) fit in 11,998 - 11,648 = 350, all 5 (375) do not.
        (False, 11_648),
        # Table block: 1 label, then 60 a row; 4 rows and the note (261) fit in 280, 5 (301) not.
        (True, 11_718),
    ],
)
def test_a_table_can_give_up_just_its_last_row(tables: bool, after: int) -> None:
    table = Table((Column("n"),), tuple(("x" * 60,) for _ in range(5)))
    message = render_message(Reply((Header("H"), table, Text("y" * after))), tables=tables)
    notes = [block for block in message.blocks if block["type"] == "context"]
    assert notes == [context("Showing 4 of 5 rows.")]
    assert message.blocks[-1] == section("y" * (after - 9000))


@pytest.mark.parametrize(
    ("tables", "after"),
    [
        # Table block: one row and its note take 1 + 60 + 20 = 81 of the 100 left beside the
        # text (11,998 - 11,898), two rows (141) would not.
        (True, 11_898),
        # Code block: 70 + 61 + 20 = 151 of 180 (11,998 - 11,818); two rows (212) would not.
        (False, 11_818),
    ],
)
def test_a_table_shrinks_to_one_row_to_leave_the_rest_whole(tables: bool, after: int) -> None:
    table = Table((Column("n"),), tuple(("x" * 60,) for _ in range(5)))
    message = render_message(Reply((Header("H"), table, Text("y" * after))), tables=tables)
    notes = [block for block in message.blocks if block["type"] == "context"]
    assert notes == [context("Showing 1 of 5 rows.")]
    assert message.blocks[-1] == section("y" * (after - 9000))


def test_the_last_free_block_takes_a_cut_paragraph() -> None:
    contexts = tuple(Context(str(i)) for i in range(44))  # 10 + 34 × 2 = 78 characters
    texts = tuple(Text(c * 3000) for c in "abcd")
    message = render_message(Reply((Header("H"), *contexts, *texts)))
    # 50 blocks: header, 44 contexts, 3 paragraphs, the 4th cut to 12,000 - 2 - 78 - 9000 - 42
    # = 2878 characters, and the notice.
    assert message.blocks == [
        header("H"),
        *(context(str(i)) for i in range(44)),
        *(section(c * 3000) for c in "abc"),
        section("d" * 2877 + "…"),
        context(SHORTENED),
    ]


def test_buttons_all_dropped_leave_no_actions_block() -> None:
    message = render_message(Reply((Header("H"), Buttons((Button("x", ""),)))))
    assert message.blocks == [header("H")]


def test_a_table_takes_the_room_left_exactly_by_what_follows() -> None:
    table = Table((Column("n"),), tuple(("x" * 60,) for _ in range(5)))
    # 11,998 - 11,917 = 81 beside the text: exactly one row and its note (1 + 60 + 20).
    message = render_message(Reply((Header("H"), table, Text("y" * 11_917))))
    assert message.blocks[1]["rows"] == [[raw("n")], [raw("x" * 60)]]
    assert message.blocks[2] == context("Showing 1 of 5 rows.")
    assert message.blocks[-1] == section("y" * 2917)


def test_a_table_takes_the_blocks_left_exactly_by_what_follows() -> None:
    table = Table((Column("n"),), tuple(("x" * 60,) for _ in range(20)))
    contexts = tuple(Context(f"{i:02d}" + "c" * 228) for i in range(48))  # 230 each
    message = render_message(Reply((table, *contexts)))
    # 48 contexts leave 2 blocks and 12,000 - 10 - 11,040 = 950 characters: the table and its
    # note, 15 rows (1 + 900 + 22 = 923), not 16 (983).
    assert kinds(message) == ["table", "context", *["context"] * 48]
    assert len(message.blocks[0]["rows"]) == 16
    assert message.blocks[1] == context("Showing 15 of 20 rows.")
    assert message.blocks[-1] == context("47" + "c" * 228)


def test_an_unknown_block_is_refused() -> None:
    with pytest.raises(TypeError, match="unknown block"):
        render_message(Reply((object(),)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "last",
    [
        Header("y" * 100),  # a later header is never cut: it is dropped
        Fields((("a", "v" * 100),)),  # no field fits
        Buttons((Button("b" * 60, "go"), Button("c" * 60, "go"))),  # no button fits
        Image(b"", "t" * 100, "a" * 100),
    ],
)
def test_a_block_that_cannot_be_cut_down_to_the_room_is_dropped(last: Any) -> None:
    texts = (*(Text(c * 3000) for c in "abc"), Text("d" * 2900))
    message = render_message(Reply((Header("H"), *texts, last)), images={5: "F1"})
    # 98 characters are left at first, 12,000 - 2 - 11,900 - 42 = 56 with the notice: not
    # enough for any of them.
    assert message.blocks == [
        header("H"),
        *(section(c * 3000) for c in "abc"),
        section("d" * 2900),
        context(SHORTENED),
    ]


def test_a_code_block_section_stops_at_3000_characters_not_one_more() -> None:
    # One column of 5 characters: a section is "```\n" (4), the label and the rule (5 + 1
    # each), n rows of 5 + 1, and "```" after the last line end (3): 4 + 12 + 6n + 3 = 19 + 6n.
    # 496 rows make 2995; a 497th would make 3001, one over: it opens the next section, which
    # repeats the head: 4 + 12 + 6 + 3 = 25.
    table = Table((Column("nnnnn"),), tuple((f"{i:05d}",) for i in range(497)))
    message = render_message(Reply((table,)), tables=False)
    texts = [block["text"]["text"] for block in message.blocks]
    assert [len(text) for text in texts] == [2995, 25]
    assert texts[0].split("\n")[-2] == "00495"
    assert texts[1] == "```\nnnnnn\n─────\n00496\n```"


def test_a_table_before_a_late_first_header_leaves_it_its_room_once() -> None:
    # The first header is kept (reserved) wherever it comes, and is the notification text: 100
    # + 100 characters. A table before it takes what is left of the 12,000: sections of
    # 19 + 6n characters (one column of 5, see above), three full ones of 496 rows (2995 each)
    # and one of 461 (2785), 11,770, and the note "Showing 1949 of 3000 rows." (26): 11,996
    # in all. A 1950th row would add 6 and pass the 12,000.
    table = Table((Column("nnnnn"),), tuple((f"{i:05d}",) for i in range(3000)))
    message = render_message(Reply((table, Header("H" * 100))), tables=False)
    assert kinds(message) == ["section"] * 4 + ["context", "header"]
    sections = [block["text"]["text"] for block in message.blocks[:4]]
    assert [len(text) for text in sections] == [2995, 2995, 2995, 2785]
    assert message.blocks[4]["elements"][0]["text"] == "Showing 1949 of 3000 rows."
    assert message.text == "H" * 100
