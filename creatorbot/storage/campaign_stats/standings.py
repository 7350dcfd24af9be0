"""A campaign's standings brought up to date in memory: changes added, ranks recomputed in
`analytics.rankings.rank`'s order, only the rows that changed written back, totals renewed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from creatorbot.analytics.rankings import rank
from creatorbot.storage.campaign_stats.fresh import Spec
from creatorbot.storage.campaign_stats.tables import CREATORS, STANDINGS, TOTALS
from creatorbot.storage.fetch import fetch_all
from creatorbot.storage.upsert import update_frame

FIGURES = ["value", "gmv", "orders"]
IN_CHUNK = 5_000


def restand(
    spec: Spec, changes: pd.DataFrame | None, latest: dt.date | None, *, session: Session
) -> bool:
    """Add `changes` (creator_id and FIGURES, at most one row per creator) to the campaign's
    standings, rerank them, write the rows that changed and the totals through `latest`.
    Returns False, having written nothing, if a changed creator has no standing (stats that
    do not describe the campaign: the caller recomputes it)."""
    s = STANDINGS.c
    query = select(s.creator_id, *(s[name] for name in FIGURES), s.rank).where(
        s.campaign_id == spec.id
    )
    rows = fetch_all(query, session=session)
    stored = pd.DataFrame(rows, columns=["creator_id", *FIGURES, "rank"])
    stored = stored.astype({name: "int64" for name in ["creator_id", *FIGURES]})
    stored["rank"] = stored["rank"].astype("Int64")
    standings = stored.set_index("creator_id")
    if changes is not None and len(changes):
        delta = changes.set_index("creator_id")[FIGURES]
        if not delta.index.isin(standings.index).all():
            return False
        standings.loc[delta.index, FIGURES] += delta.to_numpy()
    standings["handle"] = _tie_breakers(standings["value"], session=session)
    ranked = rank(standings.reset_index()[["creator_id", "handle", "value"]])
    standings = standings.drop(columns="handle")
    standings["rank"] = pd.Series(
        ranked["rank"].to_numpy(), index=ranked["creator_id"].to_numpy(), dtype="Int64"
    ).reindex(standings.index)
    before = stored.set_index("creator_id")
    old, new = before["rank"], standings["rank"]
    # Ranks start at 1, so 0 may stand in for "unranked" when comparing.
    moved = standings[FIGURES].ne(before[FIGURES]).any(axis=1) | new.fillna(0).ne(old.fillna(0))
    changed = standings.loc[moved, [*FIGURES, "rank"]].reset_index()
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
        ranked=len(ranked),
        sums=[int(standings[name].sum()) for name in ("gmv", "orders", "value")],
        session=session,
    )
    return True


def _tie_breakers(values: pd.Series, *, session: Session) -> pd.Series:
    """Handles, as far as the ranking needs them: of creators whose value above zero another
    one shares. The others get "", which orders them exactly as their handles would."""
    tied = values.index[(values > 0).to_numpy() & values.duplicated(keep=False).to_numpy()]
    ids = tied.tolist()
    found: dict[int, str] = {}
    for start in range(0, len(ids), IN_CHUNK):
        query = select(CREATORS.c.id, CREATORS.c.handle).where(
            CREATORS.c.id.in_(ids[start : start + IN_CHUNK])
        )
        found.update((creator_id, handle) for creator_id, handle in session.execute(query))
    return pd.Series([found.get(i, "") for i in values.index], index=values.index, dtype=object)


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
