"""Leaderboards of any window, filter and campaign ranked in numpy from the day columns, with
what they read cached in process and checked against the database's write stamps."""

from creatorbot.storage.ranking.board import Ranking, rank_window
from creatorbot.storage.ranking.cache import configure
from creatorbot.storage.ranking.people import category_names

__all__ = ["Ranking", "category_names", "configure", "rank_window"]
