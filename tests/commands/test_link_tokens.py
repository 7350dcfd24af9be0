"""Link and CSRF tokens: what they carry (ids and times, nothing personal), that any change to
one is refused, that they are not interchangeable, and rotation with a previous secret."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import struct

from creatorbot.commands.link_tokens import LinkKeys

KEYS = LinkKeys(b"s" * 32, None, "https://bot.example.com/", 14)
EXPIRES = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 24, 9, 0, 0, 250_000, tzinfo=dt.UTC)


def test_a_link_token_carries_its_id_and_expiry_signed_and_nothing_else() -> None:
    token = KEYS.link_token(1234, EXPIRES)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)  # url-safe, no padding
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    payload, mac = raw[:13], raw[13:]
    assert struct.unpack(">BQI", payload) == (1, 1234, int(EXPIRES.timestamp()))
    expected = hmac.new(b"s" * 32, b"creatorbot:link:" + payload, hashlib.sha256).digest()[:16]
    assert mac == expected  # HMAC-SHA256, truncated to 128 bits
    claim = KEYS.read_link(token)
    assert claim is not None and (claim.link_id, claim.expires_at) == (1234, EXPIRES)
    assert KEYS.url(token) == f"https://bot.example.com/f/{token}"


def test_every_change_to_a_token_is_refused() -> None:
    token = KEYS.link_token(7, EXPIRES)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for at in range(len(token)):
        for other in alphabet:
            if other != token[at]:
                assert KEYS.read_link(token[:at] + other + token[at + 1 :]) is None
    for bad in ("", token[:-1], token + "A", token + "=", " " + token, "é" * 39):
        assert KEYS.read_link(bad) is None


def test_a_csrf_ticket_is_bound_to_its_link_and_never_a_link_token() -> None:
    ticket = KEYS.form_token(7, NOW)
    found = KEYS.read_form(ticket)
    assert found is not None and found.link_id == 7
    assert found.issued_at == dt.datetime(2026, 11, 24, 9, 0, 0, 250_000, tzinfo=dt.UTC)
    assert KEYS.form_token(7, NOW) != ticket  # a fresh nonce each rendering
    assert KEYS.read_link(ticket) is None
    assert KEYS.read_form(KEYS.link_token(7, EXPIRES)) is None
    assert LinkKeys(b"t" * 32).read_form(ticket) is None


def test_rotation_accepts_the_previous_secret_until_it_is_dropped() -> None:
    old = KEYS.link_token(9, EXPIRES)
    rotated = LinkKeys(b"n" * 32, b"s" * 32)
    assert rotated.read_link(old) == KEYS.read_link(old)
    assert KEYS.read_link(rotated.link_token(9, EXPIRES)) is None  # new links: the new secret
    assert LinkKeys(b"n" * 32).read_link(old) is None
