"""Liveness and readiness: what `/livez` and `/readyz` answer, and what keeps a bot from ready."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Protocol

from sqlalchemy import Engine

from creatorbot.storage.db import current_revision, head_revision

logger = logging.getLogger(__name__)

OK = "ok"


class Connected(Protocol):
    """A platform that can say whether it can be reached (its connection is up, or signed
    requests can be verified)."""

    def connected(self) -> bool: ...


def readiness(engine: Engine, platforms: Mapping[str, Connected]) -> dict[str, str]:
    """Each check by name (`database`, `migrations`, then each platform) and "ok" or what is
    wrong; the bot is ready when every one is "ok"."""
    checks: dict[str, str] = {}
    try:
        current = current_revision(engine)
    except Exception as exc:
        logger.warning("readiness: database unreachable", extra={"error": type(exc).__name__})
        checks["database"] = "unreachable"
        checks["migrations"] = "unknown"
    else:
        checks["database"] = OK
        head = head_revision()
        behind = f"at {current or 'none'}, needs {head}: run `creatorbot db upgrade`"
        checks["migrations"] = OK if current == head else behind
    for name, platform in platforms.items():
        try:
            up = platform.connected()
        except Exception:
            logger.exception("readiness: %s could not say whether it is connected", name)
            up = False
        checks[name] = OK if up else "not connected"
    return checks


def ready(checks: Mapping[str, str]) -> bool:
    """Whether every check passed."""
    return all(value == OK for value in checks.values())


Readiness = Callable[[], dict[str, str]]
