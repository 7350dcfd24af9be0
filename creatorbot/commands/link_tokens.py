"""Signed form links: a token naming a link's id and expiry, signed with HMAC-SHA256, and the
CSRF token a rendered form carries, bound to that link. Nothing personal is in either."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass

VERSION = 1
MAC_BYTES = 16  # HMAC-SHA256 truncated to 128 bits (RFC 2104 §5): a short URL, still unforgeable
_LINK = struct.Struct(">BQI")  # version, link id, expiry (seconds since 1970, UTC)
_CSRF = struct.Struct(">BQQ8s")  # version, link id, issued (ms since 1970), nonce
MIN_SECRET = 32  # characters of CREATORBOT_LINK_SECRET


@dataclass(frozen=True)
class LinkClaim:
    """What a valid link token says: the link's id and when it stops working."""

    link_id: int
    expires_at: dt.datetime


@dataclass(frozen=True)
class FormTicket:
    """What a valid CSRF token says: the link it was rendered for, when, and its nonce."""

    link_id: int
    issued_at: dt.datetime
    nonce: str


@dataclass(frozen=True)
class LinkKeys:
    """The secret links are signed with, the previous one (still accepted while links signed
    with it live: a rotation), the public base URL and how many days a new link lives."""

    secret: bytes
    previous: bytes | None = None
    public_url: str = ""
    days: int = 14

    def url(self, token: str) -> str:
        """The address a creator opens."""
        return f"{self.public_url.rstrip('/')}/f/{token}"

    def link_token(self, link_id: int, expires_at: dt.datetime) -> str:
        """The token for a link: url-safe base64 of (version, id, expiry) and its MAC."""
        payload = _LINK.pack(VERSION, link_id, int(expires_at.timestamp()))
        return _b64(payload + _mac(self.secret, b"link", payload))

    def read_link(self, token: str) -> LinkClaim | None:
        """What a link token says when it was signed with one of our secrets (expired or not:
        the caller tells); None when it is garbled, forged or altered."""
        raw = _unb64(token, _LINK.size + MAC_BYTES)
        if raw is None or not self._signed(b"link", raw[: _LINK.size], raw[_LINK.size :]):
            return None
        version, link_id, expires = _LINK.unpack(raw[: _LINK.size])
        if version != VERSION:
            return None
        return LinkClaim(link_id, dt.datetime.fromtimestamp(expires, dt.UTC))

    def form_token(self, link_id: int, now: dt.datetime) -> str:
        """A CSRF token for one rendering of a link's form, with a fresh nonce."""
        millis = int(now.timestamp() * 1000)
        payload = _CSRF.pack(VERSION, link_id, millis, secrets.token_bytes(8))
        return _b64(payload + _mac(self.secret, b"csrf", payload))

    def read_form(self, token: str) -> FormTicket | None:
        """What a CSRF token says when we signed it; None when it is garbled or forged."""
        raw = _unb64(token, _CSRF.size + MAC_BYTES)
        if raw is None or not self._signed(b"csrf", raw[: _CSRF.size], raw[_CSRF.size :]):
            return None
        version, link_id, millis, nonce = _CSRF.unpack(raw[: _CSRF.size])
        if version != VERSION:
            return None
        issued = dt.datetime.fromtimestamp(millis / 1000, dt.UTC)
        return FormTicket(link_id, issued, nonce.hex())

    def _signed(self, purpose: bytes, payload: bytes, mac: bytes) -> bool:
        keys = [self.secret] + ([self.previous] if self.previous else [])
        # Both compared whatever the first gives: the time taken says nothing of which matched.
        matches = [hmac.compare_digest(_mac(key, purpose, payload), mac) for key in keys]
        return any(matches)


def _mac(key: bytes, purpose: bytes, payload: bytes) -> bytes:
    """The MAC of `payload` for one purpose: a link token is never taken as a CSRF token."""
    return hmac.new(key, b"creatorbot:" + purpose + b":" + payload, hashlib.sha256).digest()[
        :MAC_BYTES
    ]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(token: str, size: int) -> bytes | None:
    """The bytes of a url-safe base64 token of exactly `size` bytes, else None."""
    if not token.isascii() or len(token) > 2 * size:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == size and _b64(raw) == token else None
