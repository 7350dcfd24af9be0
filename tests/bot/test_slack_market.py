"""A command with no market, on the fake Slack, for someone who sees several: the market of
the creators they own answers it; with none, they are asked, with a button per market."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.slack_harness import SlackBot, running_bot
from tests.fakes.slack_requests import slash_command


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        yield running


def answer(bot: SlackBot, user: str, text: str) -> str:
    url = bot.fake.response_url(f"lb-{user}")
    bot.send(slash_command("/leaderboard", text, user_id=user, response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) == 1)
    return json.dumps(bot.fake.responses(url)[0]["blocks"], ensure_ascii=False)


def test_the_market_of_the_users_own_creators_answers_without_asking(bot: SlackBot) -> None:
    # U1 (Farah) sees every market and owns amir and bella, both of MY
    shown = answer(bot, "U1", "gmv 7d")
    assert "Which market?" not in shown and "@amir" in shown and "@giulia" not in shown


def test_with_no_creators_of_their_own_the_user_picks_a_market_with_a_button(
    bot: SlackBot,
) -> None:
    shown = answer(bot, "U0LEAD", "gmv 7d")  # every market, no creators of their own
    assert "Which market?" in shown
    assert '"value": "leaderboard gmv 7d IT"' in shown
    assert '"value": "leaderboard gmv 7d MY"' in shown
