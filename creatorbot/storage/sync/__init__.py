"""Warehouse sync: canonical rows read from a SQL warehouse, streamed through the import path."""

from creatorbot.storage.sync.run import SyncFailed, sync_source
from creatorbot.storage.sync.sources import Source, SourcesError, load_sources

__all__ = ["Source", "SourcesError", "SyncFailed", "load_sources", "sync_source"]
