"""Charts kept as files in a folder every worker process of one bot shares, so a chart one
process drew is not drawn again by the others: only the bot writes there (a private folder its
supervisor made), a file is replaced whole or not at all, and the oldest go past a bound."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Hashable
from pathlib import Path

from creatorbot.commands.reply import Image

SHELVED = 512  # files kept (a chart is some 30–60 KB), the least recently written dropped first
SUFFIX = ".chart"


class Shelf:
    """Images by name and key, as files in `folder`."""

    def __init__(self, folder: Path, kept: int = SHELVED) -> None:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder = folder
        self.kept = kept

    def get(self, name: str, key: Hashable) -> Image | None:
        """The image kept for `name` and `key`; None if none is, or the file is unreadable."""
        try:
            data = self._path(name, key).read_bytes()
            header, _, png = data.partition(b"\n")
            words = json.loads(header)
            return Image(png=png, title=str(words["title"]), alt=str(words["alt"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, name: str, key: Hashable, image: Image) -> None:
        """Keep `image`; a folder that cannot be written to only means it is drawn again."""
        header = json.dumps({"title": image.title, "alt": image.alt}).encode()
        with contextlib.suppress(OSError):
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(header + b"\n" + image.png)
                now = time.time_ns()  # to the nanosecond: the file clock may be coarser
                os.utime(temporary, ns=(now, now))
                os.replace(temporary, self._path(name, key))
            except OSError:
                Path(temporary).unlink(missing_ok=True)
                raise
            self._trim()

    def _path(self, name: str, key: Hashable) -> Path:
        # repr of the memo's keys (strings, numbers, dates and tuples of them, each with its
        # type) is the same in every process of the same code
        digest = hashlib.sha256(f"{name}\n{key!r}".encode()).hexdigest()
        return self.folder / f"{digest}{SUFFIX}"

    def _trim(self) -> None:
        entries = []
        for entry in os.scandir(self.folder):
            if entry.name.endswith(SUFFIX):
                with contextlib.suppress(OSError):  # another process may just have removed it
                    entries.append((entry.stat().st_mtime_ns, entry.path))
        if len(entries) > self.kept:
            for _, path in sorted(entries)[: len(entries) - self.kept]:
                Path(path).unlink(missing_ok=True)
