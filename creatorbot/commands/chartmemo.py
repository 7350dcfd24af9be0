"""Charts drawn once per process for the same figures, and once for every worker process of the
bot where they share a shelf: a chart is a pure function of what it is given, and many people
ask for the same snapshot on the same morning."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from creatorbot.commands.chartshelf import Shelf
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Image

KEPT = 64  # charts kept, the least recently asked dropped first (a chart is some 30–60 KB)
_PLAIN = (str, int, float, bool, dt.date, type(None))  # dt.datetime is a dt.date

P = ParamSpec("P")
T = TypeVar("T")

_shelf: list[Shelf] = []  # the one the bot's worker processes share, once `share_in` is called


def share_in(folder: Path | None) -> None:
    """Keep the charts drawn from now on in `folder` too, and look there before drawing one
    (None: no longer)."""
    _shelf[:] = [Shelf(folder)] if folder is not None else []


def remembered(draw: Callable[P, T]) -> Callable[P, T]:
    """`draw`, answering from its last KEPT distinct calls, else from the shared shelf: the same
    arguments give the same image, so it is drawn once. A call with an argument of another kind
    is drawn every time."""
    kept: OrderedDict[Hashable, T] = OrderedDict()
    lock = threading.Lock()

    @wraps(draw)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> T:
        key = _key((args, tuple(sorted(kwargs.items()))))
        if key is None:
            return draw(*args, **kwargs)
        with lock:
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        image = _shelved(draw.__qualname__, key)
        if image is None:
            image = draw(*args, **kwargs)  # outside the lock: two first asks may both draw
            _shelve(draw.__qualname__, key, image)
        with lock:
            kept[key] = image
            while len(kept) > KEPT:
                kept.popitem(last=False)
        return image

    return drawn


def _shelved(name: str, key: Hashable) -> Any:
    return _shelf[0].get(name, key) if _shelf else None


def _shelve(name: str, key: Hashable, image: object) -> None:
    if _shelf and isinstance(image, Image):
        _shelf[0].put(name, key, image)


def _key(value: Any) -> Hashable | None:
    """`value` as a hashable that equals another's exactly when they draw the same (a type
    travels with each value: 1 and 1.0 and True are told apart); None for anything else."""
    if isinstance(value, Lang):
        return ("Lang", value.language, value.market)
    if isinstance(value, list | tuple):
        parts = tuple(_key(part) for part in value)
        return None if None in parts else ("seq", *parts)
    if isinstance(value, _PLAIN):
        return (type(value).__name__, value)
    return None
