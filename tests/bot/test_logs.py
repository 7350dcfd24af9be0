"""`LOG_FORMAT=json`: every record is one JSON object on one line, tracebacks included, and
chat user ids appear only hashed."""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Iterator

import pytest

from creatorbot.bot import logs


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    before = (root.handlers[:], root.level)
    logs.configure("INFO", "json")
    stream = io.StringIO()
    root.handlers[0].setStream(stream)  # type: ignore[attr-defined]
    try:
        yield stream
    finally:
        root.handlers[:], level = before
        root.setLevel(level)


def test_each_record_is_one_json_line(captured: io.StringIO) -> None:
    log = logging.getLogger("creatorbot.test")
    log.info("command answered", extra={"command": "leaderboard", "user": "U1", "latency_ms": 4.5})
    try:
        raise ValueError("line one\nline two")
    except ValueError:
        log.exception("command failed", extra={"ref": "abc"})

    lines = captured.getvalue().splitlines()

    assert len(lines) == 2
    answered, failed = (json.loads(line) for line in lines)
    assert answered["message"] == "command answered"
    assert answered["level"] == "INFO"
    assert answered["logger"] == "creatorbot.test"
    assert answered["command"] == "leaderboard"
    assert answered["latency_ms"] == 4.5
    assert answered["user_hash"] == hashlib.sha256(b"U1").hexdigest()[:12]
    assert "U1" not in lines[0]
    assert failed["level"] == "ERROR"
    assert failed["ref"] == "abc"
    assert "ValueError: line one\nline two" in failed["exception"]


def test_text_stays_the_default() -> None:
    assert isinstance(logs.formatter(), logs.ContextFormatter)
