"""The fake Lark Open API and the Lark event builders, driven over plain HTTP."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes import lark_events as le
from tests.fakes.lark_api import (
    APP_ID,
    APP_SECRET,
    CONTACT_USER,
    CREATE,
    IMAGE,
    INVALID_PARAM,
    INVALID_TOKEN,
    MISSING_TOKEN,
    NO_USER_AUTHORITY,
    PATCH,
    RATE_LIMITED,
    REPLY,
    TOKEN,
    FakeLark,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
CARD = {"header": {"title": {"tag": "plain_text", "content": "GMV 7d"}}, "elements": []}

Response = tuple[int, dict[str, str], dict[str, Any]]


@pytest.fixture
def fake() -> Iterator[FakeLark]:
    with FakeLark() as fake:
        yield fake


def call(
    fake: FakeLark,
    verb: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    raw: bytes | None = None,
    content_type: str = "application/json; charset=utf-8",
) -> Response:
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else json.dumps(body or {}).encode()
    request = urllib.request.Request(
        f"{fake.base_url}{path}", data=data, headers=headers, method=verb
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), json.loads(error.read())


def tenant_token(fake: FakeLark) -> str:
    status, _, body = call(
        fake,
        "POST",
        "/open-apis/auth/v3/tenant_access_token/internal",
        {"app_id": APP_ID, "app_secret": APP_SECRET},
    )
    assert status == 200 and body["code"] == 0 and body["expire"] > 0
    return str(body["tenant_access_token"])


def send(fake: FakeLark, token: str, chat_id: str, **fields: Any) -> Response:
    return call(
        fake,
        "POST",
        "/open-apis/im/v1/messages?receive_id_type=chat_id",
        {"receive_id": chat_id, **fields},
        token=token,
    )


def card_fields(card: dict[str, Any], uuid: str | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"msg_type": "interactive", "content": json.dumps(card)}
    if uuid is not None:
        fields["uuid"] = uuid
    return fields


def test_token_is_refused_for_a_wrong_secret(fake: FakeLark) -> None:
    status, _, body = call(
        fake,
        "POST",
        "/open-apis/auth/v3/tenant_access_token/internal",
        {"app_id": APP_ID, "app_secret": "nope"},
    )
    assert status == 200 and body["code"] != 0 and "tenant_access_token" not in body
    assert fake.calls(TOKEN)[0].failed


def test_create_with_the_same_uuid_twice_makes_one_message(fake: FakeLark) -> None:
    token = tenant_token(fake)
    first = send(fake, token, "oc_1", **card_fields(CARD, uuid="u-1"))
    again = send(fake, token, "oc_1", **card_fields(CARD, uuid="u-1"))
    assert first[0] == again[0] == 200
    assert first[2]["code"] == 0 and first[2]["msg"] == "success"
    assert again[2]["data"]["message_id"] == first[2]["data"]["message_id"]
    assert len(fake.messages("oc_1")) == 1
    assert fake.cards("oc_1") == [CARD]
    assert [c.params["receive_id"] for c in fake.calls(CREATE)] == ["oc_1", "oc_1"]
    assert fake.calls(CREATE)[0].headers["Authorization"] == f"Bearer {token}"


def test_uuid_is_forgotten_after_an_hour(fake: FakeLark) -> None:
    token = tenant_token(fake)
    now = [fake.clock()]
    fake.clock = lambda: now[0]
    send(fake, token, "oc_1", msg_type="text", content='{"text": "hi"}', uuid="u-2")
    now[0] += 3601
    fake.expire_tokens()
    token = tenant_token(fake)
    send(fake, token, "oc_1", msg_type="text", content='{"text": "hi"}', uuid="u-2")
    assert len(fake.messages("oc_1")) == 2


def test_a_file_message_is_kept_with_whom_it_was_sent_to(fake: FakeLark) -> None:
    token = tenant_token(fake)
    boundary = "lark-boundary"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file_type"\r\n\r\nstream\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file_name"\r\n\r\nx.csv\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n'
        "\r\na,b\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    status, _, body = call(
        fake,
        "POST",
        "/open-apis/im/v1/files",
        raw=multipart,
        token=token,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert status == 200 and body["code"] == 0
    content = json.dumps({"file_key": body["data"]["file_key"]})
    status, _, body = call(
        fake,
        "POST",
        "/open-apis/im/v1/messages?receive_id_type=open_id",
        {"receive_id": "ou_1", "msg_type": "file", "content": content},
        token=token,
    )
    assert status == 200 and body["code"] == 0
    assert fake.file_messages() == [
        {
            "chat_id": fake.dm("ou_1"),
            "receive_id_type": "open_id",
            "receive_id": "ou_1",
            "file_name": "x.csv",
            "content": b"a,b",
        }
    ]
    assert fake.file_messages("oc_1") == []


def test_reply_patch_and_image(fake: FakeLark) -> None:
    token = tenant_token(fake)
    root = send(fake, token, "oc_1", msg_type="text", content='{"text": "q"}')[2]["data"]
    status, _, body = call(
        fake,
        "POST",
        f"/open-apis/im/v1/messages/{root['message_id']}/reply",
        card_fields(CARD, uuid="r-1"),
        token=token,
    )
    assert status == 200 and body["code"] == 0
    reply = body["data"]
    assert reply["parent_id"] == reply["root_id"] == root["message_id"]
    assert reply["chat_id"] == "oc_1"
    assert fake.calls(REPLY)[0].params["message_id"] == root["message_id"]

    updated = {**CARD, "elements": [{"tag": "markdown", "content": "done"}]}
    status, _, body = call(
        fake,
        "PATCH",
        f"/open-apis/im/v1/messages/{reply['message_id']}",
        {"content": json.dumps(updated)},
        token=token,
    )
    assert status == 200 and body == {"code": 0, "msg": "success", "data": {}}
    assert fake.cards("oc_1") == [updated]
    assert fake.patches(reply["message_id"]) == [
        {"message_id": reply["message_id"], "card": updated}
    ]
    refused = call(
        fake,
        "PATCH",
        f"/open-apis/im/v1/messages/{root['message_id']}",
        {"content": json.dumps(updated)},
        token=token,
    )
    assert refused[2]["code"] != 0 and fake.calls(PATCH)[-1].failed

    boundary = "lark-boundary"
    multipart = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image_type"\r\n\r\nmessage\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="c.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + PNG
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _, body = call(
        fake,
        "POST",
        "/open-apis/im/v1/images",
        raw=multipart,
        token=token,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert status == 200 and body["code"] == 0
    key = body["data"]["image_key"]
    assert fake.images() == [
        {"image_key": key, "image_type": "message", "length": len(PNG), "content": PNG}
    ]
    image = json.dumps({"image_key": key})
    assert send(fake, token, "oc_2", msg_type="image", content=image)[2]["code"] == 0
    assert send(fake, token, "oc_2", msg_type="image", content='{"image_key": "x"}')[2]["code"]
    assert [m["msg_type"] for m in fake.messages("oc_2")] == ["image"]
    assert len(fake.calls(IMAGE)) == 1


def test_rate_limit_answers_429_with_reset_then_succeeds(fake: FakeLark) -> None:
    token = tenant_token(fake)
    fake.fail(CREATE, times=2, reset=3)
    for _ in range(2):
        status, headers, body = send(fake, token, "oc_1", **card_fields(CARD))
        assert status == 429 and body["code"] == RATE_LIMITED
        lowered = {k.lower(): v for k, v in headers.items()}
        assert lowered["x-ogw-ratelimit-reset"] == "3"
        assert int(lowered["x-ogw-ratelimit-limit"]) > 0
    status, _, body = send(fake, token, "oc_1", **card_fields(CARD))
    assert status == 200 and body["code"] == 0
    assert [c.failed for c in fake.calls(CREATE)] == [True, True, False]
    assert len(fake.messages("oc_1")) == 1

    fake.fail(CREATE, status=503)
    status, _, body = send(fake, token, "oc_1", **card_fields(CARD))
    assert status == 503 and body["code"] != 0


def test_rate_limit_of_an_older_api_answers_400_with_the_same_code_and_reset(
    fake: FakeLark,
) -> None:
    """Lark's frequency-control guide: older APIs answer a rate limit with HTTP 400, code
    99991400 and the same headers."""
    token = tenant_token(fake)
    fake.fail(CREATE, status=400, code=RATE_LIMITED, reset=0)
    status, headers, body = send(fake, token, "oc_1", **card_fields(CARD))
    lowered = {k.lower(): v for k, v in headers.items()}
    assert (status, body["code"], body["msg"]) == (400, 99991400, "request trigger frequency limit")
    assert lowered["x-ogw-ratelimit-reset"] == "0"
    assert send(fake, token, "oc_1", **card_fields(CARD))[0] == 200


def test_reset_after_stores_the_message_and_drops_the_connection(fake: FakeLark) -> None:
    token = tenant_token(fake)
    fake.reset_after(CREATE)
    with pytest.raises(ConnectionError):  # RemoteDisconnected: no answer at all
        send(fake, token, "oc_1", **card_fields(CARD, uuid="u-3"))
    status, _, body = send(fake, token, "oc_1", **card_fields(CARD, uuid="u-3"))
    assert status == 200 and body["code"] == 0
    [message] = fake.messages("oc_1")  # the retry with the uuid found the first one
    assert body["data"]["message_id"] == message["message_id"]
    assert [c.dropped for c in fake.calls(CREATE)] == [True, False]


def test_contact_user_get_tells_a_users_departments(fake: FakeLark) -> None:
    token = tenant_token(fake)

    def get(user: str, department_id_type: str = "open_department_id", **auth: Any) -> Response:
        query = f"user_id_type=open_id&department_id_type={department_id_type}"
        path = f"/open-apis/contact/v3/users/{user}?{query}"
        return call(fake, "GET", path, raw=b"", **({"token": token} | auth))

    fake.set_departments("ou_farah", ["od-cmmy", "od-all"])
    status, _, body = get("ou_farah")
    assert status == 200 and body["code"] == 0
    assert body["data"]["user"]["department_ids"] == ["od-cmmy", "od-all"]
    assert get("ou_farah", "department_id")[2]["code"] == INVALID_PARAM
    unknown = get("ou_nobody")
    assert unknown[0] == 400 and unknown[2]["code"] == NO_USER_AUTHORITY
    assert get("ou_farah", token=None)[2]["code"] == MISSING_TOKEN
    asked = [c.params["user_id"] for c in fake.calls(CONTACT_USER)]
    assert asked == ["ou_farah", "ou_farah", "ou_nobody", "ou_farah"]


def test_im_calls_need_an_issued_token(fake: FakeLark) -> None:
    seen: list[str] = []
    fake.on_call = lambda method, params: seen.append(method)
    status, _, body = send(fake, "", "oc_1", **card_fields(CARD))
    assert status == 400 and body["code"] == MISSING_TOKEN
    status, _, body = send(fake, "t-forged", "oc_1", **card_fields(CARD))
    assert status == 400 and body["code"] == INVALID_TOKEN
    token = tenant_token(fake)
    fake.expire_tokens()
    assert send(fake, token, "oc_1", **card_fields(CARD))[2]["code"] == INVALID_TOKEN
    assert fake.messages() == [] and seen == []
    token = tenant_token(fake)
    assert send(fake, token, "oc_1", **card_fields(CARD))[2]["code"] == 0
    assert seen == [CREATE]
    fake.wait_for(lambda: len(fake.messages("oc_1")) == 1)


def test_message_event_shape() -> None:
    body = le.message_event(
        "@_user_1 leaderboard gmv 7d", "oc_9", mentions=[le.BOT_OPEN_ID], event_id="ev-1"
    )
    assert body["schema"] == "2.0"
    assert body["header"]["event_id"] == "ev-1"
    assert body["header"]["event_type"] == "im.message.receive_v1"
    message = body["event"]["message"]
    assert json.loads(message["content"]) == {"text": "@_user_1 leaderboard gmv 7d"}
    assert message["chat_id"] == "oc_9" and message["chat_type"] == "group"
    assert message["mentions"][0]["key"] == "@_user_1"
    assert message["mentions"][0]["id"]["open_id"] == le.BOT_OPEN_ID
    p2p = le.message_event("help", chat_type="p2p")
    assert p2p["event"]["message"]["chat_type"] == "p2p"
    assert "mentions" not in p2p["event"]["message"]


def test_card_action_and_url_verification_shapes() -> None:
    body = le.card_action({"cmd": "refresh"}, "ou_7", "om_5", form_value={"days": "7"})
    assert body["header"]["event_type"] == "card.action.trigger"
    event = body["event"]
    assert event["operator"]["open_id"] == "ou_7"
    assert event["action"]["value"] == {"cmd": "refresh"}
    assert event["action"]["form_value"] == {"days": "7"}
    assert event["context"]["open_message_id"] == "om_5"
    assert le.url_verification("ch-1", "vt") == {
        "challenge": "ch-1",
        "token": "vt",
        "type": "url_verification",
    }


def test_signed_round_trips_and_matches_the_formula() -> None:
    body = le.message_event("@_user_1 hi", mentions=[le.BOT_OPEN_ID])
    raw, headers = le.signed(body, "ek", "vt", timestamp=1700000000, nonce="n1")
    assert set(json.loads(raw)) == {"encrypt"}  # nothing readable travels in the clear
    opened = le.opened(raw, headers, "ek")
    assert opened["header"]["token"] == "vt"
    assert {**opened, "header": {**opened["header"], "token": body["header"]["token"]}} == body
    expected = hashlib.sha256(b"1700000000" + b"n1" + b"ek" + raw).hexdigest()
    assert headers["X-Lark-Signature"] == expected
    assert headers["X-Lark-Request-Timestamp"] == "1700000000"
    assert headers["X-Lark-Request-Nonce"] == "n1"
    with pytest.raises(ValueError):
        le.opened(raw, headers, "other-key")
    raw, headers = le.signed(le.url_verification("c"), "ek", "vt2")
    assert le.opened(raw, headers, "ek")["token"] == "vt2"
    raw, headers = le.signed(body, "ek", "vt", encrypted=False)
    assert json.loads(raw)["header"]["token"] == "vt"


def test_encryption_is_the_one_lark_sdk_decrypts() -> None:
    from lark_oapi.core.utils import AESCipher

    sealed = le.encrypt("héllo".encode(), "k1")
    assert AESCipher("k1").decrypt_str(sealed) == "héllo"
    assert le.decrypt(sealed, "k1") == "héllo".encode()


def test_a_file_a_user_sent_is_downloaded_with_a_tenant_token_only(fake: FakeLark) -> None:
    fake.add_resource("om_1", "file_v3_1", b"date,market\n")
    path = "/open-apis/im/v1/messages/om_1/resources/file_v3_1?type=file"
    request = urllib.request.Request(
        f"{fake.base_url}{path}", headers={"Authorization": f"Bearer {tenant_token(fake)}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b"date,market\n"
        assert response.headers["Content-Length"] == "12"
    assert call(fake, "GET", path)[2]["code"] == MISSING_TOKEN
    unknown = call(fake, "GET", path.replace("file_v3_1", "file_v3_2"), token=tenant_token(fake))
    assert unknown[0] == 400


def table_component(**extra: Any) -> dict[str, Any]:
    return {
        "tag": "table",
        "page_size": 10,
        "columns": [{"name": "c0", "display_name": "Creator", "data_type": "lark_md"}],
        "rows": [{"c0": "amir"}],
        **extra,
    }


def with_body(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"schema": "2.0", "body": {"elements": list(elements)}}


@pytest.mark.parametrize(
    "card",
    [
        with_body(*(table_component() for _ in range(6))),  # at most five
        with_body(table_component(page_size=11)),  # ten rows a page at most
        with_body(table_component(rows=[{"c9": "x"}])),  # a cell of no column
        with_body(table_component(colour="red")),  # JSON 2.0 refuses unknown attributes
        with_body(
            {
                "tag": "column_set",
                "columns": [{"tag": "column", "elements": [table_component()]}],
            }
        ),  # only at the root
    ],
)
def test_a_malformed_table_component_is_refused(fake: FakeLark, card: dict[str, Any]) -> None:
    status, _, body = send(fake, tenant_token(fake), "oc_1", **card_fields(card))
    assert status == 400 and body["code"] != 0
    assert fake.cards("oc_1") == []


def test_five_table_components_at_the_root_are_taken(fake: FakeLark) -> None:
    card = with_body(*(table_component(row_height="auto") for _ in range(5)))
    status, _, body = send(fake, tenant_token(fake), "oc_1", **card_fields(card))
    assert status == 200 and body["code"] == 0
