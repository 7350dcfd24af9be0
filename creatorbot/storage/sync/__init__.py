"""Warehouse sync: canonical rows read from a SQL warehouse, streamed through the import path."""

from typing import TYPE_CHECKING

from creatorbot import lazy

if TYPE_CHECKING:
    from creatorbot.storage.sync.run import SyncFailed, sync_source
    from creatorbot.storage.sync.sources import Source, SourcesError, load_sources

__all__ = ["Source", "SourcesError", "SyncFailed", "load_sources", "sync_source"]
# The sources' checks at start (`creatorbot run`) import neither the reading nor the writing.
__getattr__ = lazy.names(
    __name__,
    {
        **dict.fromkeys(("SyncFailed", "sync_source"), "run"),
        **dict.fromkeys(("Source", "SourcesError", "load_sources"), "sources"),
    },
)
