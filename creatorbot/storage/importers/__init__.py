"""Importers for the canonical CSV/XLSX files: validate every row, then write in one go."""

from creatorbot.storage.importers.errors import ImportFailed, RowError
from creatorbot.storage.importers.kinds import KINDS
from creatorbot.storage.importers.run import (
    ImportResult,
    Prepared,
    Preview,
    import_file,
    prepare,
    write,
)

__all__ = [
    "KINDS",
    "ImportFailed",
    "ImportResult",
    "Prepared",
    "Preview",
    "RowError",
    "import_file",
    "prepare",
    "write",
]
