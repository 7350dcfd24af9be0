"""The creators a CM or AM owns in one market, as positions among the market's creators (the
fast ranking's position space); cached under the market's people stamp."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy.orm import Session

from creatorbot.storage.queries.creators import owned_ids
from creatorbot.storage.ranking.cache import CACHE
from creatorbot.storage.ranking.people import People


def owned_mask(
    market: str,
    names: Sequence[str],
    group: People,
    *,
    session: Session,
    roles: Sequence[str] = ("cm", "am"),
) -> np.ndarray:
    """Which of the market's creators list one of `names` as CM or AM (`roles`: which of the
    two; names in any case)."""
    wanted = tuple(sorted({name.strip().lower() for name in names if name.strip()}))
    key = ("owned", market, wanted, tuple(roles))
    if group.stamp is not None:
        found = CACHE.get(key, group.stamp)
        if found is not None:
            return found
    ids = np.sort(np.array(owned_ids(market, wanted, roles, session=session), dtype=np.int64))
    mask = group.mask_of(ids)
    if group.stamp is not None:
        CACHE.put(key, group.stamp, mask)
    return mask
