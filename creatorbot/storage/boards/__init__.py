"""Boards: the top rows of every standard leaderboard, recomputed whenever daily metrics or
creators are written, so a leaderboard is one indexed read."""

from creatorbot.storage.boards.compute import PERIODS, TOP, scope_of
from creatorbot.storage.boards.refresh import refresh_boards

__all__ = ["PERIODS", "TOP", "refresh_boards", "scope_of"]
