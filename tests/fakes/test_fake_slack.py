"""The fake Slack Web API, driven by the real slack_sdk clients and by Bolt."""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from urllib.parse import parse_qs

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.fakes import slack_requests as sr
from tests.fakes.slack_api import RESPONSE_URL, FakeSlack

SECRET = "test-signing-secret"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b"\r\n--not-a-boundary\r\n"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url)


def test_posted_message_is_recorded_with_its_blocks(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Top 10*"}}]

    first = client.chat_postMessage(channel="C1", text="Top 10", blocks=blocks)
    second = client.chat_postMessage(channel="C2", text="again")

    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert fake.posts("C1") == [{"channel": "C1", "text": "Top 10", "blocks": blocks}]
    assert [p["channel"] for p in fake.posts()] == ["C1", "C2"]
    assert fake.calls("chat.postMessage")[0].headers["Authorization"] == "Bearer xoxb-test"


def test_blocks_sent_as_a_form_string_are_decoded(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "divider"}]

    client.api_call("chat.postMessage", params={"channel": "C1", "blocks": json.dumps(blocks)})

    assert fake.posts()[0]["blocks"] == blocks


def test_users_info_answers_from_the_directory(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user(
        "U1", locale="it-IT", email="farah@example.com", real_name="Farah", tz="Europe/Rome"
    )

    user = client.users_info(user="U1", include_locale=True)["user"]

    assert (user["locale"], user["tz"], user["real_name"]) == ("it-IT", "Europe/Rome", "Farah")
    assert user["profile"]["email"] == "farah@example.com"
    assert "locale" not in client.users_info(user="U1")["user"]
    with pytest.raises(SlackApiError) as caught:
        client.users_info(user="U404")
    assert caught.value.response["error"] == "user_not_found"


def test_conversations_info_tells_external_channels(fake: FakeSlack, client: WebClient) -> None:
    fake.add_channel("CEXT", external=True)

    assert client.conversations_info(channel="CEXT")["channel"]["is_ext_shared"] is True
    assert client.conversations_info(channel="C1")["channel"]["is_ext_shared"] is False


def test_files_upload_v2_runs_end_to_end(fake: FakeSlack, client: WebClient) -> None:
    response = client.files_upload_v2(content=PNG, filename="chart.png", title="t")

    [upload] = fake.uploads()
    assert upload["file_id"] == response["file"]["id"]
    assert upload["file_id"].startswith("F")
    assert (upload["filename"], upload["title"], upload["length"]) == ("chart.png", "t", len(PNG))
    assert upload["content"] == PNG
    assert upload["channel_id"] is None
    assert [c.method for c in fake.calls()] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    assert client.files_info(file=upload["file_id"])["file"]["size"] == len(PNG)


def test_upload_to_a_channel_keeps_the_channel(fake: FakeSlack, client: WebClient) -> None:
    client.files_upload_v2(content=b"a,b\n1,2\n", filename="top.csv", channel="C1")

    assert fake.uploads()[0]["channel_id"] == "C1"


def test_a_file_is_listed_only_where_it_was_shared(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1")
    dm = client.conversations_open(users="U1")["channel"]["id"]
    shared = client.files_upload_v2(content=b"a,b\n", filename="top.csv", channel=dm)["file"]
    client.files_upload_v2(content=PNG, filename="chart.png")

    assert dm == fake.dm("U1") == client.conversations_open(users="U1")["channel"]["id"]
    assert [u["filename"] for u in fake.files_in(dm)] == ["top.csv"]
    assert [u["shared"] for u in fake.uploads()] == [[dm], []]  # the chart is in no list
    assert shared["permalink"] == fake.uploads()[0]["permalink"]
    assert client.conversations_info(channel=dm)["channel"]["is_im"] is True
    with pytest.raises(SlackApiError) as caught:
        client.conversations_open(users="U404")
    assert caught.value.response["error"] == "user_not_found"


def test_multipart_upload_is_accepted(fake: FakeSlack, client: WebClient) -> None:
    url = client.files_getUploadURLExternal(filename="chart.png", length=len(PNG))["upload_url"]
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="chart.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + PNG + b"\r\n--XyZ--\r\n"
    )

    status, _, _ = sr.post(url, body, {"Content-Type": "multipart/form-data; boundary=XyZ"})

    assert status == 200
    assert fake.calls("upload")[0].params["content"] == PNG


def test_429_is_retried_and_the_post_recorded_once(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", status=429, retry_after=0)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))

    client.chat_postMessage(channel="C1", text="hello")

    assert [(c.status, c.failed) for c in fake.calls("chat.postMessage")] == [
        (429, True),
        (200, False),
    ]
    assert [p["text"] for p in fake.posts()] == ["hello"]


def test_429_carries_retry_after(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", retry_after=7)
    headers = {"Authorization": "Bearer xoxb-test", "Content-Type": "application/json"}

    status, reply_headers, body = sr.post(
        fake.api_url + "chat.postMessage", b'{"channel": "C1", "text": "x"}', headers
    )

    assert (status, reply_headers["Retry-After"]) == (429, "7")
    assert json.loads(body) == {"ok": False, "error": "ratelimited"}


def test_server_errors_surface_without_a_retry_handler(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", status=503, times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as caught:
            client.chat_postMessage(channel="C1", text="x")
        assert caught.value.response.status_code == 503
    client.chat_postMessage(channel="C1", text="x")

    assert len(fake.calls("chat.postMessage")) == 3
    assert len(fake.posts()) == 1


def test_reset_after_stores_the_post_and_drops_the_connection(fake: FakeSlack) -> None:
    fake.reset_after("chat.postMessage")
    client = WebClient(token="xoxb-test", base_url=fake.api_url, retry_handlers=[])

    with pytest.raises(ConnectionError):  # RemoteDisconnected: no answer at all
        client.chat_postMessage(channel="C1", text="hello")
    client.chat_postMessage(channel="C1", text="again")

    assert [p["text"] for p in fake.posts("C1")] == ["hello", "again"]
    history = client.conversations_history(channel="C1")["messages"]
    assert [m["text"] for m in history] == ["again", "hello"]
    assert [c.dropped for c in fake.calls("chat.postMessage")] == [True, False]


def test_reset_after_on_a_response_url_keeps_the_answer(fake: FakeSlack) -> None:
    url = fake.response_url("cmd")
    fake.reset_after(RESPONSE_URL)

    with pytest.raises(ConnectionError):
        WebhookClient(url, retry_handlers=[]).send(text="Top 10")

    assert fake.responses(url) == [{"text": "Top 10"}]


def test_fail_ratio_is_deterministic(fake: FakeSlack, client: WebClient) -> None:
    def outcomes() -> list[bool]:
        fake.reset()
        fake.fail_ratio("auth.test", 0.3, seed=42)
        for _ in range(40):
            with contextlib.suppress(SlackApiError):
                client.auth_test()
        return [c.failed for c in fake.calls("auth.test")]

    draws = random.Random(42)
    expected = [draws.random() < 0.3 for _ in range(40)]

    assert outcomes() == expected
    assert outcomes() == expected
    assert 0 < sum(expected) < 40


def test_delay_slows_one_method(fake: FakeSlack, client: WebClient) -> None:
    fake.delay("auth.test", 0.2)

    started = time.monotonic()
    client.auth_test()

    assert time.monotonic() - started >= 0.2


def test_response_url_posts_are_recorded(fake: FakeSlack) -> None:
    url, other = fake.response_url("cmd"), fake.response_url("cmd")

    WebhookClient(url).send(text="Top 10", response_type="ephemeral", replace_original=False)

    assert fake.responses(url) == [
        {"text": "Top 10", "response_type": "ephemeral", "replace_original": False}
    ]
    assert fake.responses(other) == []


def test_views_open_records_the_decoded_view(fake: FakeSlack, client: WebClient) -> None:
    view = {"type": "modal", "callback_id": "slot", "title": {"type": "plain_text", "text": "S"}}

    opened = client.views_open(trigger_id="trg-1", view=view)

    assert opened["view"]["id"].startswith("V")
    assert fake.views()[0]["view"] == view


def test_user_groups_list_their_members_and_follow_changes(
    fake: FakeSlack, client: WebClient
) -> None:
    mention = fake.add_group("SCMMY", handle="cm-my", users=["U1", "U2"])
    assert mention == "<!subteam^SCMMY|@cm-my>"
    assert client.usergroups_users_list(usergroup="SCMMY")["users"] == ["U1", "U2"]
    fake.set_group_members("SCMMY", ["U2"])
    assert client.usergroups_users_list(usergroup="SCMMY")["users"] == ["U2"]
    with pytest.raises(SlackApiError, match="no_such_subteam"):
        client.usergroups_users_list(usergroup="SNOPE")
    fake.fail("usergroups.users.list", status=200, error="missing_scope")
    with pytest.raises(SlackApiError, match="missing_scope"):
        client.usergroups_users_list(usergroup="SCMMY")
    asked = [c.params["usergroup"] for c in fake.calls("usergroups.users.list")]
    assert asked == ["SCMMY", "SCMMY", "SNOPE", "SCMMY"]


def test_auth_and_unknown_methods(fake: FakeSlack, client: WebClient) -> None:
    assert client.auth_test()["user_id"] == "UBOT"
    with pytest.raises(SlackApiError, match="not_authed"):
        WebClient(base_url=fake.api_url).auth_test()
    with pytest.raises(SlackApiError, match="unknown_method"):
        client.api_call("creators.explode")
    assert fake.requests_total == 3


def test_wait_for_sees_a_late_post_and_explains_a_timeout(
    fake: FakeSlack, client: WebClient
) -> None:
    threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="late")).start()
    fake.wait_for(lambda: len(fake.posts()) == 1)

    with pytest.raises(AssertionError, match=r"(?s)within 0.1s.*chat.postMessage.*late"):
        fake.wait_for(lambda: len(fake.posts()) == 2, timeout=0.1)


def test_signed_requests_verify_and_tampering_does_not() -> None:
    verifier = SignatureVerifier(SECRET)
    body = sr.slash_command("/leaderboard", "week", response_url="http://127.0.0.1:1/response/r")
    headers = sr.signed_headers(body, SECRET, retry_num=1, retry_reason="http_timeout")

    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body.replace(b"week", b"year"), headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
    stale = sr.signed_headers(body, SECRET, timestamp=int(time.time()) - 600)
    assert not verifier.is_valid_request(body, stale)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert (headers["X-Slack-Retry-Num"], headers["X-Slack-Retry-Reason"]) == ("1", "http_timeout")
    assert sr.signed_headers(body, SECRET, timestamp="soon")["X-Slack-Request-Timestamp"] == "soon"


def test_payload_shapes() -> None:
    command = parse_qs(sr.slash_command("/leaderboard", "week", response_url="http://r"))
    assert command[b"command"] == [b"/leaderboard"]
    assert command[b"user_name"] == [b"farah"]

    envelope = json.loads(sr.event({"type": "app_mention", "text": "hi"}, event_id="Ev1"))
    assert (envelope["type"], envelope["event_id"]) == ("event_callback", "Ev1")
    assert sr.signed_headers(b'{"a": 1}', SECRET)["Content-Type"] == "application/json"

    action = json.loads(
        parse_qs(sr.block_action("tier", "gold", response_url="http://r"))[b"payload"][0]
    )
    assert action["actions"][0]["action_id"] == "tier"
    assert action["channel"]["id"] == "C1"

    values = {"b": {"a": {"type": "plain_text_input", "value": "x"}}}
    submitted = json.loads(parse_qs(sr.view_submission("slot", values))[b"payload"][0])
    assert submitted["view"]["state"]["values"] == values


def test_bolt_dispatch_responds_through_the_fake(fake: FakeSlack, client: WebClient) -> None:
    app = App(signing_secret=SECRET, client=client)

    def leaderboard(ack: Ack, respond: Respond) -> None:
        ack()
        respond("Top 10")

    app.command("/leaderboard")(leaderboard)
    url = fake.response_url()
    body = sr.slash_command("/leaderboard", "", response_url=url)

    headers: dict[str, str | Sequence[str]] = {**sr.signed_headers(body, SECRET)}

    response = app.dispatch(BoltRequest(body=body.decode(), headers=headers))

    assert response.status == 200
    fake.wait_for(lambda: bool(fake.responses(url)))
    assert fake.responses(url)[0]["text"] == "Top 10"


def test_a_users_file_is_described_and_downloaded_with_a_bot_token_only(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.add_user("U1")
    shared = fake.add_file("U1", "metrics.csv", b"date,market\n", size=99)
    info = client.files_info(file=shared["id"])["file"]
    assert (info["name"], info["size"], info["channels"]) == ("metrics.csv", 99, [fake.dm("U1")])
    url = info["url_private_download"]

    def get(headers: dict[str, str]) -> tuple[str, bytes]:
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(response.headers["Content-Type"]), bytes(response.read())

    assert get({"Authorization": "Bearer xoxb-test"}) == ("text/csv", b"date,market\n")
    kind, page = get({})
    assert kind.startswith("text/html") and b"Sign in" in page


def table(rows: int = 2, cells: int = 2, **extra: object) -> dict[str, object]:
    """A table block of `rows` rows of `cells` raw_text cells."""
    cell = {"type": "raw_text", "text": "x"}
    return {"type": "table", "rows": [[cell] * cells for _ in range(rows)], **extra}


@pytest.mark.parametrize(
    ("blocks", "error"),
    [
        ([table(101)], "invalid_blocks"),  # at most 100 rows
        ([table(2, 21)], "invalid_blocks"),  # at most 20 cells a row
        ([table(0)], "invalid_blocks"),
        ([table(column_settings=[{"align": "middle"}])], "invalid_blocks"),
        ([table(column_settings=[{"align": "left"}] * 21)], "invalid_blocks"),
        ([{"type": "table", "rows": [[{"type": "raw_text", "text": ""}]]}], "invalid_blocks"),
        ([{"type": "table", "rows": [[{"type": "mrkdwn", "text": "*x*"}]]}], "invalid_blocks"),
        ([table(), table()], "only_one_table_allowed"),
    ],
)
def test_a_malformed_table_block_is_refused_as_slack_would(
    fake: FakeSlack, client: WebClient, blocks: list[dict[str, object]], error: str
) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="t", blocks=blocks)
    assert caught.value.response["error"] == error
    assert fake.posts() == []


def test_a_table_block_is_taken_in_a_message_only(fake: FakeSlack, client: WebClient) -> None:
    good = table(100, 20, column_settings=[{"align": "right", "is_wrapped": True}] * 20)
    client.chat_postMessage(channel="C1", text="t", blocks=[good])
    assert fake.posts()[0]["blocks"] == [good]
    view = {"type": "modal", "title": {"type": "plain_text", "text": "m"}, "blocks": [good]}
    with pytest.raises(SlackApiError):
        client.views_open(trigger_id="trg", view=view)
    with pytest.raises(SlackApiError):
        client.views_publish(user_id="U1", view={"type": "home", "blocks": [good]})
    fake.table_blocks = False  # a workspace without table blocks
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="t", blocks=[table()])
    assert caught.value.response["error"] == "invalid_blocks"
