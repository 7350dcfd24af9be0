"""New enrollments: add the newly enrolled creators' sums over the window to a campaign whose
stats are otherwise up to date (the newly enrolled are those without a standing yet)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import exists, func, insert, literal, select
from sqlalchemy.orm import Session

from creatorbot.storage.campaign_stats.fresh import Spec
from creatorbot.storage.campaign_stats.tables import DAILY, DAYS, ENROLLMENTS, STANDINGS
from creatorbot.storage.upsert import add_frame


def add_new_enrollees(spec: Spec, *, session: Session) -> int:
    """Give every enrolled creator of the campaign without a standing one (ranks are left to
    the caller) and add their days to the campaign's days; returns how many were added."""
    daily, enrollments = DAILY.c, ENROLLMENTS.c
    new = (enrollments.campaign_id == spec.id) & ~exists().where(
        STANDINGS.c.campaign_id == spec.id, STANDINGS.c.creator_id == enrollments.creator_id
    )
    in_window = daily.date.between(spec.starts_on, spec.ends_on)
    value = func.sum(daily[spec.value_metric])
    days = session.connection().execute(
        select(daily.date, func.sum(daily.gmv), func.sum(daily.orders), value)
        .join(ENROLLMENTS, enrollments.creator_id == daily.creator_id)
        .where(new, in_window)
        .group_by(daily.date)
    )
    frame = pd.DataFrame([tuple(r) for r in days], columns=["date", "gmv", "orders", "value"])
    frame = frame[frame[["gmv", "orders", "value"]].ne(0).any(axis=1)]
    add_frame(DAYS, frame.assign(campaign_id=spec.id), ("campaign_id", "date"), session=session)
    sums = (
        select(
            literal(spec.id),
            enrollments.creator_id,
            func.coalesce(value, 0),
            func.coalesce(func.sum(daily.gmv), 0),
            func.coalesce(func.sum(daily.orders), 0),
        )
        .select_from(
            ENROLLMENTS.outerjoin(DAILY, (daily.creator_id == enrollments.creator_id) & in_window)
        )
        .where(new)
        .group_by(enrollments.creator_id)
    )
    columns = ["campaign_id", "creator_id", "value", "gmv", "orders"]
    result = session.execute(insert(STANDINGS).from_select(columns, sums))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
