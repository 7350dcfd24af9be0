"""The text renderer: what the console and the logs show for a Reply."""

from __future__ import annotations

from creatorbot.bot.render_text import render, width
from creatorbot.commands.reply import (
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


def test_a_table_lines_up_with_accents_and_wide_characters() -> None:
    table = Table(
        (Column("#", "right"), Column("Creator"), Column("GMV", "right")),
        (("1", "Niccolò Bianchi", "€1.234,00"), ("10", "陈美玲", "€9,00")),
    )
    lines = render(Reply((table,))).splitlines()
    assert lines[0] == " #  Creator" + " " * 16 + "GMV"
    assert lines[2] == " 1  Niccolò Bianchi  €1.234,00"
    assert lines[3] == "10  陈美玲               €9,00"
    assert {width(line) for line in lines} == {width(lines[2])}


def test_every_block_kind_renders() -> None:
    reply = Reply(
        (
            Header("GMV leaderboard"),
            Text("*Top* creators"),
            Fields((("Total", "RM10.00"), ("Creators ranked", "3"))),
            Image(b"\x89PNG", "Daily GMV", "GMV rose 10%"),
            Buttons((Button("Next page", "page", "2"),)),
            Context("17–23 Nov 2026"),
        )
    )
    assert render(reply) == "\n\n".join(
        [
            "GMV leaderboard\n═══════════════",
            "Top creators",
            "Total            RM10.00\nCreators ranked  3",
            "[chart: Daily GMV] GMV rose 10%",
            "[ Next page ]",
            "· 17–23 Nov 2026",
        ]
    )


def test_width_counts_combining_marks_as_nothing() -> None:
    assert width("Niccolo\u0300") == 7
    assert width("ＡＢ") == 4
