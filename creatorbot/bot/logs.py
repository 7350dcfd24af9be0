"""Logging setup: one line per event, with its structured context as key=value pairs, or (for a
log collector, `LOG_FORMAT=json`) as one JSON object a line."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import sys
from typing import Any

STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
FORMATS = ("text", "json")


class ContextFormatter(logging.Formatter):
    """Appends a record's extra fields (command, user, latency_ms, …) to the message."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in record.__dict__.items() if k not in STANDARD}
        if extras:
            line += " " + " ".join(f"{key}={value}" for key, value in sorted(extras.items()))
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, its extra fields, and a
    traceback as one string. A chat user id is logged as a short hash (`user_hash`): a line
    can still be matched with the others of the same person, and a log leak names no one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in sorted(record.__dict__.items()):
            if key in STANDARD:
                continue
            if key == "user":
                entry["user_hash"] = user_hash(str(value))
            else:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def user_hash(user: str) -> str:
    """A chat user id, hashed: the same person always gets the same 12 characters."""
    return hashlib.sha256(user.encode()).hexdigest()[:12]


def formatter(fmt: str = "text") -> logging.Formatter:
    """The formatter of `LOG_FORMAT` (text or json)."""
    if fmt == "json":
        return JsonFormatter()
    return ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure(level: str = "INFO", fmt: str = "text") -> None:
    """Send logs to stderr; called once by the CLI, never at import."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(fmt))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # APScheduler logs every heartbeat at INFO; its warnings and errors are what matter.
    logging.getLogger("apscheduler").setLevel(max(root.level, logging.WARNING))
