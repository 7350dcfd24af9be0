"""Reply → Lark card JSON 2.0: each block kind, escaping, and Lark's limits for any Reply."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from creatorbot.bot.lark.card import MAX_CARD_BYTES, MAX_ELEMENTS, escape, markdown, render_card
from creatorbot.commands.reply import (
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
from tests.bot.test_slack_blocks import leaderboard, replies
from tests.fakes.lark_tables import card_table_problems

SHORTENED = "Shortened."
KNOWN_TAGS = {"markdown", "column_set", "column", "img", "button", "plain_text", "table"}
ALLOWED_TAGS = re.compile(r"<at id=[A-Za-z0-9_.:-]+></at>|<font color='grey'>|</font>")


def showing(shown: int, total: int) -> str:
    return f"Showing {shown} of {total} rows."


def card_of(reply: Reply, **kwargs: Any) -> dict[str, Any]:
    return render_card(reply, more_label=showing, shortened_label=SHORTENED, **kwargs)


def elements(card: dict[str, Any]) -> list[dict[str, Any]]:
    return card["body"]["elements"]


def tagged(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [found for item in node for found in tagged(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if "tag" in node else []
    return own + [found for value in node.values() for found in tagged(value)]


def check_card(card: dict[str, Any]) -> None:
    """Lark's limits and our escaping, checked from the card alone."""
    assert card["schema"] == "2.0"
    size = len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode())
    assert size <= MAX_CARD_BYTES, size
    found = tagged(elements(card))
    assert len([n for n in found if n["tag"] != "plain_text"]) <= MAX_ELEMENTS
    assert card_table_problems(card) == []
    for node in found:
        assert node["tag"] in KNOWN_TAGS, node["tag"]
        if node["tag"] == "markdown":
            check_inert(node["content"])
        if node["tag"] == "table":
            assert {c["data_type"] for c in node["columns"]} == {"lark_md"}
            for row in node["rows"]:
                assert set(row) == {c["name"] for c in node["columns"]}
                for cell in row.values():
                    check_inert(cell)
        if node["tag"] == "button":
            assert set(node["behaviors"][0]["value"]) == {"action", "value"}


def check_inert(markdown: str) -> None:
    bare = ALLOWED_TAGS.sub("", markdown)
    assert not re.search(r"[<>\[\]()`\\]|://", bare), bare


def table_cells(element: dict[str, Any]) -> list[list[str]]:
    """A table component as rows of cells, its labels first."""
    names = [column["name"] for column in element["columns"]]
    head = [column["display_name"] for column in element["columns"]]
    return [head] + [[row[name] for name in names] for row in element["rows"]]


def notes(card: dict[str, Any]) -> list[str]:
    return [
        e["content"][len("<font color='grey'>") : -len("</font>")]
        for e in elements(card)
        if e.get("text_size") == "notation"
    ]


# Each block kind.


def test_the_first_header_is_the_cards_title() -> None:
    card = card_of(Reply((Header("GMV leaderboard"), Header("Part 2"))))
    assert card["header"] == {"title": {"tag": "plain_text", "content": "GMV leaderboard"}}
    assert elements(card) == [{"tag": "markdown", "content": "**Part 2**"}]


def test_text_keeps_only_bold() -> None:
    card = card_of(Reply((Text("*Top* creator _x_ `y`"),)))
    assert elements(card) == [
        {"tag": "markdown", "content": "**Top** creator &#95;x&#95; &#96;y&#96;"}
    ]


def test_fields_are_two_columns_per_row() -> None:
    items = tuple((f"Label {i}", f"RM{i}.00") for i in range(3))
    rows = elements(card_of(Reply((Fields(items),))))
    assert [len(row["columns"]) for row in rows] == [2, 1]
    assert rows[0]["columns"][0]["elements"] == [
        {"tag": "markdown", "content": "**Label 0**\nRM0.00"}
    ]


def test_a_table_is_a_table_component_aligned_as_its_columns() -> None:
    card = card_of(Reply((leaderboard(2),)))
    check_card(card)
    (element,) = elements(card)
    assert element["tag"] == "table"
    assert table_cells(element) == [
        ["#", "Creator", "GMV"],
        ["1", "creator&#95;000", "RM0.00"],
        ["2", "creator&#95;001", "RM7.00"],
    ]
    aligns = [column["horizontal_align"] for column in element["columns"]]
    assert aligns == ["right", "left", "right"]
    assert (element["page_size"], element["row_height"]) == (2, "auto")


def test_a_long_table_component_pages_and_is_cut_to_fit() -> None:
    card = card_of(Reply((Header("Top creators"), leaderboard(2000), Context("17–23 Nov"))))
    check_card(card)
    element = elements(card)[0]
    shown = len(element["rows"])
    assert 0 < shown < 2000 and element["page_size"] == 10
    assert notes(card) == [f"Showing {shown} of 2000 rows.", "17–23 Nov"]


def test_past_five_table_components_a_table_is_a_line_per_row() -> None:
    card = card_of(Reply(tuple(leaderboard(1) for _ in range(5)) + (leaderboard(2),)))
    check_card(card)
    assert [e["tag"] for e in elements(card)] == ["table"] * 5 + ["markdown"]
    element = elements(card)[-1]
    assert element["content"].split("\n") == [
        "**&#35; · Creator · GMV**",
        "1 · creator&#95;000 · RM0.00",
        "2 · creator&#95;001 · RM7.00",
    ]


def test_a_long_table_of_lines_is_cut_with_a_showing_line() -> None:
    tables = tuple(leaderboard(1) for _ in range(5))
    card = card_of(
        Reply((Header("Top creators"), *tables, leaderboard(2000), Context("17–23 Nov")))
    )
    check_card(card)
    shown = elements(card)[5]["content"].count("\n")
    assert 0 < shown < 2000
    assert notes(card)[-2:] == [f"Showing {shown} of 2000 rows.", "17–23 Nov"]


def test_an_image_uses_its_img_key_or_is_left_out() -> None:
    image = Image(b"png", "Daily GMV", "GMV rose 10%")
    card = card_of(Reply((image, image)), images={0: "img_v3_abc"})
    assert elements(card) == [
        {
            "tag": "img",
            "img_key": "img_v3_abc",
            "alt": {"tag": "plain_text", "content": "GMV rose 10%"},
            "title": {"tag": "plain_text", "content": "Daily GMV"},
        }
    ]


def test_a_file_is_a_note_and_a_context_is_grey_notation() -> None:
    card = card_of(Reply((File("export.csv", b"a,b"), Context("Data as of 23 Nov"))))
    assert elements(card)[1] == {
        "tag": "markdown",
        "content": "<font color='grey'>Data as of 23 Nov</font>",
        "text_size": "notation",
    }
    assert notes(card) == ["📎 export.csv", "Data as of 23 Nov"]


def test_buttons_call_back_with_action_and_value() -> None:
    buttons = Buttons((Button("Next", "page", "2", "primary"), Button("No action", "")))
    (row,) = elements(card_of(Reply((buttons,))))
    (column,) = row["columns"]
    assert column["elements"] == [
        {
            "tag": "button",
            "text": {"tag": "plain_text", "content": "Next"},
            "type": "primary",
            "behaviors": [{"type": "callback", "value": {"action": "page", "value": "2"}}],
        }
    ]


# Escaping.


def test_mentions_and_links_from_data_stay_inert() -> None:
    name = "<at id=all></at> [click](https://evil.example) <font color='red'>x</font>"
    reply = Reply(
        (
            Text(f"*{name}* cc {mention_of('ou_42')}"),
            Fields((("Creator", name),)),
            Table((Column("Creator"),), ((name,),)),
            Context(name),
        )
    )
    card = card_of(reply)
    check_card(card)
    dumped = json.dumps(card, ensure_ascii=False)
    assert "<at id=all>" not in dumped and "](" not in dumped and "https://" not in dumped
    assert elements(card)[0]["content"].endswith(" cc <at id=ou_42></at>")
    assert "&#60;at id=all&#62;" in elements(card)[0]["content"]


def test_many_blocks_are_shortened_with_a_notice() -> None:
    card = card_of(Reply((Header("Digest"), *(Text("x" * 1900) for _ in range(30)))))
    check_card(card)
    assert card["header"]["title"]["content"] == "Digest"
    assert notes(card)[-1] == SHORTENED
    assert elements(card)[-2]["content"].endswith("…")


# Limits, for any Reply.


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same replies every run: CI never fails on a new draw
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(replies())
def test_any_reply_fits_larks_limits(case: tuple[Reply, dict[int, str]]) -> None:
    reply, images = case
    check_card(card_of(reply, images=images))


# Exact cards for small hand-written replies: each expected value is worked out by hand from
# Lark's card JSON 2.0 (markdown, column_set, table, img, button) and our escaping rules.

BASE = {"schema": "2.0", "config": {"update_multi": True}}


def md(content: str) -> dict[str, Any]:
    return {"tag": "markdown", "content": content}


def grey(content: str) -> dict[str, Any]:
    return {
        "tag": "markdown",
        "content": f"<font color='grey'>{content}</font>",
        "text_size": "notation",
    }


def weighted(content: str) -> dict[str, Any]:
    return {"tag": "column", "width": "weighted", "elements": [md(content)], "weight": 1}


def button(label: str, action: str, value: str, style: str = "default") -> dict[str, Any]:
    return {
        "tag": "column",
        "width": "auto",
        "elements": [
            {
                "tag": "button",
                "text": {"tag": "plain_text", "content": label},
                "type": style,
                "behaviors": [{"type": "callback", "value": {"action": action, "value": value}}],
            }
        ],
    }


def column(name: str, label: str, align: str = "left") -> dict[str, Any]:
    return {
        "name": name,
        "display_name": label,
        "data_type": "lark_md",
        "horizontal_align": align,
        "width": "auto",
    }


ESCAPES = [
    ("creator 123 XX", "creator 123 XX"),  # letters (X included) and digits stay
    ("\\", "&#92;"),
    ("`", "&#96;"),
    ("*", "&#42;"),
    ("_", "&#95;"),
    ("~", "&#126;"),
    ("[", "&#91;"),
    ("]", "&#93;"),
    ("(", "&#40;"),
    (")", "&#41;"),
    ("<", "&#60;"),
    (">", "&#62;"),
    ("#", "&#35;"),
    ("|", "&#124;"),
    ("!", "&#33;"),
    (":", "&#58;"),
    ("&", "&#38;"),
    ("$", "&#36;"),
    ("https://x.io", "https&#58;//x.io"),
    ("a\ue000b", "ab"),  # a mention token cut in half leaves no marker behind
    ("b\ue001c", "bc"),
    ("\ue000" + "u" * 65 + "\ue001", "u" * 65),  # too long to be a user id
    (mention_of("ou_1"), "<at id=ou_1></at>"),
    (
        f"hi {mention_of('ou_1')}! {mention_of('ou_2')}",
        "hi <at id=ou_1></at>&#33; <at id=ou_2></at>",
    ),
]


def test_escape_writes_each_markup_character_as_a_reference() -> None:
    for raw, shown in ESCAPES:
        assert escape(raw) == shown, raw


MARKDOWN = [
    ("*Top* creator", "**Top** creator"),
    ("*a* and *b*", "**a** and **b**"),
    ("*x_y*", "**x&#95;y**"),
    ("*a\nb*", "&#42;a\nb&#42;"),  # bold never spans lines
    ("**", "&#42;&#42;"),
    (f"*{mention_of('ou_1')}*", "**<at id=ou_1></at>**"),
]


def test_markdown_turns_only_single_star_bold_into_lark_bold() -> None:
    for raw, shown in MARKDOWN:
        assert markdown(raw) == shown, raw


TITLE = {"tag": "plain_text", "content": "Top"}
CARDS: list[tuple[tuple[Any, ...], dict[str, Any] | None, list[dict[str, Any]]]] = [
    # (blocks, header title or None, body elements)
    ((), None, []),
    ((Header("Top"), Text("hi")), TITLE, [md("hi")]),
    ((Header("Top\n  creators"),), {"tag": "plain_text", "content": "Top creators"}, []),
    ((Header("a" * 150),), {"tag": "plain_text", "content": "a" * 150}, []),
    ((Header("a" * 151),), {"tag": "plain_text", "content": "a" * 149 + "…"}, []),
    (
        (Header(f"*Hi* <b> {mention_of('ou_1')}"),),
        {"tag": "plain_text", "content": "*Hi* <b> @ou_1"},
        [],
    ),
    ((Header("   "), Text("x")), None, [md("x")]),
    ((Header("Top"), Header("#2")), TITLE, [md("**&#35;2**")]),
    ((Header("Top"), Header("b" * 151)), TITLE, [md("**" + "b" * 149 + "…**")]),
    ((Header("Top"), Header(" ")), TITLE, []),
    ((Text("  \n "), Text("a\n\nb")), None, [md("a\n\nb")]),
    ((Text("x" * 2001),), None, [md("x" * 2000), md("x")]),
    ((Text("a" * 1000 + "\n" + "b" * 999),), None, [md("a" * 1000 + "\n" + "b" * 999)]),
    ((Text("a" * 1000 + "\n" + "b" * 1000),), None, [md("a" * 1000), md("b" * 1000)]),
    ((Text(" " * 2000 + "\nyes"),), None, [md("yes")]),
    (
        (Fields((("Label", "v1"), ("", " v2 "), ("L\n 3", "a*b"))),),
        None,
        [
            {
                "tag": "column_set",
                "flex_mode": "none",
                "columns": [weighted("**Label**\nv1"), weighted("v2")],
            },
            {"tag": "column_set", "flex_mode": "none", "columns": [weighted("**L 3**\na&#42;b")]},
        ],
    ),
    (
        (Fields((("c" * 151, "#1"),)),),
        None,
        [
            {
                "tag": "column_set",
                "flex_mode": "none",
                "columns": [weighted("**" + "c" * 149 + "…**\n&#35;1")],
            }
        ],
    ),
    ((Fields(()), Table((), ()), Buttons(()), Context(" ")), None, []),
    (
        (Table((Column("Na*me"), Column("GMV", "right")), (("a_b", "RM1", "extra"), ("c",))),),
        None,
        [
            {
                "tag": "table",
                "page_size": 2,
                "row_height": "auto",
                "columns": [column("c0", "Na*me"), column("c1", "GMV", "right")],
                "rows": [{"c0": "a&#95;b", "c1": "RM1"}, {"c0": "c", "c1": ""}],
            }
        ],
    ),
    (
        (Table((Column("L" * 61),), (("v" * 61,), ("w\n x",)), total=5),),
        None,
        [
            {
                "tag": "table",
                "page_size": 2,
                "row_height": "auto",
                "columns": [column("c0", "L" * 59 + "…")],
                "rows": [{"c0": "v" * 59 + "…"}, {"c0": "w x"}],
            },
            grey("Showing 2 of 5 rows."),
        ],
    ),
    (
        (Table((Column("n"),), tuple((str(i),) for i in range(12)), total=3),),
        None,
        [
            {
                "tag": "table",
                "page_size": 10,
                "row_height": "auto",
                "columns": [column("c0", "n")],
                "rows": [{"c0": str(i)} for i in range(12)],
            }
        ],
    ),
    ((Table((Column("A"), Column("B")), ()),), None, [md("**A · B**")]),
    (
        (Table((Column("A"), Column("B")), (), total=3),),
        None,
        [md("**A · B**"), grey("Showing 0 of 3 rows.")],
    ),
    (
        (File("a_b.csv", b"x"), Context("Data *as of*\n 23 Nov")),
        None,
        [
            grey("📎 a&#95;b.csv"),
            grey("Data &#42;as of&#42; 23 Nov"),
        ],
    ),
    (
        (
            Buttons(
                (
                    Button("Next", "page", "2", "primary"),
                    Button("", "go"),
                    Button("b" * 61, "go", "x", "danger"),
                    Button(f"To {mention_of('ou_1')}", "dm", "ou_1"),
                    Button("Dead", ""),
                )
            ),
        ),
        None,
        [
            {
                "tag": "column_set",
                "flex_mode": "flow",
                "columns": [
                    button("Next", "page", "2", "primary"),
                    button(" ", "go", ""),
                    button("b" * 59 + "…", "go", "x", "danger"),
                    button("To @ou_1", "dm", "ou_1"),
                ],
            }
        ],
    ),
    ((Buttons((Button("Dead", ""),)),), None, []),
    # Blocks with nothing to show are skipped, and what follows them is still shown.
    ((Fields(()), Text("x")), None, [md("x")]),
    ((Table((), (("cell",),)), Text("x")), None, [md("x")]),
    ((Table((), ()), Text("x")), None, [md("x")]),
    ((Buttons(()), Text("x")), None, [md("x")]),
    ((Buttons((Button("Dead", ""),)), Text("x")), None, [md("x")]),
    ((Context(" "), Text("x")), None, [md("x")]),
    ((Image(b"", "No key", ""), Text("x")), None, [md("x")]),
]


def test_small_replies_render_exactly() -> None:
    for blocks, title, body in CARDS:
        card = card_of(Reply(blocks))
        expected: dict[str, Any] = dict(BASE)
        if title is not None:
            expected["header"] = {"title": title}
        expected["body"] = {"elements": body}
        assert card == expected, blocks


def test_images_use_their_own_key_alt_and_title() -> None:
    images = (
        Image(b"", "Daily GMV", ""),  # no alt: the title stands in
        Image(b"", "", f"for {mention_of('ou_1')}"),  # no title: none shown
        Image(b"", "Left out", "no key"),
        Image(b"", "Empty key", "x"),
    )
    card = card_of(Reply(images), images={0: "k0", 1: "k1", 3: ""})
    assert elements(card) == [
        {
            "tag": "img",
            "img_key": "k0",
            "alt": {"tag": "plain_text", "content": "Daily GMV"},
            "title": {"tag": "plain_text", "content": "Daily GMV"},
        },
        {"tag": "img", "img_key": "k1", "alt": {"tag": "plain_text", "content": "for @ou_1"}},
    ]


def test_a_long_text_fills_the_card_to_the_last_byte() -> None:
    # Worked out by hand: the card without elements,
    # {"schema":"2.0","config":{"update_multi":true},"header":{"title":{"tag":"plain_text",
    # "content":"Digest"}},"body":{"elements":[]}}, is 129 bytes; the notice
    # {"tag":"markdown","content":"<font color='grey'>Shortened.</font>","text_size":"notation"}
    # is 90 bytes and a comma. That leaves 28,000 - 129 - 91 = 27,780 bytes. n characters and
    # "…" (3 bytes) in p markdown elements of 2,000 characters cost 32 bytes an element (31 of
    # JSON, a comma) plus n + 3: the most is n = 27,329 (p = 14, exactly 27,780 bytes).
    card = card_of(Reply((Header("Digest"), Text("a" * 30_000))))
    shown = elements(card)
    assert shown[-1] == grey(SHORTENED)
    assert [len(e["content"]) for e in shown[:-1]] == [2000] * 13 + [1330]
    assert "".join(e["content"] for e in shown[:-1]) == "a" * 27_329 + "…"
    assert len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode()) == 27_999


def test_what_follows_a_row_of_buttons_never_lends_it_components() -> None:
    # 100 buttons (1 + 2 * 100 = 201 components) and a row of 5 after them (11): the row is
    # cut within the card's 200 to 99 buttons (199) with the notice, and what follows is left
    # out; the room kept for what follows is subtracted, never added.
    first = Buttons(tuple(Button(f"B{i}", "go", str(i)) for i in range(100)))
    then = Buttons(tuple(Button(f"C{i}", "go", str(i)) for i in range(5)))
    shown = elements(card_of(Reply((first, then))))
    assert len(shown[0]["columns"]) == 99
    assert shown[1:] == [grey(SHORTENED)]


def test_a_card_holds_two_hundred_components() -> None:
    # A row of buttons is one column_set and, per button, a column and a button (the label is
    # a text object, not a component). With the notice, 1 + 2 * 99 + 1 = 200 components.
    buttons = Buttons(tuple(Button(f"B{i}", "go", str(i)) for i in range(100)))
    shown = elements(card_of(Reply((buttons,))))
    assert shown[-1] == grey(SHORTENED)
    assert [c["elements"][0]["text"]["content"] for c in shown[0]["columns"]] == [
        f"B{i}" for i in range(99)
    ]
    whole = Buttons(tuple(Button(f"B{i}", "go", str(i)) for i in range(99)))
    shown = elements(card_of(Reply((whole,))))
    assert len(shown) == 1 and len(shown[0]["columns"]) == 99  # 199 components: no notice


def test_a_table_gives_up_rows_so_that_what_follows_fits_whole() -> None:
    # By hand: the card without elements, {"schema":"2.0","config":{"update_multi":true},
    # "body":{"elements":[]}}, is 70 bytes, leaving 27,930. Each Context note costs 92 bytes
    # with its comma; the table with n rows of 30-character cells and its "Showing n of 2000
    # rows." note cost 40 bytes a row plus 331 (n of three digits): n = 686 with two notes
    # after it, 689 with one.
    rows = tuple((f"v{i:04d}" + "x" * 25,) for i in range(2000))
    table = Table((Column("n"),), rows)
    for after, shown in (
        ((Context("17–23 Nov"), Context("17–23 Nov")), 686),
        ((Context("17–23 Nov"),), 689),
    ):
        card = card_of(Reply((table, *after)))
        element = elements(card)[0]
        assert len(element["rows"]) == shown
        assert element["rows"][-1] == {"c0": f"v{shown - 1:04d}" + "x" * 25}
        assert notes(card) == [f"Showing {shown} of 2000 rows."] + ["17–23 Nov"] * len(after)


def test_a_cut_paragraph_keeps_at_least_forty_characters() -> None:
    # By hand (70 bytes of card, 91 of notice with its comma, 27,839 left): "a" * 27,316 is 14
    # elements of 2,000 characters, 27,764 bytes, leaving 75: one element (32 bytes) of 40
    # characters and "…" (3 bytes). One "a" more leaves room for 39 characters only: too few
    # to be worth showing, so the paragraph is left out.
    cases = (
        (27_316, "b" * 1000, "b" * 40 + "…"),
        (27_317, "b" * 1000, None),
        (27_316, "b" * 39 + " " + "c" * 960, "b" * 39 + "…"),  # no space before the "…"
    )
    for first, second, cut in cases:
        shown = elements(card_of(Reply((Text("a" * first), Text(second)))))
        assert shown[-1] == grey(SHORTENED)
        assert "".join(e["content"] for e in shown[:14]) == "a" * first
        assert [e["content"] for e in shown[14:-1]] == ([cut] if cut else [])


def test_past_five_tables_rows_are_lines_padded_and_cut_like_cells() -> None:
    one = Table((Column("k"),), (("1",),))
    sixth = Table((Column("A"), Column("B*")), (("x",), ("p", "q", "r"), ("c" * 61, "d")), total=4)
    component = {
        "tag": "table",
        "page_size": 1,
        "row_height": "auto",
        "columns": [column("c0", "k")],
        "rows": [{"c0": "1"}],
    }
    assert elements(card_of(Reply((one,) * 5 + (sixth,)))) == [component] * 5 + [
        md("**A · B&#42;**\nx · \np · q\n" + "c" * 59 + "… · d"),
        grey("Showing 3 of 4 rows."),
    ]


def test_after_a_whole_paragraph_the_rest_is_cut_or_left_out() -> None:
    # By hand: a row of n buttons "B0"… (action "go", value "0"…) costs 244 bytes with its
    # comma for one button and 192 more a button. "a" * 27,147 is 14 elements, 27,595 bytes;
    # of the 27,839 bytes left beside the notice, 244 remain: one button of the five. One "a"
    # more and not even one fits. A note of 300 characters (381 bytes) fits in neither.
    buttons = Buttons(tuple(Button(f"B{i}", "go", str(i)) for i in range(5)))
    for first, shown in ((27_147, ["B0"]), (27_148, [])):
        card = card_of(Reply((Text("a" * first), buttons)))
        rest = elements(card)[14:]
        assert "".join(e["content"] for e in elements(card)[:14]) == "a" * first
        assert rest[-1] == grey(SHORTENED)
        assert [
            c["elements"][0]["text"]["content"] for r in rest[:-1] for c in r["columns"]
        ] == shown
    card = card_of(Reply((Text("a" * 27_147), Context("c" * 300))))
    assert elements(card)[14:] == [grey(SHORTENED)]


def test_a_table_of_lines_shows_one_row_when_only_one_fits() -> None:
    # By hand: each one-row table component costs 178 bytes with its comma, leaving
    # 27,930 - 5 * 178 = 27,040. "a" * 26,402 is 14 elements, 26,850 bytes, leaving 190: the
    # heading and first row of 50 characters (88 bytes and a comma) and "Showing 1 of 3 rows."
    # (99 and a comma). Two rows and their note would need 242, all three rows 193. A table
    # says itself that it was cut: no notice.
    rows = tuple((f"r{i}" + "x" * 48,) for i in range(3))
    one = Table((Column("k"),), (("1",),))
    lines = Table((Column("A"),), rows)
    shown = elements(card_of(Reply((one,) * 5 + (Text("a" * 26_402), lines))))
    assert "".join(e["content"] for e in shown[5:19]) == "a" * 26_402
    assert shown[19:] == [md("**A**\n" + rows[0][0]), grey("Showing 1 of 3 rows.")]


def test_a_table_component_shows_one_row_when_only_one_fits() -> None:
    # By hand: "a" * 27,154 is 14 elements, 27,602 bytes, leaving 328 of 27,930: the table
    # with its first row of 50 characters (228 bytes and a comma) and "Showing 1 of 3 rows."
    # (99 and a comma). Two rows and their note would need 388, all three rows 347.
    rows = tuple((f"r{i}" + "x" * 48,) for i in range(3))
    shown = elements(card_of(Reply((Text("a" * 27_154), Table((Column("A"),), rows)))))
    assert "".join(e["content"] for e in shown[:14]) == "a" * 27_154
    assert shown[14:] == [
        {
            "tag": "table",
            "page_size": 1,
            "row_height": "auto",
            "columns": [column("c0", "A")],
            "rows": [{"c0": rows[0][0]}],
        },
        grey("Showing 1 of 3 rows."),
    ]


def test_an_unknown_block_is_refused() -> None:
    with pytest.raises(TypeError, match="unknown block 'odd'"):
        card_of(Reply(("odd",)))  # type: ignore[arg-type]
