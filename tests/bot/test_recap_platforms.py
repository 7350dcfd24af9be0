"""`campaign recap` on fake Slack and fake Lark: the recap as a channel reads it, and the payout
file sent to the asker's own chat only (it says what each creator is paid)."""

from __future__ import annotations

import csv
import html
import io
import json
import time
from pathlib import Path

from tests.bot.lark_harness import running_lark_bot
from tests.bot.slack_harness import running_bot
from tests.commands import recap_world
from tests.fakes import lark_events as le
from tests.fakes.slack_requests import slash_command

GROUP = "oc_recap_group"


def payees(content: bytes) -> set[str]:
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return {row["handle"] for row in rows}


def test_slack_shows_the_recap_and_sends_the_payout_file_to_the_askers_dm(tmp_path: Path) -> None:
    with running_bot(tmp_path) as bot:
        recap_world.build(bot.app.sessions)
        url = bot.fake.response_url("recap")
        body = slash_command(
            "/campaign", "recap payday", user_id="U1", channel_id="C1", response_url=url
        )
        assert bot.send(body)[0] == 200
        bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1, timeout=30)
        seen = json.dumps(bot.fake.responses(url), ensure_ascii=False)
        assert "Recap · Payday · MY" in seen and "What it was worth" in seen
        assert "campaign recap payday export csv" in seen  # the payout file's button

        url = bot.fake.response_url("file")
        body = slash_command(
            "/campaign", "recap payday export", user_id="U1", channel_id="C1", response_url=url
        )
        assert bot.send(body)[0] == 200
        name = "payouts-payday.csv"
        bot.fake.wait_for(lambda: any(u["filename"] == name for u in bot.fake.uploads()), 30)
        (upload,) = [u for u in bot.fake.uploads() if u["filename"] == name]
        assert upload["shared"] == [bot.fake.dm("U1")]
        assert payees(bytes(upload["content"])) <= set(recap_world.ENROLLED)


def test_lark_shows_the_recap_and_sends_the_payout_file_to_the_askers_chat(
    tmp_path: Path,
) -> None:
    with running_lark_bot(tmp_path) as bot:
        recap_world.build(bot.app.sessions)
        ask = le.message_event("@_user_1 campaign recap race", GROUP, mentions=[le.BOT_OPEN_ID])
        assert bot.deliver(ask)[0] == 200
        bot.fake.wait_for(lambda: len(bot.cards(GROUP)) >= 1, 30)
        seen = html.unescape(json.dumps(bot.cards(GROUP), ensure_ascii=False))
        assert "Recap · Race · MY" in seen and "Final ranking by GMV" in seen

        ask = le.message_event(
            "@_user_1 campaign recap race export xlsx",
            GROUP,
            mentions=[le.BOT_OPEN_ID],
            open_id="ou_farah",
        )
        assert bot.deliver(ask)[0] == 200
        name = "payouts-race.xlsx"
        bot.fake.wait_for(lambda: any(f["file_name"] == name for f in bot.fake.file_messages()), 30)
        time.sleep(0.2)
        assert bot.fake.file_messages(GROUP) == []
        (sent,) = [f for f in bot.fake.file_messages() if f["file_name"] == name]
        assert sent["chat_id"] == bot.fake.dm("ou_farah")
