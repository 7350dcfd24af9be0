"""Event callbacks shaped, encrypted and signed as Lark sends them to the bot (schema 2.0), and
the older card callbacks some apps still receive (no schema, signed with the verification token)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from functools import partial
from typing import Any, Literal

from Crypto.Cipher import AES
from Crypto.Util.Padding import pad, unpad

APP_ID = "cli_test_app"
TENANT_KEY = "tenant_test"
BOT_OPEN_ID = "ou_bot"
VERIFICATION_TOKEN = "test-verification-token"
ENCRYPT_KEY = "test-encrypt-key"
JSON = "application/json; charset=utf-8"

Body = dict[str, Any]


def _header(event_type: str, event_id: str | None, token: str) -> Body:
    return {
        "event_id": event_id or secrets.token_hex(16),
        "token": token,
        "create_time": str(int(time.time() * 1000)),
        "event_type": event_type,
        "tenant_key": TENANT_KEY,
        "app_id": APP_ID,
    }


def _user_ids(open_id: str) -> Body:
    return {"union_id": f"on_{open_id}", "user_id": f"u_{open_id}", "open_id": open_id}


def mention(open_id: str, index: int = 1, name: str | None = None) -> Body:
    """One entry of message.mentions; its key "@_user_<index>" stands in the text."""
    return {
        "key": f"@_user_{index}",
        "id": _user_ids(open_id),
        "name": name or ("creatorbot" if open_id == BOT_OPEN_ID else open_id),
        "tenant_key": TENANT_KEY,
    }


def message_event(
    text: str,
    chat_id: str = "oc_1",
    *,
    chat_type: Literal["group", "p2p"] = "group",
    mentions: list[str | Body] | None = None,
    event_id: str | None = None,
    message_id: str | None = None,
    open_id: str = "ou_1",
    root_id: str | None = None,
    parent_id: str | None = None,
    token: str = VERIFICATION_TOKEN,
    locale: str | None = None,
) -> Body:
    """An im.message.receive_v1 text message; `text` is sent as written ("@_user_1 leaderboard").
    With `locale`, the message carries the user agent of a Lark client set to it (what Lark
    sends an app with `im:user_agent:read`).

    `mentions` takes open_ids (keyed @_user_1, @_user_2, ... in order) or ready mention dicts.
    """
    now = str(int(time.time() * 1000))
    message: Body = {
        "message_id": message_id or f"om_{secrets.token_hex(12)}",
        "root_id": root_id or "",
        "parent_id": parent_id or "",
        "create_time": now,
        "update_time": now,
        "chat_id": chat_id,
        "chat_type": chat_type,
        "message_type": "text",
        "content": json.dumps({"text": text}, ensure_ascii=False),
    }
    if locale is not None:
        message["user_agent"] = (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 13_2_1) AppleWebKit/537.36 (KHTML, like Gecko)"
            f" Chrome/101.0.4951.53 Safari/537.36 Lark/6.7.5 LarkLocale/{locale} ttnet"
        )
    if mentions:
        message["mentions"] = [
            m if isinstance(m, dict) else mention(m, i) for i, m in enumerate(mentions, start=1)
        ]
    return {
        "schema": "2.0",
        "header": _header("im.message.receive_v1", event_id, token),
        "event": {
            "sender": {
                "sender_id": _user_ids(open_id),
                "sender_type": "user",
                "tenant_key": TENANT_KEY,
            },
            "message": message,
        },
    }


def card_action(
    value: Body,
    open_id: str = "ou_1",
    message_id: str = "om_1",
    form_value: Body | None = None,
    *,
    chat_id: str = "oc_1",
    event_id: str | None = None,
    tag: str = "button",
    name: str | None = None,
    token: str = VERIFICATION_TOKEN,
) -> Body:
    """A card.action.trigger callback: a button click, or a form submit when form_value is set."""
    action: Body = {"value": value, "tag": tag}
    if form_value is not None:
        action["form_value"] = form_value
        action["name"] = name or "submit"
    elif name is not None:
        action["name"] = name
    return {
        "schema": "2.0",
        "header": _header("card.action.trigger", event_id, token),
        "event": {
            "operator": {"tenant_key": TENANT_KEY, **_user_ids(open_id)},
            "token": f"c-{secrets.token_hex(16)}",
            "action": action,
            "host": "im_message",
            "context": {"open_message_id": message_id, "open_chat_id": chat_id},
        },
    }


def menu_click(key: str, open_id: str = "ou_1", *, event_id: str | None = None) -> Body:
    """An application.bot.menu_v6 event: a click on the bot menu item whose event key is `key`."""
    return {
        "schema": "2.0",
        "header": _header("application.bot.menu_v6", event_id, VERIFICATION_TOKEN),
        "event": {
            "operator": {"operator_name": open_id, "operator_id": _user_ids(open_id)},
            "event_key": key,
            "timestamp": int(time.time()),
        },
    }


def url_verification(challenge: str, token: str = VERIFICATION_TOKEN) -> Body:
    """The challenge Lark posts when the request URL is configured; answer {"challenge": ...}."""
    return {"challenge": challenge, "token": token, "type": "url_verification"}


def signature(timestamp: str, nonce: str, encrypt_key: str, raw: bytes) -> str:
    """X-Lark-Signature: sha256 hex of timestamp + nonce + encrypt_key + raw body."""
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + raw).hexdigest()


def encrypt(plaintext: bytes, encrypt_key: str = ENCRYPT_KEY) -> str:
    """Lark's body encryption: base64(iv + AES-256-CBC(PKCS#7(plaintext))), key sha256(key)."""
    iv = secrets.token_bytes(16)
    cipher = AES.new(hashlib.sha256(encrypt_key.encode()).digest(), AES.MODE_CBC, iv)
    return base64.b64encode(iv + cipher.encrypt(pad(plaintext, 16))).decode()


def decrypt(encrypted: str, encrypt_key: str = ENCRYPT_KEY) -> bytes:
    """The inverse of encrypt()."""
    raw = base64.b64decode(encrypted)
    cipher = AES.new(hashlib.sha256(encrypt_key.encode()).digest(), AES.MODE_CBC, raw[:16])
    return unpad(cipher.decrypt(raw[16:]), 16)


def signed(
    body: Body,
    encrypt_key: str = ENCRYPT_KEY,
    verification_token: str = VERIFICATION_TOKEN,
    *,
    timestamp: int | str | None = None,
    nonce: str | None = None,
    encrypted: bool = True,
) -> tuple[bytes, dict[str, str]]:
    """The raw body, carrying `verification_token`, encrypted with `encrypt_key` (as Lark
    sends it once an encrypt key is set) unless `encrypted=False`, and Lark's signature
    headers over that raw body."""
    stamped = copy.deepcopy(body)
    if isinstance(stamped.get("header"), dict):
        stamped["header"]["token"] = verification_token
    else:
        stamped["token"] = verification_token
    raw = json.dumps(stamped, ensure_ascii=False).encode()
    if encrypted:
        raw = json.dumps({"encrypt": encrypt(raw, encrypt_key)}).encode()
    return raw, _stamped(raw, partial(signature, encrypt_key=encrypt_key), timestamp, nonce)


def opened(raw: bytes, headers: dict[str, str], encrypt_key: str = ENCRYPT_KEY) -> Body:
    """What a receiver gets from a signed() request: signature checked, body parsed."""
    expected = signature(
        headers["X-Lark-Request-Timestamp"], headers["X-Lark-Request-Nonce"], encrypt_key, raw
    )
    if not hmac.compare_digest(expected, headers["X-Lark-Signature"]):
        raise ValueError("X-Lark-Signature does not match")
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("body is not a JSON object")
    if "encrypt" in body:
        body = json.loads(decrypt(body["encrypt"], encrypt_key))
    return body


def legacy_card_action(
    value: Body | str,
    open_id: str = "ou_1",
    message_id: str = "om_1",
    form_value: Body | None = None,
    *,
    chat_id: str = "oc_1",
    tag: str = "button",
) -> Body:
    """A card callback in the format before 2.0 (a card request URL set under Features → Bot):
    flat, no schema or header, and its `token` is the card's update token, not ours."""
    action: Body = {"value": value, "tag": tag}
    if form_value is not None:
        action["form_value"] = form_value
        action["name"] = "submit"
    return {
        "open_id": open_id,
        "user_id": f"u_{open_id}",
        "open_message_id": message_id,
        "open_chat_id": chat_id,
        "tenant_key": TENANT_KEY,
        "token": f"c-{secrets.token_hex(16)}",
        "action": action,
    }


def legacy_signature(timestamp: str, nonce: str, verification_token: str, raw: bytes) -> str:
    """X-Lark-Signature of an old card callback: sha1 hex of timestamp + nonce +
    verification_token + raw body (lark_oapi's CardActionHandler checks the same)."""
    return hashlib.sha1((timestamp + nonce + verification_token).encode() + raw).hexdigest()


def legacy_signed(
    body: Body,
    verification_token: str = VERIFICATION_TOKEN,
    *,
    encrypt_key: str | None = None,
    timestamp: int | str | None = None,
    nonce: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """An old card callback as Lark posts it: the body as is (encrypted when `encrypt_key` is
    given) and the signature headers over the raw body, keyed with the verification token."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    if encrypt_key is not None:
        raw = json.dumps({"encrypt": encrypt(raw, encrypt_key)}).encode()
    return raw, _stamped(
        raw, partial(legacy_signature, verification_token=verification_token), timestamp, nonce
    )


def _stamped(
    raw: bytes, sign: Callable[..., str], timestamp: int | str | None, nonce: str | None
) -> dict[str, str]:
    """The headers Lark sends with `raw`: a timestamp (now unless given), a nonce and `sign`'s
    signature over them and the body."""
    stamp = str(int(time.time())) if timestamp is None else str(timestamp)
    nonce = nonce or secrets.token_hex(8)
    return {
        "Content-Type": JSON,
        "X-Lark-Request-Timestamp": stamp,
        "X-Lark-Request-Nonce": nonce,
        "X-Lark-Signature": sign(timestamp=stamp, nonce=nonce, raw=raw),
    }
