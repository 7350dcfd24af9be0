"""Optional dependencies (pyproject's extras): import one, or say in one line how to install it."""

from __future__ import annotations

import importlib
from types import ModuleType

# What each extra is for, as the hint says it.
PURPOSES = {
    "slack": "Slack",
    "lark": "Lark",
    "postgres": "PostgreSQL",
    "sentry": "Sending errors to Sentry (SENTRY_DSN)",
    "otel": "Sending traces to OTEL_EXPORTER_OTLP_ENDPOINT",
}


class MissingExtra(ImportError):
    """An extra a command needs is not installed; the message is the install hint."""

    def __init__(self, extra: str) -> None:
        super().__init__(
            f"{PURPOSES[extra]} needs the {extra} extra, which is not installed: "
            f"pip install 'creatorbot[{extra}]'"
        )
        self.extra = extra


def need(extra: str, module: str) -> ModuleType:
    """`module`, imported; `MissingExtra` (with the hint) when `extra` is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(extra) from exc
