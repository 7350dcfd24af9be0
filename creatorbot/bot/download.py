"""Downloading a file someone dropped in chat, never more than a limit: a larger file is refused
by its declared length before its body is read, and cut off if it lies."""

from __future__ import annotations

import urllib.request
from collections.abc import Mapping

from creatorbot.storage.staged import TooLarge

TIMEOUT = 30.0  # seconds to connect, and between two reads


class NotAFile(OSError):
    """The platform answered with a page instead of the file (a sign-in page, an error)."""


def download(url: str, headers: Mapping[str, str], limit: int) -> bytes:
    """The body at `url`; `TooLarge` past `limit` bytes, `NotAFile` for an HTML answer."""
    request = urllib.request.Request(url, headers=dict(headers))
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (the platform's URL)
        declared = response.headers.get("Content-Length") or ""
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(f"{declared} bytes; at most {limit}")
        if (response.headers.get("Content-Type") or "").startswith("text/html"):
            raise NotAFile("the platform answered with a web page, not the file")
        body = bytes(response.read(limit + 1))
    if len(body) > limit:
        raise TooLarge(f"more than {limit} bytes")
    return body
