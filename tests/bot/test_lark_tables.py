"""Tables on Lark end to end: the card's table component, as the fake Lark judges it, and a long
list as its top rows plus a CSV of every row sent to the asker's own chat with the bot."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from creatorbot.bot.long_lists import TOP_ROWS
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.bot.test_slack_tables import EXTRA, handle_of, more_creators, ranking
from tests.fakes import lark_events as le
from tests.fakes.lark_tables import card_table_problems

GROUP = "oc_group"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path) as running:
        yield running


def ask_in_group(bot: LarkBot, words: str) -> dict[str, Any]:
    event = le.message_event(f"@_user_1 {words}", GROUP, mentions=[le.BOT_OPEN_ID])
    assert bot.deliver(event)[0] == 200
    (card,) = bot.cards(GROUP)
    assert card_table_problems(card) == []
    return card


def the_table(card: dict[str, Any]) -> list[list[str]]:
    """The card's one table component: its labels, then each row's cells, as a user reads them."""
    (table,) = [e for e in card["body"]["elements"] if e["tag"] == "table"]
    names = [column["name"] for column in table["columns"]]
    rows = [[html.unescape(row[name]) for name in names] for row in table["rows"]]
    return [[column["display_name"] for column in table["columns"]], *rows]


def test_a_leaderboard_is_a_table_component(bot: LarkBot) -> None:
    rows = the_table(ask_in_group(bot, "leaderboard gmv 7d MY"))
    assert rows[0] == ["#", "Creator", "GMV", "Move"]
    assert rows[1][:3] == ["1", "Amir <!channel> (@amir)", "RM1,750.00"]
    assert rows[2][:3] == ["2", "Bella Tan (@bella)", "RM840.00"]


def test_a_long_list_shows_its_top_rows_and_sends_every_row(bot: LarkBot) -> None:
    weeks, ranked = ranking(more_creators(bot.app))
    rows = the_table(ask_in_group(bot, "leaderboard gmv 7d MY top 50"))[1:]
    assert [handle_of(row[1]) for row in rows] == ranked[:TOP_ROWS]

    bot.fake.wait_for(lambda: bool(bot.fake.file_messages()), 15)
    bot.settle()
    (sent,) = bot.fake.file_messages()
    assert sent["chat_id"] == bot.fake.dm("ou_1")  # the asker's chat, not the group
    lines = list(csv.reader(io.StringIO(bytes(sent["content"]).decode("utf-8-sig"))))
    assert lines[0] == ["#", "Creator", "GMV", "Move"]
    assert [handle_of(row[1]) for row in lines[1:]] == ranked
    assert [row[2] for row in lines[1:]] == [f"RM{weeks[h] / 100:,.2f}" for h in ranked]
    assert len(lines) == EXTRA + 3
