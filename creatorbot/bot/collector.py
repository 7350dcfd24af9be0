"""The garbage collector at a process's start: paused while the modules load (SQLAlchemy's,
pydantic's, the models: a hundred thousand objects that live as long as the process), which are
then frozen out of its passes. Scanning them again and again took a tenth of a second of every
`creatorbot ask`; the collector runs as usual on everything made after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def frozen_after(enabled: bool = True) -> Iterator[None]:
    """Run the block with the collector paused, then freeze every object made so far (the
    collector never scans them again) and resume it. Nothing is done when not `enabled` (a
    caller inside a longer-lived process, such as a test) or when the collector is off already."""
    if not enabled or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
