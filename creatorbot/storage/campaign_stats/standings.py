"""A campaign's standings brought up to date in memory: changes added, ranks recomputed in
`analytics.rankings.rank`'s order, only the rows that changed written back, totals renewed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from creatorbot.analytics.rankings import rank
from creatorbot.storage.campaign_stats.fresh import Spec
from creatorbot.storage.campaign_stats.tables import STANDINGS, TOTALS
from creatorbot.storage.fetch import fetch_integers
from creatorbot.storage.roster import roster
from creatorbot.storage.upsert import update_frame

FIGURES = ["value", "gmv", "orders"]


def restand(
    spec: Spec, changes: pd.DataFrame | None, latest: dt.date | None, *, session: Session
) -> bool:
    """Add `changes` (creator_id and FIGURES, at most one row per creator) to the campaign's
    standings, rerank them, write the rows that changed and the totals through `latest`.
    Returns False, having written nothing, if a changed creator has no standing (stats that
    do not describe the campaign: the caller recomputes it)."""
    before = _stored(spec, session=session)
    standings = before[FIGURES].copy()
    if changes is not None and len(changes):
        delta = changes.set_index("creator_id")[FIGURES]
        if not delta.index.isin(standings.index).all():
            return False
        standings.loc[delta.index, FIGURES] += delta.to_numpy()
    standings["rank"] = _ranks(standings["value"], spec.market, session=session)
    moved = standings.ne(before).any(axis=1)
    changed = standings[moved].reset_index()
    changed["rank"] = changed["rank"].astype("Int64").mask(changed["rank"] == 0)
    update_frame(
        STANDINGS,
        changed.assign(campaign_id=spec.id),
        ("campaign_id", "creator_id"),
        session=session,
    )
    write_totals(
        spec,
        latest,
        enrolled=len(standings),
        active=int((standings["gmv"] > 0).sum()),
        ranked=int((standings["rank"] > 0).sum()),
        sums=[int(standings[name].sum()) for name in ("gmv", "orders", "value")],
        session=session,
    )
    return True


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


def _stored(spec: Spec, *, session: Session) -> pd.DataFrame:
    """The campaign's standings by creator id: FIGURES and rank (0 for unranked, so that every
    row is plain integers and reads straight into one int64 array)."""
    s = STANDINGS.c
    names = ["creator_id", *FIGURES, "rank"]
    query = select(*(s[name] for name in names[:-1]), func.coalesce(s.rank, 0)).where(
        s.campaign_id == spec.id
    )
    rows = fetch_integers(query, session=session)
    return pd.DataFrame(rows, columns=names).set_index("creator_id")


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


def store_totals(spec: Spec, latest: dt.date | None, *, session: Session) -> None:
    """Replace the campaign's totals row with the sums of its stored standings."""
    s = STANDINGS.c
    sums = session.connection().execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((s.gmv > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(case((s.value > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(s.gmv), 0),
            func.coalesce(func.sum(s.orders), 0),
            func.coalesce(func.sum(s.value), 0),
        ).where(s.campaign_id == spec.id)
    )
    enrolled, active, ranked, *money = (int(v) for v in sums.one())
    write_totals(
        spec, latest, enrolled=enrolled, active=active, ranked=ranked, sums=money, session=session
    )


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
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(TOTALS).values(row)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["campaign_id"],
            set_={name: stmt.excluded[name] for name in row if name != "campaign_id"},
        )
    )
