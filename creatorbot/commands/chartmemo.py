"""Charts drawn once per process for the same figures: a chart is a pure function of what it is
given, and many people ask for the same snapshot on the same morning."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from creatorbot.commands.i18n import Lang

KEPT = 64  # charts kept, the least recently asked dropped first (a chart is some 30–60 KB)
_PLAIN = (str, int, float, bool, dt.date, type(None))  # dt.datetime is a dt.date

P = ParamSpec("P")
T = TypeVar("T")


def remembered(draw: Callable[P, T]) -> Callable[P, T]:
    """`draw`, answering from its last KEPT distinct calls: the same arguments give the same
    image, so it is drawn once. A call with an argument of another kind is drawn every time."""
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
        image = draw(*args, **kwargs)  # outside the lock: two first asks may both draw
        with lock:
            kept[key] = image
            while len(kept) > KEPT:
                kept.popitem(last=False)
        return image

    return drawn


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
