"""A portfolio's first creators, picked from the order kept with its figures and the open
alerts merged in, are those a full sort of every owned creator puts first."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from creatorbot.analytics.segments import SEGMENTS
from creatorbot.commands.portfolio import SHOWN, _first
from creatorbot.commands.segments import URGENCY
from creatorbot.storage.models import Market
from creatorbot.storage.ranking.portfolio import Owned

MY = Market(code="MY", name="Malaysia", currency="MYR", minor_units=2, timezone="UTC", locales="en")


def full_sort(owned: Owned, alerts: Counter[int]) -> list[int]:
    """Every creator sorted as the portfolio promises, in plain Python: most urgent segment,
    most open alerts, highest 7-day GMV, then id."""

    def key(i: int) -> tuple[int, int, int, int]:
        ranks = [URGENCY.index(n) for n in URGENCY if owned.segments[n][i]]
        creator = int(owned.ids[i])
        return (min(ranks, default=len(URGENCY)), -alerts[creator], -int(owned.gmv_7d[i]), creator)

    return [int(owned.ids[i]) for i in sorted(range(len(owned.ids)), key=key)]


@pytest.mark.parametrize("seed", range(40))
def test_the_first_creators_are_those_a_full_sort_puts_first(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 60))
    ids = np.sort(rng.choice(10_000, size=size, replace=False)).astype(np.int64)
    gmv = rng.integers(0, 4, size=size).astype(np.int64) * 1000  # many ties
    segments = {name: rng.random(size) < rng.uniform(0, 0.3) for name in SEGMENTS}
    owned = Owned(ids, gmv, gmv, gmv, segments)
    alerted = rng.choice(ids, size=min(size, int(rng.integers(0, 8))), replace=False)
    alerts = Counter({int(i): int(rng.integers(1, 3)) for i in alerted})
    alerts[99_999] = 4  # another owner's creator: not counted
    for _ in range(2):  # the order worked out once, then reused
        entries, count = _first(MY, owned, alerts)
        assert [e.creator_id for e in entries] == full_sort(owned, alerts)[:SHOWN]
        assert count == sum(n for i, n in alerts.items() if i in set(ids.tolist()))
