"""Tables on Slack end to end: Slack's table block within its limits, the code block when a
workspace refuses it (or the setting says so), and a long list as its top rows plus a CSV of
every row, checked against the rows recomputed here from the data written."""

from __future__ import annotations

import csv
import io
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from creatorbot.bot.app import App
from creatorbot.bot.long_lists import TOP_ROWS
from creatorbot.storage import writer
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import END, NOW, job_runner, subscribe_channels
from tests.fakes.slack_api import RESPONSE_URL
from tests.fakes.slack_requests import event, slash_command
from tests.fakes.slack_tables import table_problems

EXTRA = 40  # MY creators beside the world's two: a list longer than TOP_ROWS


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        yield running


def ask(bot: SlackBot, text: str, user: str = "U1") -> dict[str, Any]:
    url = bot.fake.response_url(f"{user}-{time.monotonic_ns()}")
    body = slash_command("/creatorbot", text, user_id=user, response_url=url)
    assert bot.send(body)[0] == 200
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1, timeout=15)
    bot.settle()  # a second answer would have been sent by now
    (answer,) = bot.fake.responses(url)
    return answer


def tables(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in answer["blocks"] if block["type"] == "table"]


def rows_of(table: dict[str, Any]) -> list[list[str]]:
    return [[cell["text"] for cell in row] for row in table["rows"]]


def code_blocks(answer: dict[str, Any]) -> list[str]:
    return [
        b["text"]["text"]
        for b in answer["blocks"]
        if b["type"] == "section" and b.get("text", {}).get("text", "").startswith("```")
    ]


def more_creators(app: App) -> dict[str, int]:
    """EXTRA MY creators with a week of GMV each (minor units, seeded); handle → daily GMV."""
    rng = random.Random(18)
    daily = {f"maker{n:02d}": rng.randrange(1_000, 90_000) for n in range(EXTRA)}
    daily["maker07"] = daily["maker03"]  # a tie, ranked by handle
    creators = pd.DataFrame(
        [
            {
                "market": "MY",
                "handle": handle,
                "display_name": f"Maker {handle[-2:]}",
                "tier": "silver",
                "category": "beauty",
                "followers": 5,
                "cm": None,
                "am": None,
                "joined_on": None,
            }
            for handle in daily
        ]
    )
    metrics = pd.DataFrame(
        [
            {
                "date": END - pd.Timedelta(days=offset),
                "market": "MY",
                "handle": handle,
                "gmv": gmv,
                "orders": 1,
                "items_sold": 1,
                "live_gmv": gmv,
                "video_gmv": 0,
                "live_sessions": 1,
                "live_minutes": 10,
                "video_posts": 0,
                "video_views": 0,
                "new_followers": 0,
            }
            for handle, gmv in daily.items()
            for offset in range(7)
        ]
    )
    with app.sessions.begin() as session:
        writer.write_creators(creators, session=session)
        writer.write_daily_metrics(metrics, session=session)
    return daily


def ranking(daily: dict[str, int]) -> tuple[dict[str, int], list[str]]:
    """Independently of the bot: each MY creator's week, and the handles ranked by it (ties by
    handle)."""
    weeks = {handle: 7 * gmv for handle, gmv in daily.items()}
    weeks |= {"amir": 7 * 25_000, "bella": 7 * 12_000}
    ranked = sorted(weeks, key=lambda handle: (-weeks[handle], handle))
    assert len(ranked) == EXTRA + 2 > TOP_ROWS
    return weeks, ranked


def handle_of(cell: str) -> str:
    """The handle in a creator's cell: `Maker 07 (@maker07)` → maker07."""
    return cell.rpartition("(@")[2].rstrip(")")


def test_a_leaderboard_is_a_table_block_within_slacks_limits(bot: SlackBot) -> None:
    answer = ask(bot, "leaderboard gmv 7d MY")
    (table,) = tables(answer)
    assert table_problems(table) == []
    rows = rows_of(table)
    assert rows[0] == ["#", "Creator", "GMV", "Move"]
    # 7 days × RM250.00 and 7 × RM120.00, ranked, the name escaped as any text
    assert rows[1][:3] == ["1", "Amir &lt;!channel&gt; (@amir)", "RM1,750.00"]
    assert rows[2][:3] == ["2", "Bella Tan (@bella)", "RM840.00"]
    assert table["column_settings"][2] == {"align": "right"}
    assert code_blocks(answer) == []


def test_italian_and_malay_tables_carry_their_own_labels(bot: SlackBot) -> None:
    bot.fake.add_user("U3", locale="ms-MY", real_name="Siti")
    italian = rows_of(tables(ask(bot, "classifica gmv 7g IT", user="U2"))[0])
    assert italian[0][1] == "Creator" and italian[1][2] == "699,93 €"  # 7 × 99,99 €
    with bot.app.sessions.begin() as session:
        from creatorbot.storage.grants import grant
        from creatorbot.storage.models import Role
        from tests.bot.world import NOW

        grant("slack", "U3", Role.ADMIN, [None], by="setup", now=NOW, session=session)
    malay = rows_of(tables(ask(bot, "papan gmv 7h MY", user="U3"))[0])
    assert malay[0][1] == "Kreator" and malay[1][2] == "RM1,750.00"


def test_a_workspace_without_table_blocks_gets_the_code_block_and_keeps_it(
    bot: SlackBot,
) -> None:
    bot.fake.table_blocks = False
    first = ask(bot, "leaderboard gmv 7d MY")
    assert tables(first) == []
    (code,) = code_blocks(first)
    assert "RM1,750.00" in code and "Amir &lt;!channel&gt;" in code
    refused = [c for c in bot.fake.calls(RESPONSE_URL) if c.failed]
    assert [c.status for c in refused] == [400]  # refused once, then sent as a code block
    second = ask(bot, "leaderboard orders 7d MY")
    assert tables(second) == [] and code_blocks(second)
    assert len([c for c in bot.fake.calls(RESPONSE_URL) if c.failed]) == 1  # learnt


def test_the_setting_forces_the_code_block(tmp_path: Path) -> None:
    with running_bot(tmp_path, SLACK_TABLE_BLOCKS=False) as bot:
        answer = ask(bot, "leaderboard gmv 7d MY")
        assert tables(answer) == [] and code_blocks(answer)
        assert not [c for c in bot.fake.calls(RESPONSE_URL) if c.failed]


def test_a_long_list_shows_its_top_rows_and_attaches_every_row(bot: SlackBot) -> None:
    daily = more_creators(bot.app)
    answer = ask(bot, "leaderboard gmv 7d MY top 50")

    weeks, ranked = ranking(daily)

    (table,) = tables(answer)
    assert table_problems(table) == []
    rows = rows_of(table)[1:]
    assert len(rows) == TOP_ROWS
    assert [handle_of(row[1]) for row in rows] == ranked[:TOP_ROWS]
    notes = " ".join(b["elements"][0]["text"] for b in answer["blocks"] if b["type"] == "context")
    count = EXTRA + 2
    assert f"The top {TOP_ROWS} of {count} rows; the attached file has all {count}." in notes
    assert "The file is in your chat with creatorbot." in notes

    (upload,) = [u for u in bot.fake.uploads() if u["filename"].endswith(".csv")]
    assert upload["shared"] == [bot.fake.dm("U1")]  # to the asker only
    assert upload["filename"] == "gmv-leaderboard-my-last-7-days.csv"
    lines = list(csv.reader(io.StringIO(upload["content"].decode("utf-8-sig"))))
    assert lines[0] == ["#", "Creator", "GMV", "Move"]
    body = lines[1:]
    assert [handle_of(row[1]) for row in body] == ranked
    assert [row[2] for row in body] == [f"RM{weeks[h] / 100:,.2f}" for h in ranked]
    assert [row[0] for row in body] == [str(place) for place in range(1, count + 1)]


def test_a_channel_answer_refused_for_its_table_is_posted_once_as_a_code_block(
    bot: SlackBot,
) -> None:
    bot.fake.table_blocks = False
    mention = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> leaderboard gmv 7d MY",
        "channel": "C7",
        "ts": "1700000000.000007",
        "team": "T1",
    }
    assert bot.send(event(mention, event_id="Ev-tables"))[0] == 200
    bot.fake.wait_for(lambda: len(bot.fake.posts("C7")) >= 1, 15)
    bot.settle()
    (post,) = bot.fake.posts("C7")
    assert tables(post) == [] and "RM1,750.00" in code_blocks(post)[0]
    refused = [c for c in bot.fake.calls("chat.postMessage") if c.failed]
    assert [c.response["error"] for c in refused] == ["invalid_blocks"]
    assert len(bot.fake.shown("C7")) == 1  # one answer in the channel


def test_a_scheduled_post_carries_a_table_block(bot: SlackBot) -> None:
    subscribe_channels(bot.app, "slack", "T1", ("C9",))
    job_runner(bot.app, {"slack": bot.running.platforms["slack"].poster()}).tick(NOW)
    (post,) = bot.fake.posts("C9")
    (table,) = tables(post)
    assert table_problems(table) == []
    assert any("Bella Tan (@bella)" in row[1] for row in rows_of(table))


@pytest.mark.parametrize(
    ("status", "body", "again"),
    [
        (400, "invalid_blocks", True),
        (400, '{"ok": false, "error": "invalid_blocks"}', True),
        (400, "no_text", False),
        (500, "invalid_blocks", False),
        (200, "ok", False),
    ],
)
def test_a_response_url_refusal_of_the_table_sends_the_code_block(
    status: int, body: str, again: bool
) -> None:
    from slack_sdk.webhook import WebhookResponse

    from creatorbot.bot.slack.blocks import render_message
    from creatorbot.bot.slack.deliver import TableBlocks, answered
    from creatorbot.commands.reply import Column, Reply, Table

    sent: list[list[dict[str, Any]]] = []

    def respond(**message: Any) -> WebhookResponse:
        sent.append(message["blocks"])
        first = len(sent) == 1
        answer = (status, body) if first else (200, "ok")
        return WebhookResponse(url="u", status_code=answer[0], body=answer[1], headers={})

    message = render_message(Reply((Table((Column("Creator"),), (("amir",),)),)))
    switch = TableBlocks()
    answered(respond, message, switch, response_type="ephemeral")
    assert message.plain is not None
    assert sent == ([message.blocks, message.plain.blocks] if again else [message.blocks])
    assert switch.enabled is not again
