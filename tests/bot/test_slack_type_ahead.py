"""The feedback modal's type-ahead lists on the fake Slack: what a user may see, busiest first,
at most 100, answered in the ack; pre-filled when opened from a creator's or campaign's card."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from creatorbot.storage.models import Creator, FeedbackResponse
from tests.bot.forms_world import MANY, seed_many, zz_gmv
from tests.bot.slack_harness import SlackBot, running_bot
from tests.fakes.slack_requests import block_action, interactive, slash_command, view_submission


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        seed_many(running.app)
        running.fake.add_user("UMY", locale="en-US")
        running.fake.add_user("UIT", locale="it-IT")
        yield running


def suggest(
    bot: SlackBot, field: str, typed: str, user: str = "U1", metadata: str = "{}"
) -> tuple[list[dict[str, Any]], float]:
    """Slack asking for the options of `field` as `user` types `typed`; the options, seconds."""
    view = {"id": "V1", "callback_id": "cb.form.feedback", "private_metadata": metadata}
    body = interactive(
        "block_suggestion", user_id=user, action_id=field, block_id=field, value=typed, view=view
    )
    status, answer, seconds = bot.send(body)
    assert status == 200
    return json.loads(answer)["options"], seconds


def texts(options: list[dict[str, Any]]) -> list[str]:
    return [option["text"]["text"] for option in options]


def test_typing_lists_only_creators_of_the_markets_the_user_sees(bot: SlackBot) -> None:
    mine, _ = suggest(bot, "creator", "zz", user="UMY")
    assert mine and all(text.endswith("· MY") for text in texts(mine))
    assert not any("zzitalia" in text for text in texts(mine))  # the busiest of all, unseen
    theirs, _ = suggest(bot, "creator", "zz", user="UIT")
    assert texts(theirs) == ["@zzitalia · Zoë Italia · IT"]
    accents, _ = suggest(bot, "creator", "zoe", user="UIT")  # the name, accent-folded
    assert texts(accents) == ["@zzitalia · Zoë Italia · IT"]
    assert suggest(bot, "creator", "@zzit", user="UMY")[0] == []  # a pasted @handle, unseen
    assert texts(suggest(bot, "creator", "@zzit", user="UIT")[0]) == texts(theirs)


def test_the_list_is_the_busiest_hundred_first_and_answered_within_slacks_3_seconds(
    bot: SlackBot,
) -> None:
    options, seconds = suggest(bot, "creator", "zz", user="UMY")
    assert seconds < 3
    assert len(options) == 100 < MANY
    expected = sorted(range(MANY), key=lambda n: -zz_gmv(n))[:100]
    assert [o["text"]["text"].split(" · ")[0] for o in options] == [f"@zz{n:03}" for n in expected]
    with bot.app.sessions() as session:
        ids = {c.handle: c.id for c in session.scalars(select(Creator))}
    assert options[0]["value"] == f"#{ids[f'zz{expected[0]:03}']}"


def test_campaigns_are_offered_only_from_the_users_markets(bot: SlackBot) -> None:
    assert texts(suggest(bot, "campaign", "saldi", user="UIT")[0]) == ["Saldi d'inverno · IT"]
    assert suggest(bot, "campaign", "saldi", user="UMY")[0] == []
    assert suggest(bot, "creator", "zz", user="U404-nobody")[0] == []  # no access, no names


def test_a_form_opened_from_a_creator_card_is_prefilled_and_saves_that_creator(
    bot: SlackBot,
) -> None:
    url = bot.fake.response_url("card")
    bot.send(slash_command("/creator", "amir", response_url=url))
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) == 1)
    (card,) = bot.fake.responses(url)
    (button,) = [
        e
        for block in card["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
        if e.get("value", "").startswith("feedback?")
    ]
    bot.send(block_action(button["action_id"], button["value"]))
    bot.fake.wait_for(lambda: len(bot.fake.views()) == 1)
    view = bot.fake.views()[0]["view"]
    inputs = {block["block_id"]: block["element"] for block in view["blocks"]}
    with bot.app.sessions() as session:
        amir = session.scalars(select(Creator).where(Creator.handle == "amir")).one()
    assert inputs["creator"]["type"] == "external_select"
    assert inputs["creator"]["initial_option"]["value"] == f"#{amir.id}"
    assert inputs["creator"]["initial_option"]["text"]["text"].startswith("@amir · ")
    state = {
        "creator": {
            "creator": {"type": "external_select", "selected_option": {"value": f"#{amir.id}"}}
        },
        "rating": {"rating": {"type": "static_select", "selected_option": {"value": "5"}}},
        "topic": {"topic": {"type": "static_select", "selected_option": {"value": "tools"}}},
    }
    status, answer, _ = bot.send(
        view_submission("cb.form.feedback", state, private_metadata=view["private_metadata"])
    )
    assert json.loads(answer)["response_action"] == "update"
    with bot.app.sessions() as session:
        saved = session.scalars(select(FeedbackResponse)).one()
    assert saved.creator_id == amir.id
