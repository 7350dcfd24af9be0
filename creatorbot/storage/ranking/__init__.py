"""Leaderboards of any window, filter and campaign ranked in numpy from the day columns, with
what they read cached in process and checked against the database's write stamps."""

from typing import TYPE_CHECKING

from creatorbot import lazy

if TYPE_CHECKING:
    from creatorbot.storage.ranking.board import Ranking, rank_window
    from creatorbot.storage.ranking.cache import configure
    from creatorbot.storage.ranking.people import category_names

__all__ = ["Ranking", "category_names", "configure", "rank_window"]
__getattr__ = lazy.names(
    __name__,
    {"Ranking": "board", "rank_window": "board", "configure": "cache", "category_names": "people"},
)
