"""Who has which role in which markets: grants given and taken back by admins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from creatorbot.storage.models import Role, RoleGrant


def grants_of(platform: str, user_id: str, *, session: Session) -> list[RoleGrant]:
    """A user's grants (market None: every market)."""
    return list(
        session.scalars(
            select(RoleGrant).where(RoleGrant.platform == platform, RoleGrant.user_id == user_id)
        )
    )


def grant(
    platform: str,
    user_id: str,
    role: Role,
    markets: Iterable[str | None],
    *,
    by: str,
    now: dt.datetime,
    session: Session,
) -> list[RoleGrant]:
    """Give `user_id` exactly `role` in `markets` (None: every market), replacing what they had:
    one person, one role."""
    revoke(platform, user_id, session=session)
    rows = [
        RoleGrant(
            platform=platform,
            user_id=user_id,
            role=role,
            market=market,
            granted_by=by,
            granted_at=now,
        )
        for market in dict.fromkeys(markets)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def revoke(platform: str, user_id: str, *, session: Session) -> int:
    """Take every grant of `user_id` away; how many there were."""
    result = session.execute(
        delete(RoleGrant).where(RoleGrant.platform == platform, RoleGrant.user_id == user_id)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def all_grants(platform: str | None, *, session: Session) -> list[RoleGrant]:
    """Every grant on a platform (None: on every platform), by platform, user, then market."""
    query = select(RoleGrant).order_by(RoleGrant.platform, RoleGrant.user_id, RoleGrant.market)
    if platform is not None:
        query = query.where(RoleGrant.platform == platform)
    return list(session.scalars(query))
