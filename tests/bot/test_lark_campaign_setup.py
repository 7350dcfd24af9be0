"""Lark end to end: a lead sets a campaign up in the card form, enrols creators by a filter
through the preview's button, sees it in `campaign list`, `campaign` and the campaign's
leaderboard, and edits it (audited); a viewer is refused."""

from __future__ import annotations

import datetime as dt
import html
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
from tests.bot.lark_harness import LarkBot, running_lark_bot
from tests.bot.world import END, NOW
from tests.fakes import lark_events as le

TODAY = END + dt.timedelta(days=1)
LEAD = "ou_farah"  # one of the team: an admin of every market
DM = "oc_dm_farah"
SLUG = "my-live-cup-2026"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[LarkBot]:
    with running_lark_bot(tmp_path) as running:
        yield running


def shown(card: dict[str, Any]) -> str:
    return html.unescape(json.dumps(card, ensure_ascii=False))


def behaviours(node: Any, action: str) -> list[dict[str, Any]]:
    """Every callback value on a card whose action is `action`."""
    if isinstance(node, list):
        return [found for item in node for found in behaviours(item, action)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("action") == action and "value" in node else []
    return own + [found for value in node.values() for found in behaviours(value, action)]


def say(bot: LarkBot, text: str, user: str = LEAD) -> dict[str, Any]:
    """`text` in the user's DM with the bot; the card answering it."""
    before = len(bot.fake.cards(DM))
    bot.deliver(le.message_event(text, DM, chat_type="p2p", open_id=user))
    return bot.cards(DM, before + 1)[-1]


def open_form(bot: LarkBot, card: dict[str, Any], user: str = LEAD) -> dict[str, Any]:
    """Press the card's form button: the form arrives in the user's chat with the bot."""
    (button,) = behaviours(card, "form")
    dm = bot.fake.dm(user)
    before = len(bot.fake.cards(dm))
    bot.deliver(le.card_action({"action": "form", "value": button["value"]}, open_id=user))
    return bot.cards(dm, before + 1)[-1]


def submit(bot: LarkBot, form: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    (button,) = behaviours(form, "submit")
    status, answer = bot.deliver(
        le.card_action({"action": "submit", "value": button["value"]}, open_id=LEAD,
                       form_value=values, chat_id=bot.fake.dm(LEAD))
    )  # fmt: skip
    assert status == 200
    return answer


NEW = {
    "kind": "competition",
    "name": "Live Cup",
    "slug": "",
    "market": "MY",
    "starts_on": TODAY.isoformat(),
    "ends_on": (TODAY + dt.timedelta(days=6)).isoformat(),
    "metric": "gmv",
    "gmv_target": "",
    "creator_target": "",
    "reward_tiers": "",
    "reward_bands": "1:100; 2-3:50",
    "budget_cap": "200",
    "remind_days": "2",
}


def test_a_campaign_set_up_in_lark_round_trips(bot: LarkBot) -> None:
    form = open_form(bot, say(bot, "campaign new"))
    names = shown(form)
    for field in NEW:
        assert f'"name": "{field}"' in names
    overlapping = submit(bot, form, {**NEW, "reward_bands": "1-3:100; 2:50"})
    assert overlapping["toast"]["type"] == "error"
    assert "overlap" in overlapping["toast"]["content"]
    saved = submit(bot, form, NEW)
    assert saved["toast"]["type"] == "success", saved
    assert SLUG in saved["toast"]["content"]

    preview = say(bot, f"campaign enroll {SLUG} category:beauty top 5")
    assert "@amir" in shown(preview) and "@bella" in shown(preview)
    (confirm,) = [b for b in behaviours(preview, "run") if "confirm" in b["value"]]
    _, done = bot.deliver(le.card_action(confirm, open_id=LEAD, chat_id=DM))
    assert "Enrolled 2 creators" in shown(done)

    with bot.app.sessions.begin() as session:
        sales = [
            {"date": TODAY, "market": "MY", "handle": h, "gmv": g, "orders": 1, "items_sold": 1,
             "live_gmv": 0, "video_gmv": g, "live_sessions": 0, "live_minutes": 0,
             "video_posts": 1, "video_views": 1, "new_followers": 0}
            for h, g in (("amir", 10_000), ("bella", 30_000))
        ]  # fmt: skip
        writer.write_daily_metrics(pd.DataFrame(sales), session=session)
    assert SLUG in shown(say(bot, "campaign list MY"))
    status = shown(say(bot, f"campaign {SLUG}"))
    assert "RM400.00" in status
    assert status.index("bella") < status.index("amir")  # the competition's ranking
    board = shown(say(bot, f"leaderboard campaign:{SLUG}"))
    assert board.index("bella") < board.index("amir")

    edit = open_form(bot, say(bot, f"campaign edit {SLUG}"))
    current = {field: "" for field in NEW}
    for element in behaviours(edit, "submit"):
        current.update({k: v for k, v in _prefill(element["value"]).items() if k in current})
    assert current["budget_cap"] == "200"
    assert submit(bot, edit, {**current, "budget_cap": "250"})["toast"]["type"] == "success"
    with bot.app.sessions() as session:
        cap = session.scalar(select(Campaign.budget_cap).where(Campaign.slug == SLUG))
        logged = list(
            session.scalars(select(AuditEntry.arguments).where(AuditEntry.command == "campaign"))
        )
    assert cap == 25_000
    assert f"edit {SLUG}: budget_cap 20000 → 25000" in logged


def _prefill(link: str) -> dict[str, str]:
    from creatorbot.commands.forms import FormLink

    return dict(FormLink.parse(link).prefill)


def test_a_cm_is_refused_in_lark(bot: LarkBot) -> None:
    with bot.app.sessions.begin() as session:
        grant("lark", "ou_cm_only", Role.CM, ["MY"], by="setup", now=NOW, session=session)
    bot.deliver(le.message_event("campaign new", "oc_dm_cm", chat_type="p2p", open_id="ou_cm_only"))
    (card,) = bot.cards("oc_dm_cm")
    assert "can't do that" in shown(card)
    assert not behaviours(card, "form")
