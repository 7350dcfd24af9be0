"""A progress bar on stderr for long CLI work, fed by the storage layer's progress callbacks."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tqdm import tqdm


class ProgressBar:
    """Counts rows as they are written; drawn only once `start` is called."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self._bar: tqdm[Any] | None = None

    def start(self, total: int | None = None) -> None:
        """Draw the bar (with a total when it is known)."""
        self._bar = tqdm(total=total, unit=" rows", desc=self.desc, file=sys.stderr)

    def advance(self, rows: int) -> None:
        """`rows` more were written."""
        if self._bar is not None:
            self._bar.update(rows)

    def close(self) -> None:
        """Finish the bar, if it was drawn."""
        if self._bar is not None:
            self._bar.close()


@contextmanager
def progress_bar(desc: str) -> Iterator[ProgressBar]:
    """A bar that is closed however the work ends."""
    bar = ProgressBar(desc)
    try:
        yield bar
    finally:
        bar.close()
