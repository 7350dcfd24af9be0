"""Boards: the top rows of every standard leaderboard, recomputed whenever daily metrics or
creators are written, so a leaderboard is one indexed read."""

from typing import TYPE_CHECKING

from creatorbot import lazy

if TYPE_CHECKING:
    from creatorbot.storage.boards.refresh import refresh_boards
    from creatorbot.storage.boards.scopes import PERIODS, TOP, scope_of

__all__ = ["PERIODS", "TOP", "refresh_boards", "scope_of"]
__getattr__ = lazy.names(
    __name__,
    {"PERIODS": "scopes", "TOP": "scopes", "scope_of": "scopes", "refresh_boards": "refresh"},
)
