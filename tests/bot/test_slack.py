"""Slack end to end: signed requests in, Block Kit out, through the real bot and a fake Web API."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from creatorbot.bot.logs import formatter
from creatorbot.storage.models import FeedbackForm, FeedbackResponse
from tests.bot.slack_harness import SlackBot, running_bot
from tests.bot.world import NOW, ended_campaign_with_feedback_prompts, job_runner
from tests.fakes.slack_requests import block_action, event, slash_command, view_submission


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[SlackBot]:
    with running_bot(tmp_path) as running:
        yield running


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text in a list of blocks, as a user could read it."""
    return json.dumps(blocks, ensure_ascii=False)


def only_response(bot: SlackBot, url: str) -> dict[str, Any]:
    bot.fake.wait_for(lambda: len(bot.fake.responses(url)) >= 1)
    bot.settle()  # a second answer would have been sent by now
    responses = bot.fake.responses(url)
    assert len(responses) == 1, responses
    return responses[0]


def test_a_slash_command_is_acked_fast_and_answered_with_block_kit(bot: SlackBot) -> None:
    url = bot.fake.response_url("lb")
    status, body, seconds = bot.send(slash_command("/leaderboard", "gmv 7d MY", response_url=url))
    assert status == 200
    assert seconds < 3
    answer = only_response(bot, url)
    assert answer["response_type"] == "ephemeral"
    shown = all_text(answer["blocks"])
    # 7 days × RM250.00 and 7 × RM120.00, ranked, the name escaped
    assert "RM1,750.00" in shown and "RM840.00" in shown
    assert shown.index("RM1,750.00") < shown.index("RM840.00")
    assert "Amir &lt;!channel&gt;" in shown
    assert "<!channel>" not in shown
    actions = [b for b in answer["blocks"] if b["type"] == "actions"]
    share = actions[-1]["elements"][0]
    assert share["value"] == "leaderboard gmv 7d MY"
    assert answer["text"]  # the notification fallback


def test_the_answer_speaks_the_users_slack_language(bot: SlackBot) -> None:
    url = bot.fake.response_url("it")
    bot.send(slash_command("/leaderboard", "IT", user_id="U2", response_url=url))
    shown = all_text(only_response(bot, url)["blocks"])
    assert "Classifica GMV · IT" in shown
    assert "699,93\u00a0€" in shown  # 7 × €99.99, written the Italian way


def test_the_umbrella_command(bot: SlackBot) -> None:
    url = bot.fake.response_url("umbrella")
    bot.send(slash_command("/creatorbot", "creator amir", response_url=url))
    assert "@amir" in all_text(only_response(bot, url)["blocks"])


@pytest.mark.parametrize(
    ("case", "options"),
    [
        ("forged", {"secret": "not-the-secret"}),
        ("stale", {"seconds_off": -6 * 60}),
        ("future", {"seconds_off": 6 * 60}),
        ("malformed", {"timestamp": "yesterday"}),
        ("empty", {"timestamp": ""}),
    ],
)
def test_unverified_requests_get_401_and_reach_no_handler(
    bot: SlackBot, case: str, options: dict[str, Any]
) -> None:
    from tests.fakes.slack_requests import post, signed_headers

    url = bot.fake.response_url(case)
    body = slash_command("/leaderboard", "MY", response_url=url)
    secret = options.pop("secret", "test-signing-secret")
    if "seconds_off" in options:  # from now, not from when the tests were collected
        options = {"timestamp": int(time.time()) + options["seconds_off"]}
    headers = signed_headers(body, secret, **options)
    status, _headers, _body = post(bot.url, body, headers)
    assert status == 401
    bot.settle()
    assert bot.fake.responses(url) == []
    assert bot.fake.calls() == []


def test_a_body_of_one_mebibyte_is_read_and_one_byte_more_gets_413(bot: SlackBot) -> None:
    """Signed alike, padded with a field nobody reads: 1,048,576 bytes are answered; 1,048,577
    are refused unread."""
    answered, refused = bot.fake.response_url("at-cap"), bot.fake.response_url("over")

    def padded(url: str, size: int) -> bytes:
        body = slash_command("/leaderboard", "MY", response_url=url) + b"&pad="
        return body + b"x" * (size - len(body))

    assert bot.send(padded(answered, 1024 * 1024))[0] == 200
    status, answer, _seconds = bot.send(padded(refused, 1024 * 1024 + 1))
    assert (status, answer) == (413, b"too large")
    assert "GMV leaderboard · MY" in all_text(only_response(bot, answered)["blocks"])
    assert bot.fake.responses(refused) == []


def test_the_same_event_delivered_twice_is_answered_once(bot: SlackBot) -> None:
    mention = {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> leaderboard MY top 1",
        "channel": "C9",
        "ts": "1700000000.000001",
        "team": "T1",
    }
    body = event(mention, event_id="Ev42")
    assert bot.send(body)[0] == 200
    assert bot.send(body, retry_num=1, retry_reason="http_timeout")[0] == 200
    bot.fake.wait_for(lambda: len(bot.fake.posts("C9")) >= 1)
    bot.settle()
    posts = bot.fake.posts("C9")
    assert len(posts) == 1
    assert posts[0]["thread_ts"] == "1700000000.000001"
    assert "Amir" in all_text(posts[0]["blocks"])


def test_every_post_arrives_exactly_once_through_429s(bot: SlackBot) -> None:
    bot.fake.fail_ratio("chat.postMessage", 0.3, status=429, retry_after=0, seed=7)
    for n in range(20):
        mention = {
            "type": "app_mention",
            "user": "U1",
            "text": f"<@UBOT> leaderboard MY top {n % 2 + 1}",
            "channel": f"C{n}",
            "ts": f"1700000000.{n:06d}",
            "team": "T1",
        }
        assert bot.send(event(mention, event_id=f"Ev-{n}"))[0] == 200
    bot.fake.wait_for(lambda: sum(len(bot.fake.posts(f"C{n}")) for n in range(20)) >= 20, 30)
    bot.settle()
    assert [len(bot.fake.posts(f"C{n}")) for n in range(20)] == [1] * 20
    assert any(call.failed for call in bot.fake.calls("chat.postMessage"))  # 429s did happen


def test_share_posts_the_answer_in_the_channel(bot: SlackBot) -> None:
    url = bot.fake.response_url("share")
    body = block_action("cb.share.0", "leaderboard gmv 7d MY", channel_id="C5", response_url=url)
    assert bot.send(body)[0] == 200
    bot.fake.wait_for(lambda: len(bot.fake.posts("C5")) == 1)
    assert "RM1,750.00" in all_text(bot.fake.posts("C5")[0]["blocks"])
    bot.fake.wait_for(lambda: any(r.get("delete_original") for r in bot.fake.responses(url)))


def test_a_button_reruns_a_command(bot: SlackBot) -> None:
    url = bot.fake.response_url("run")
    bot.send(block_action("cb.open.1", "creator bella", response_url=url))
    assert "Bella Tan (@bella)" in all_text(only_response(bot, url)["blocks"])


def feedback_count(bot: SlackBot) -> int:
    with bot.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(FeedbackResponse)) or 0)


def modal_values(**values: str) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("rating", "topic", "language"):
            state[name] = {name: {"type": "static_select", "selected_option": {"value": value}}}
        else:
            state[name] = {name: {"type": "plain_text_input", "value": value}}
    return state


def test_the_umbrella_command_opens_the_form_too(bot: SlackBot) -> None:
    bot.send(slash_command("/creatorbot", "feedback", response_url=bot.fake.response_url("fb")))
    bot.fake.wait_for(lambda: len(bot.fake.views()) == 1)
    assert bot.fake.views()[0]["view"]["callback_id"] == "cb.form.feedback"


def test_the_feedback_modal_round_trips_into_the_report(bot: SlackBot) -> None:
    bot.send(slash_command("/feedback", "", response_url=bot.fake.response_url("fb")))
    bot.fake.wait_for(lambda: len(bot.fake.views()) == 1)
    view = bot.fake.views()[0]["view"]
    assert view["callback_id"] == "cb.form.feedback"
    assert len(view["title"]["text"]) <= 24
    values = modal_values(
        creator="amir", rating="4", topic="payout", comment="Paid late", language="en"
    )
    status, answer, _ = bot.send(
        view_submission("cb.form.feedback", values, private_metadata=json.dumps({"locale": "en"}))
    )
    assert status == 200
    ack = json.loads(answer)
    assert ack["response_action"] == "update"
    assert "Saved" in all_text(ack["view"]["blocks"])
    assert feedback_count(bot) == 1
    url = bot.fake.response_url("report")
    bot.send(slash_command("/feedback", "report", response_url=url))
    shown = all_text(only_response(bot, url)["blocks"])
    assert "Paid late" in shown
    assert "4 / 5" in shown


def test_a_bad_submission_keeps_the_modal_open(bot: SlackBot) -> None:
    values = modal_values(creator="nobody", rating="4", topic="payout")
    status, answer, _ = bot.send(view_submission("cb.form.feedback", values))
    ack = json.loads(answer)
    assert ack["response_action"] == "errors"
    assert "nobody" in ack["errors"]["creator"]
    assert feedback_count(bot) == 0


def test_a_database_failure_during_submit_keeps_the_modal_open(bot: SlackBot) -> None:
    with bot.app.sessions.begin() as session:
        session.execute(text("ALTER TABLE feedback_responses RENAME TO feedback_gone"))
    values = modal_values(creator="amir", rating="5", topic="tools")
    status, answer, _ = bot.send(view_submission("cb.form.feedback", values))
    assert status == 200
    ack = json.loads(answer)
    assert ack["response_action"] == "errors"
    assert "Nothing was saved" in ack["errors"]["creator"]
    with bot.app.sessions.begin() as session:
        session.execute(text("ALTER TABLE feedback_gone RENAME TO feedback_responses"))
    assert feedback_count(bot) == 0


def post_campaign_prompt(bot: SlackBot, channel: str) -> dict[str, Any]:
    """A campaign that ended yesterday, a channel subscribed to feedback prompts, and the
    scheduler's tick this morning: the prompt's button as Slack shows it."""
    ended_campaign_with_feedback_prompts(bot.app, platform="slack", workspace="T1", channel=channel)
    runner = job_runner(bot.app, bot.running.posters())
    assert len(runner.tick(NOW).posted) == 1
    (posted,) = bot.fake.posts(channel)
    assert "11.11 Mega Sale" in all_text(posted["blocks"])
    (button,) = [
        element
        for block in posted["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    return button


def test_the_prompt_button_opens_the_form_for_its_campaign_and_links_the_answer(
    bot: SlackBot,
) -> None:
    button = post_campaign_prompt(bot, "C7")
    bot.send(block_action(button["action_id"], button["value"], channel_id="C7"))
    bot.fake.wait_for(lambda: len(bot.fake.views()) == 1)
    view = bot.fake.views()[0]["view"]
    inputs = {block["block_id"]: block["element"] for block in view["blocks"]}
    assert inputs["campaign"]["type"] == "external_select"
    assert inputs["campaign"]["initial_option"]["value"] == "my-1111"
    assert inputs["campaign"]["initial_option"]["text"]["text"] == "11.11 Mega Sale · MY"
    assert "initial_option" not in inputs["creator"]
    with bot.app.sessions() as session:
        form = session.scalars(select(FeedbackForm)).one()
    assert json.loads(view["private_metadata"])["form"] == str(form.id)

    values = modal_values(
        campaign="my-1111", rating="5", topic="traffic", comment="Banner traffic was great"
    )
    status, answer, _ = bot.send(
        view_submission("cb.form.feedback", values, private_metadata=view["private_metadata"])
    )
    assert status == 200
    assert json.loads(answer)["response_action"] == "update"
    with bot.app.sessions() as session:
        saved = session.scalars(select(FeedbackResponse)).one()
    assert (saved.form_id, saved.user_id, saved.campaign_id) == (form.id, "U1", form.campaign_id)

    url = bot.fake.response_url("campaign-report")
    bot.send(slash_command("/feedback", "report campaign:my-1111", response_url=url))
    shown = all_text(only_response(bot, url)["blocks"])
    assert "Banner traffic was great" in shown
    assert "5 / 5" in shown


def test_an_unknown_form_id_is_ignored_and_the_answer_saved(bot: SlackBot) -> None:
    values = modal_values(creator="amir", rating="3", topic="tools", language="en")
    metadata = json.dumps({"locale": "en", "form": "424242"})
    status, answer, _ = bot.send(
        view_submission("cb.form.feedback", values, private_metadata=metadata)
    )
    assert json.loads(answer)["response_action"] == "update"
    with bot.app.sessions() as session:
        saved = session.scalars(select(FeedbackResponse)).one()
    assert saved.form_id is None


def test_app_home_shows_the_users_own_creators(bot: SlackBot) -> None:
    home = {"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "D1"}
    bot.send(event(home, event_id="EvHome"))
    bot.fake.wait_for(lambda: len(bot.fake.views("views.publish")) == 1)
    published = bot.fake.views("views.publish")[0]
    assert published["user_id"] == "U1"
    shown = all_text(published["view"]["blocks"])
    # amir is Farah's by email, bella by full name; giulia is not hers
    assert "@amir" in shown and "@bella" in shown and "@giulia" not in shown
    assert shown.index("@amir") < shown.index("@bella")  # bigger 7-day GMV first


def test_a_direct_message_is_a_command(bot: SlackBot) -> None:
    message = {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": "help",
        "channel": "D7",
        "ts": "1700000001.000001",
    }
    bot.send(event(message, event_id="EvDM"))
    bot.fake.wait_for(lambda: len(bot.fake.posts("D7")) == 1)
    assert "leaderboard" in all_text(bot.fake.posts("D7")[0]["blocks"])


def test_a_direct_message_from_a_bot_or_with_a_subtype_is_ignored(bot: SlackBot) -> None:
    """Another bot (a `bot_id`) or an edit (a subtype) in the DM runs nothing; the person's own
    message after them is the one answer."""
    base = {"type": "message", "channel_type": "im", "channel": "D8", "user": "U1"}
    ignored = [
        {**base, "text": "leaderboard MY", "bot_id": "BOTHER", "ts": "1700000001.000001"},
        {**base, "text": "leaderboard MY", "subtype": "me_message", "ts": "1700000002.000001"},
    ]
    for n, message in enumerate(ignored):
        status, _, _ = bot.send(event(message, event_id=f"EvIgnored{n}"))
        assert status == 200
    bot.send(event({**base, "text": "help", "ts": "1700000003.000001"}, event_id="EvHuman"))
    bot.fake.wait_for(lambda: len(bot.fake.posts("D8")) >= 1)
    bot.settle()
    (answer,) = bot.fake.posts("D8")
    assert "leaderboard" in all_text(answer["blocks"]) and "GMV leaderboard" not in all_text(
        answer["blocks"]
    )


def test_a_failure_becomes_a_friendly_answer(
    bot: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(bot.app.router, "handle", broken)
    url = bot.fake.response_url("boom")
    bot.send(slash_command("/leaderboard", "MY", response_url=url))
    answer = only_response(bot, url)
    assert "try again" in answer["text"]
    assert "boom" not in json.dumps(answer)


def test_health_and_metrics(bot: SlackBot) -> None:
    from urllib.request import urlopen

    base = bot.url.removesuffix("/slack/events")
    url = bot.fake.response_url("m")
    bot.send(slash_command("/leaderboard", "MY", response_url=url))
    only_response(bot, url)
    junk = bot.fake.response_url("junk")
    bot.send(slash_command("/creatorbot", "xyzzy-1234 MY", response_url=junk))
    only_response(bot, junk)
    with urlopen(base + "/healthz") as health:
        assert json.load(health) == {"status": "ok"}
    with urlopen(base + "/metrics") as metrics:
        exposition = metrics.read().decode()
    assert 'creatorbot_requests_total{outcome="200",platform="slack"}' in exposition
    assert "creatorbot_ack_seconds_bucket" in exposition
    assert "xoxb-test" not in exposition
    # What people type is not a label: unknown commands share one, so metrics stay bounded.
    assert (
        'creatorbot_answer_seconds_count{command="leaderboard",platform="slack"} 1.0' in exposition
    )
    assert 'creatorbot_answer_seconds_count{command="unknown",platform="slack"} 1.0' in exposition
    assert "xyzzy" not in exposition


def test_charts_are_uploaded_and_shown_with_the_answer(bot: SlackBot) -> None:
    from creatorbot.bot.slack.deliver import message_for
    from creatorbot.commands.i18n import Lang
    from creatorbot.commands.reply import Header, Image, Reply

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    reply = Reply((Header("Daily GMV"), Image(png, "Daily GMV · MY", "GMV rose 12% this week")))
    client = bot.running.platforms["slack"].client
    message = message_for(client, reply, Lang("en"))
    uploads = bot.fake.uploads()
    assert len(uploads) == 1
    assert uploads[0]["length"] == len(png)
    assert uploads[0]["channel_id"] is None  # private to the answer, not dropped in a channel
    image = next(b for b in message.blocks if b["type"] == "image")
    assert image["slack_file"] == {"id": uploads[0]["file_id"]}
    assert image["alt_text"] == "GMV rose 12% this week"
    assert bot.fake.calls("files.upload") == []  # the retired API is never used


def test_no_secret_reaches_the_logs(bot: SlackBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    url = bot.fake.response_url("logs")
    bot.send(slash_command("/leaderboard", "MY", response_url=url))
    only_response(bot, url)
    bot.send(slash_command("/leaderboard", "MY", response_url=url), timestamp="bad")
    assert caplog.records
    assert "xoxb-test" not in caplog.text
    assert "test-signing-secret" not in caplog.text
    # The same records as LOG_FORMAT=json writes them: one JSON object a line, no secret, and
    # the answer's line carries its request id, command, hashed user and latency.
    written = "\n".join(formatter("json").format(record) for record in caplog.records)
    lines = [json.loads(line) for line in written.splitlines()]
    assert len(lines) == len(caplog.records)
    assert "xoxb-test" not in written
    assert "test-signing-secret" not in written
    (answered, *_) = [line for line in lines if line["message"] == "command answered"]
    assert answered["command"] == "leaderboard"
    assert answered["user_hash"] == hashlib.sha256(b"U1").hexdigest()[:12]
    assert "user" not in answered
    assert len(answered["request_id"]) == 12
    assert answered["latency_ms"] >= 0
    assert answered["level"] == "INFO"


def test_socket_mode_needs_no_public_endpoint(tmp_path: Path) -> None:
    with running_bot(tmp_path, SLACK_APP_TOKEN="xapp-1-test") as socket_bot:
        from tests.fakes.slack_requests import post

        status, _h, _b = post(socket_bot.url, b"{}", {"Content-Type": "application/json"})
        assert status == 404  # no /slack/events in Socket Mode
        handler = socket_bot.running.platforms["slack"].socket_mode("xapp-1-test")
        assert handler.app is socket_bot.running.platforms["slack"].bolt
