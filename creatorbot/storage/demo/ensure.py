"""Make sure the database holds exactly the demo world a spec describes, rebuilding if not."""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import writer
from creatorbot.storage.advisory import xact_lock
from creatorbot.storage.demo.world import DEMO_VERSION, DemoSpec, build_world
from creatorbot.storage.demo.write import write_world
from creatorbot.storage.models import (
    Alert,
    AlertMessage,
    AlertMessageItem,
    AlertNotice,
    Campaign,
    CampaignDay,
    CampaignStandingPack,
    CampaignTotal,
    Creator,
    DailyMetric,
    DayColumn,
    Enrollment,
    Meta,
    RewardTier,
    SlotMetric,
    Tier,
)

logger = logging.getLogger(__name__)

DEMO_KEY = "demo"
# What a demo world consists of (alerts are derived from its numbers, and so are the messages
# that carried them), children first.
# Markets, feedback, subscriptions, the run ledger, roles and the audit log are left alone.
DEMO_TABLES = (
    CampaignStandingPack,
    CampaignDay,
    CampaignTotal,
    Enrollment,
    RewardTier,
    DailyMetric,
    DayColumn,
    SlotMetric,
    AlertNotice,
    AlertMessageItem,
    AlertMessage,
    Alert,
    Campaign,
    Tier,
    Creator,
)
# Referenced by no other table, so PostgreSQL may TRUNCATE them instead of deleting row by row.
REFERENCED = (Campaign, Creator, Alert, AlertMessage)
LEAF_TABLES = tuple(model for model in DEMO_TABLES if model not in REFERENCED)
LOCK_NAME = "demo"  # one demo rebuild at a time across processes


class DemoConflict(RuntimeError):
    """The database holds creators that are not a demo world; rebuilding would destroy them."""


def spec_record(spec: DemoSpec) -> dict[str, Any]:
    """The spec as stored in `meta`, with the generator version."""
    return {
        "creators": spec.creators,
        "days": spec.days,
        "seed": spec.seed,
        "end": spec.end.isoformat(),
        "version": DEMO_VERSION,
    }


def stored_spec(*, session: Session) -> dict[str, Any] | None:
    """The demo spec recorded in the database, if any."""
    value = session.scalar(select(Meta.value).where(Meta.key == DEMO_KEY))
    if value is None:
        return None
    try:
        record = json.loads(value)
    except ValueError:
        return {"unreadable": value}
    return record if isinstance(record, dict) else {"unreadable": value}


def clear_demo(*, session: Session) -> None:
    """Empty the demo's tables (markets stay). Never commits."""
    postgres = session.get_bind().dialect.name == "postgresql"
    for model in DEMO_TABLES:
        table = writer.table_of(model)
        if postgres and model in LEAF_TABLES:
            session.execute(text(f"TRUNCATE {table.name}"))
        else:
            session.execute(delete(table))
    meta = writer.table_of(Meta)
    session.execute(delete(meta).where(meta.c.key == DEMO_KEY))


def ensure_demo(
    spec: DemoSpec,
    *,
    sessions: sessionmaker[Session],
    progress: writer.Progress | None = None,
    force: bool = False,
) -> bool:
    """Hold the world of `spec`: return False if it is already there, else rebuild it in one
    transaction and return True. Creators that no demo wrote raise `DemoConflict` unless
    `force` is given."""
    wanted = spec_record(spec)
    with sessions() as session:
        if stored_spec(session=session) == wanted:
            return False
    world = build_world(spec)
    with sessions.begin() as session:
        xact_lock(LOCK_NAME, session=session)
        current = stored_spec(session=session)
        if current == wanted:
            return False  # another process built it while we were generating
        if current is None and not force and session.scalar(select(Creator.id).limit(1)):
            raise DemoConflict(
                "the database holds creators that no demo wrote; refusing to replace them"
            )
        clear_demo(session=session)
        counts = write_world(world, session=session, progress=progress)
        session.execute(
            insert(writer.table_of(Meta)).values(
                key=DEMO_KEY, value=json.dumps(wanted, sort_keys=True)
            )
        )
    logger.info("demo world rebuilt", extra={"spec": wanted, "rows": counts})
    return True
