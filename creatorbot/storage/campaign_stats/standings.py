"""A campaign's standings brought up to date in memory: changes added, ranks recomputed in
`analytics.rankings.rank`'s order, written back whole (`packs`), totals renewed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.analytics.rankings import rank
from creatorbot.storage.campaign_stats.fresh import Spec
from creatorbot.storage.campaign_stats.packs import FIGURES as PACKED
from creatorbot.storage.campaign_stats.packs import read_standings, write_standings
from creatorbot.storage.campaign_stats.tables import TOTALS
from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.roster import roster

FIGURES = list(PACKED)  # as a list: pandas takes a tuple for one key


def restand(
    spec: Spec, changes: pd.DataFrame | None, latest: dt.date | None, *, session: Session
) -> bool:
    """Add `changes` (creator_id and FIGURES, at most one row per creator) to the campaign's
    standings, rerank them, write them and the totals through `latest`. Returns False, having
    written nothing, if a changed creator has no standing (stats that do not describe the
    campaign: the caller recomputes it)."""
    standings = read_standings(spec.id, session=session, columns=FIGURES)
    if changes is not None and len(changes):
        delta = changes.set_index("creator_id")[FIGURES]
        if not delta.index.isin(standings.index).all():
            return False
        standings.loc[delta.index, FIGURES] += delta.to_numpy()
    store_standings(spec, standings, latest, session=session)
    return True


def store_standings(
    spec: Spec, standings: pd.DataFrame, latest: dt.date | None, *, session: Session
) -> None:
    """Rank `standings` (FIGURES by creator id: every enrolled creator), store them and the
    totals they sum to through `latest`."""
    standings = standings[FIGURES].copy()
    standings["rank"] = _ranks(standings["value"], spec.market, session=session)
    write_standings(spec.id, standings, session=session)
    write_totals(
        spec,
        latest,
        enrolled=len(standings),
        active=int((standings["gmv"] > 0).sum()),
        ranked=int((standings["rank"] > 0).sum()),
        sums=[int(standings[name].sum()) for name in ("gmv", "orders", "value")],
        session=session,
    )


def _ranks(values: pd.Series, market: str, *, session: Session) -> np.ndarray:
    """Each creator's rank by `values`, in `analytics.rankings.rank`'s order; 0: unranked."""
    ranking = pd.DataFrame(
        {
            "at": np.arange(len(values)),
            "tie_break": _tie_breakers(values, market, session=session),
            "value": values.to_numpy(),
        }
    )
    ranked = rank(ranking, key="tie_break")
    ranks = np.zeros(len(values), dtype=np.int64)
    ranks[ranked["at"].to_numpy()] = ranked["rank"].to_numpy()
    return ranks


def _tie_breakers(values: pd.Series, market: str, *, session: Session) -> np.ndarray:
    """Where ties need breaking, numbers that order as handles do: for creators whose value
    above zero another one shares, their place among those creators' handles. The others get
    0 — no one shares their value, so it never decides anything."""
    tied = (values > 0).to_numpy() & values.duplicated(keep=False).to_numpy()
    handles = roster(market, session=session).handles_of(values.index[tied])
    # numpy's stable sort of fixed-width text orders by code point, as Python's `<` does.
    order = np.argsort(handles.astype(str), kind="stable")
    places = np.zeros(len(values), dtype=np.int64)
    places[np.flatnonzero(tied)[order]] = np.arange(1, len(order) + 1)
    return places


def write_totals(
    spec: Spec,
    latest: dt.date | None,
    *,
    enrolled: int,
    active: int,
    ranked: int,
    sums: list[int],
    session: Session,
) -> None:
    """Upsert the campaign's totals row; `sums` are GMV, orders and the metric."""
    gmv, orders, value = sums
    row: dict[str, Any] = {
        "campaign_id": spec.id,
        "starts_on": spec.starts_on,
        "ends_on": spec.ends_on,
        "metric": spec.metric,
        "enrolled": enrolled,
        "active": active,
        "ranked": ranked,
        "gmv": gmv,
        "orders": orders,
        "value": value,
        "through": latest,
    }
    insert = insert_of(session)
    stmt = insert(TOTALS).values(row)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["campaign_id"],
            set_={name: stmt.excluded[name] for name in row if name != "campaign_id"},
        )
    )
