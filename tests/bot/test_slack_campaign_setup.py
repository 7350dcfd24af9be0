"""Slack end to end: a lead sets a campaign up in the modal, enrols creators by a filter through
the preview's button, sees it in `campaign list`, `campaign` and the campaign's leaderboard, and
edits it (audited); a viewer is refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from creatorbot.storage import writer
from creatorbot.storage.grants import grant
from creatorbot.storage.models import AuditEntry, Campaign, Role
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import END, NOW
from tests.fakes.slack_requests import block_action, slash_command, view_submission

TODAY = END + dt.timedelta(days=1)  # NOW is 09:30 on 24 Nov in Kuala Lumpur
CHOICES = ("kind", "metric")


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        yield running


def all_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def answer(bot: SlackBot, text: str, name: str, user: str = "U1") -> dict[str, Any]:
    """`/creatorbot text`: the one answer the user gets."""
    url = bot.fake.response_url(name)
    bot.send(slash_command("/creatorbot", text, response_url=url, user_id=user))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1)
    return bot.fake.responses(url)[0]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def state(values: dict[str, str]) -> dict[str, Any]:
    """A modal's submitted state: choices as selects, the rest as text inputs."""
    return {
        name: {
            name: {"type": "static_select", "selected_option": {"value": value}}
            if name in CHOICES
            else {"type": "plain_text_input", "value": value}
        }
        for name, value in values.items()
    }


def prefilled(view: dict[str, Any]) -> dict[str, str]:
    """What a modal submits untouched: each field's initial value."""
    found = {}
    for block in view["blocks"]:
        element = block["element"]
        initial = element.get("initial_option", {}).get("value") or element.get("initial_value")
        found[block["block_id"]] = initial or ""
    return found


def open_modal(bot: SlackBot, message: dict[str, Any]) -> dict[str, Any]:
    (button,) = [b for b in buttons(message) if b["action_id"].startswith("cb.form")]
    before = len(bot.fake.views())
    bot.send(block_action(button["action_id"], button["value"]))
    bot.fake.wait_for(lambda: len(bot.fake.views()) == before + 1)
    return bot.fake.views()[-1]["view"]


def submit(bot: SlackBot, view: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    status, body, _ = bot.send(
        view_submission(
            view["callback_id"], state(values), private_metadata=view["private_metadata"]
        )
    )
    assert status == 200
    return json.loads(body)


NEW = {
    "kind": "incentive",
    "name": "Payday Live Sprint",
    "slug": "",
    "market": "MY",
    "starts_on": TODAY.isoformat(),
    "ends_on": (TODAY + dt.timedelta(days=9)).isoformat(),
    "metric": "gmv",
    "gmv_target": "2,500",
    "creator_target": "2",
    "reward_tiers": "100:10; 500:40",
    "reward_bands": "",
    "budget_cap": "100",
    "remind_days": "2",
}
SLUG = "my-payday-live-sprint-2026"


def test_a_campaign_set_up_in_slack_round_trips(bot: SlackBot) -> None:
    view = open_modal(bot, answer(bot, "campaign new", "new"))
    assert view["callback_id"] == "cb.form.campaign-new"
    assert len(view["title"]["text"]) <= 24
    refused = submit(bot, view, {**NEW, "ends_on": "2026-11-01"})
    assert refused["response_action"] == "errors"
    assert "before the first day" in refused["errors"]["ends_on"]
    saved = submit(bot, view, NEW)
    assert saved["response_action"] == "update"
    assert SLUG in all_text(saved["view"]["blocks"])

    preview = answer(bot, f"campaign enroll {SLUG} category:beauty top 5", "preview")
    assert "@amir" in all_text(preview["blocks"]) and "@bella" in all_text(preview["blocks"])
    (confirm,) = [b for b in buttons(preview) if "confirm" in b.get("value", "")]
    url = bot.fake.response_url("confirm")
    bot.send(block_action(confirm["action_id"], confirm["value"], response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1)
    assert "Enrolled 2 creators" in all_text(bot.fake.responses(url)[0]["blocks"])

    with bot.app.sessions.begin() as session:
        sales = [
            {"date": TODAY, "market": "MY", "handle": h, "gmv": g, "orders": 1, "items_sold": 1,
             "live_gmv": 0, "video_gmv": g, "live_sessions": 0, "live_minutes": 0,
             "video_posts": 1, "video_views": 1, "new_followers": 0}
            for h, g in (("amir", 60_000), ("bella", 20_000))
        ]  # fmt: skip
        writer.write_daily_metrics(pd.DataFrame(sales), session=session)
    assert SLUG in all_text(answer(bot, "campaign list MY", "list")["blocks"])
    status = all_text(answer(bot, f"campaign {SLUG}", "status")["blocks"])
    assert "RM800.00" in status and "2 / 2" in status
    board = all_text(answer(bot, f"leaderboard campaign:{SLUG}", "board")["blocks"])
    assert board.index("amir") < board.index("bella")

    edit = open_modal(bot, answer(bot, f"campaign edit {SLUG}", "edit"))
    assert edit["callback_id"] == "cb.form.campaign-edit"
    current = prefilled(edit)
    assert current["gmv_target"] == "2500"
    changed = submit(bot, edit, {**current, "gmv_target": "3000", "reward_tiers": "100:20"})
    assert changed["response_action"] == "errors"  # tiers can't change once it runs
    assert submit(bot, edit, {**current, "gmv_target": "3000"})["response_action"] == "update"
    with bot.app.sessions() as session:
        target = session.scalar(select(Campaign.gmv_target).where(Campaign.slug == SLUG))
        logged = list(
            session.scalars(select(AuditEntry.arguments).where(AuditEntry.command == "campaign"))
        )
    assert target == 300_000
    assert f"edit {SLUG}: gmv_target 250000 → 300000" in logged


def test_a_viewer_is_refused_in_slack(bot: SlackBot) -> None:
    with bot.app.sessions.begin() as session:
        grant("slack", "U_VIEW", Role.VIEWER, ["MY"], by="setup", now=NOW, session=session)
    refused = all_text(answer(bot, "campaign new", "viewer", user="U_VIEW")["blocks"])
    assert "can't do that" in refused
    status, body, _ = bot.send(
        view_submission("cb.form.campaign-new", state(NEW), user_id="U_VIEW",
                        private_metadata=json.dumps({"locale": "en"}))
    )  # fmt: skip
    assert json.loads(body)["response_action"] == "errors"
    with bot.app.sessions() as session:
        assert session.scalars(select(Campaign)).first() is None
