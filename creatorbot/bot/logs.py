"""Logging setup: one line per event, with its structured context as key=value pairs."""

from __future__ import annotations

import logging
import sys

STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class ContextFormatter(logging.Formatter):
    """Appends a record's extra fields (command, user, latency_ms, …) to the message."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in record.__dict__.items() if k not in STANDARD}
        if extras:
            line += " " + " ".join(f"{key}={value}" for key, value in sorted(extras.items()))
        return line


def configure(level: str = "INFO") -> None:
    """Send logs to stderr; called once by the CLI, never at import."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ContextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # APScheduler logs every heartbeat at INFO; its warnings and errors are what matter.
    logging.getLogger("apscheduler").setLevel(max(root.level, logging.WARNING))
