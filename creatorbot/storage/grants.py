"""Who has which role in which markets: grants given and taken back by admins, to a person or
to a group (a Slack user group, a Lark department) whose members all get the role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from creatorbot.storage.hold import hold_name
from creatorbot.storage.models import Role, RoleGrant

# How a group's grants are keyed in `user_id`, per platform: no person's id contains a colon.
GROUP_PREFIX = {"slack": "group:", "lark": "dept:"}


def group_key(platform: str, group_id: str) -> str:
    """The `user_id` a group's grants are stored under: `group:S0123ABC`, `dept:od-…`."""
    return GROUP_PREFIX[platform] + group_id


def group_of(platform: str, user_id: str) -> str | None:
    """The group id a grant's `user_id` names, or None when it names a person."""
    prefix = GROUP_PREFIX.get(platform)
    if prefix is None or not user_id.startswith(prefix):
        return None
    return user_id.removeprefix(prefix)


def grants_of(platform: str, user_id: str, *, session: Session) -> list[RoleGrant]:
    """A user's grants (market None: every market)."""
    return list(
        session.scalars(
            select(RoleGrant).where(RoleGrant.platform == platform, RoleGrant.user_id == user_id)
        )
    )


def group_grants(platform: str, groups: Collection[str], *, session: Session) -> list[RoleGrant]:
    """The grants of these groups of a platform (their ids as the platform gives them)."""
    if not groups or platform not in GROUP_PREFIX:
        return []
    keys = [group_key(platform, group) for group in groups]
    query = select(RoleGrant).where(RoleGrant.platform == platform, RoleGrant.user_id.in_(keys))
    return list(session.scalars(query))


def mapped_groups(platform: str, *, session: Session) -> frozenset[str]:
    """The ids of a platform's groups that have been given a role."""
    prefix = GROUP_PREFIX.get(platform)
    if prefix is None:
        return frozenset()
    query = select(RoleGrant.user_id).where(
        RoleGrant.platform == platform, RoleGrant.user_id.startswith(prefix)
    )
    return frozenset(user_id.removeprefix(prefix) for user_id in session.scalars(query))


def grant(
    platform: str,
    user_id: str,
    role: Role,
    markets: Iterable[str | None],
    *,
    by: str,
    now: dt.datetime,
    session: Session,
    name: str | None = None,
) -> list[RoleGrant]:
    """Give `user_id` exactly `role` in `markets` (None: every market), replacing what they had:
    one person (or group: `name`, what the platform calls it), one role. Two grants of one
    person at once take turns: the later replaces the earlier."""
    hold_name(f"grants:{platform}:{user_id}", session=session)
    revoke(platform, user_id, session=session)
    rows = [
        RoleGrant(
            platform=platform,
            user_id=user_id,
            role=role,
            market=market,
            granted_by=by,
            granted_at=now,
            name=name,
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
