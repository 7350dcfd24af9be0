"""Requests shaped and signed as Slack sends them to the bot, and a tiny client to post them."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

APP_ID = "A1"
TEAM_DOMAIN = "test"
BOT_USER_ID = "UBOT"
# The legacy verification token Slack still puts in payloads; Bolt ignores it.
VERIFICATION_TOKEN = "legacy-verification-token"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def slash_command(
    command: str,
    text: str,
    *,
    user_id: str = "U1",
    user_name: str = "farah",
    channel_id: str = "C1",
    channel_name: str = "general",
    team_id: str = "T1",
    response_url: str,
    trigger_id: str = "trg-1",
) -> bytes:
    """The form body of a slash command invocation."""
    form = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urlencode(form).encode()


def event(event: dict[str, Any], *, event_id: str, team_id: str = "T1") -> bytes:
    """The JSON body of an Events API `event_callback` wrapping `event`."""
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope).encode()


def block_action(
    action_id: str,
    value: str,
    *,
    user_id: str = "U1",
    channel_id: str = "C1",
    team_id: str = "T1",
    response_url: str | None = None,
    trigger_id: str = "trg-2",
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
) -> bytes:
    """The form body of a button click, in a message (default) or in a view when `view` is given."""
    container: dict[str, Any]
    if view is not None:
        container = {"type": "view", "view_id": view.get("id", "V1")}
    else:
        message = message or {"type": "message", "ts": "1700000000.000100", "text": ""}
        container = {
            "type": "message",
            "message_ts": message.get("ts"),
            "channel_id": channel_id,
            "is_ephemeral": False,
        }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": team_id,
        },
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "actions",
                "value": value,
                "type": "button",
                "text": {"type": "plain_text", "text": value},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    if view is not None:
        payload["view"] = view
    else:
        payload["channel"] = {"id": channel_id, "name": "general"}
        payload["message"] = message
    if response_url is not None:
        payload["response_url"] = response_url
    return urlencode({"payload": json.dumps(payload)}).encode()


def view_submission(
    callback_id: str,
    values: dict[str, Any],
    *,
    user_id: str = "U1",
    team_id: str = "T1",
    private_metadata: str = "",
    view_id: str = "V1",
    trigger_id: str = "trg-3",
) -> bytes:
    """The form body of a modal submitted with `values` (block_id → action_id → value)."""
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": {
            "id": user_id,
            "username": user_id.lower(),
            "name": user_id.lower(),
            "team_id": team_id,
        },
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": values},
            "hash": "1.hash",
            "title": {"type": "plain_text", "text": "creatorbot"},
            "root_view_id": view_id,
            "app_id": APP_ID,
            "bot_id": "BBOT",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def interactive(kind: str, *, user_id: str = "U1", team_id: str = "T1", **fields: Any) -> bytes:
    """The form body of any other interactive payload (`shortcut`, `message_action`,
    `view_closed`, `block_suggestion`, …) with the fields every one carries."""
    payload = {
        "type": kind,
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "is_enterprise_install": False,
        **fields,
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def signed_headers(
    body: bytes,
    secret: str,
    *,
    timestamp: int | str | None = None,
    content_type: str | None = None,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> dict[str, str]:
    """Slack's signature headers for `body`; a string timestamp is used (and signed) as given.

    The content type defaults to JSON for a body starting with "{", else to a form.
    """
    stamp = str(int(time.time())) if timestamp is None else str(timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    headers = {
        "Content-Type": content_type or (JSON if body.lstrip()[:1] == b"{" else FORM),
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature or "",
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
    if retry_reason is not None:
        headers["X-Slack-Retry-Reason"] = retry_reason
    return headers


def post(
    url: str, body: bytes, headers: dict[str, str], *, timeout: float = 10.0
) -> tuple[int, dict[str, str], bytes]:
    """POST `body` and return status, headers and body, 4xx and 5xx included."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers.items()), error.read()
