"""Lark's card callbacks in the format before 2.0 (sent to a card request URL set under
Features → Bot): recognised, checked the way Lark signs them, and turned into the
`card.action.trigger` event the handlers already answer."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from creatorbot.bot.lark.handlers import CARD_ACTION

# What the old format carries instead of `schema` and `header`.
FIELDS = ("open_id", "open_message_id", "open_chat_id")


def is_card_action(body: dict[str, Any]) -> bool:
    """A flat card callback: no schema or header, an action, and who clicked where."""
    return (
        "schema" not in body
        and "header" not in body
        and isinstance(body.get("action"), dict)
        and any(body.get(name) for name in FIELDS)
    )


def signature_matches(
    timestamp: str, nonce: str, verification_token: str, raw: bytes, signature: str
) -> bool:
    """Lark signs these with sha1(timestamp + nonce + verification token + raw body), as
    lark_oapi's CardActionHandler checks (2.0 callbacks: sha256 with the encrypt key)."""
    signed = (timestamp + nonce + verification_token).encode() + raw
    return hmac.compare_digest(hashlib.sha1(signed).hexdigest().encode(), signature.encode())


def as_card_action(body: dict[str, Any]) -> dict[str, Any]:
    """The same click as a 2.0 `card.action.trigger` event. It has no event id (Lark does not
    re-deliver card callbacks); its `token` is the card's update token, kept as such."""
    return {
        "schema": "2.0",
        "header": {"event_type": CARD_ACTION, "tenant_key": str(body.get("tenant_key") or "")},
        "event": {
            "operator": {"open_id": str(body.get("open_id") or "")},
            "token": str(body.get("token") or ""),
            "action": body["action"],
            "context": {
                "open_message_id": str(body.get("open_message_id") or ""),
                "open_chat_id": str(body.get("open_chat_id") or ""),
            },
        },
    }
