"""Segments: each market's attention, potential, level-up, at-risk, dormant and new creators,
computed from the day columns by the write path and kept, with the figures that explain them."""

from typing import TYPE_CHECKING

from creatorbot import lazy

if TYPE_CHECKING:
    from creatorbot.storage.segments.read import (
        creator_segments,
        segment_members,
        segment_rows,
        segment_stamp,
    )
    from creatorbot.storage.segments.refresh import refresh_segments, refresh_stale, stale_markets
    from creatorbot.storage.segments.rules import configure

__all__ = [
    "configure",
    "creator_segments",
    "refresh_segments",
    "refresh_stale",
    "segment_members",
    "segment_rows",
    "segment_stamp",
    "stale_markets",
]
__getattr__ = lazy.names(
    __name__,
    {
        **dict.fromkeys(
            ("creator_segments", "segment_members", "segment_rows", "segment_stamp"), "read"
        ),
        **dict.fromkeys(("refresh_segments", "refresh_stale", "stale_markets"), "refresh"),
        "configure": "rules",
    },
)
