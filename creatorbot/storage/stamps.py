"""Write stamps: a token stored beside what a reader caches (a day's columns, a market's creators
and enrolments), replaced whenever that changes, so any process sees a change in the database.
A day's stamp is a digest of its columns; the people stamp chains a digest of each write onto
the one before: the same writes leave the same stamps, a change leaves another.

Stamps live in the `meta` table, one key each: `columns:{market}:{YYYY-MM-DD}` for a day's
columns, `people:{market}` for the market's creators and campaign enrolments. A missing stamp
means "never stamped": a reader must not cache what it reads then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.models import Creator, DayColumn, Market, Meta

if TYPE_CHECKING:
    import pandas as pd


def day_key(market: str, day: dt.date) -> str:
    """The meta key of a day's columns' stamp (ISO days sort as text, so a range is a range)."""
    return f"columns:{market}:{day.isoformat()}"


def people_key(market: str) -> str:
    """The meta key of the stamp of a market's creators and enrolments."""
    return f"people:{market}"


def restamp(keys: Iterable[str], *, session: Session) -> None:
    """Give each key a new random token (for what was stamped by nothing before)."""
    set_stamps({key: secrets.token_hex(8) for key in keys}, session=session)


def set_stamps(stamps: dict[str, str], *, session: Session) -> None:
    """Store each key's stamp, replacing any before (one upsert: two processes stamping the
    same key at once both succeed, the later's stamp stays)."""
    if not stamps:
        return
    statement = insert_of(session)(Meta)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["key"], set_={"value": statement.excluded.value}
        ),
        [{"key": key, "value": stamps[key]} for key in sorted(stamps)],  # one order: no deadlock
    )


def digest(*parts: bytes) -> str:
    """A short digest of `parts` (a stamp)."""
    hashed = hashlib.blake2b(digest_size=8)
    for part in parts:
        hashed.update(len(part).to_bytes(8, "little"))
        hashed.update(part)
    return hashed.hexdigest()


def people_written(market: str, kind: str, frame: pd.DataFrame, *, session: Session) -> None:
    """Creators or enrolments (`kind`) of `market` were written as `frame` (only the columns a
    reader caches: handle, tier, category, CM and AM; campaign and creator ids): a new people
    stamp, unless the previous write of that kind was the same (re-importing a file changes
    nothing, so the database stays exactly as it was)."""
    written = digest(
        *("\x1f".join(map(str, frame[name].tolist())).encode() for name in frame.columns)
    )  # joined text: a few times quicker than hashing the objects
    last = f"{people_key(market)}:last:{kind}"
    if session.scalar(select(Meta.value).where(Meta.key == last)) == written:
        return
    before = people_stamp(market, session=session) or ""
    stamp = digest(before.encode(), kind.encode(), written.encode())
    set_stamps({last: written, people_key(market): stamp}, session=session)


def unstamp_days(market: str, before: dt.date, *, session: Session) -> None:
    """Drop the stamps of the market's days before `before` (their columns were dropped)."""
    session.execute(
        delete(Meta).where(
            Meta.key >= day_key(market, dt.date.min), Meta.key < day_key(market, before)
        )
    )


def day_stamps(
    market: str, first: dt.date, last: dt.date, *, session: Session
) -> dict[dt.date, str]:
    """The stamps of the market's days from `first` to `last`, by day (unstamped days absent)."""
    query = select(Meta.key, Meta.value).where(
        Meta.key >= day_key(market, first), Meta.key <= day_key(market, last)
    )
    prefix = len(day_key(market, dt.date.min)) - len(dt.date.min.isoformat())
    return {dt.date.fromisoformat(key[prefix:]): value for key, value in session.execute(query)}


def people_stamp(market: str, *, session: Session) -> str | None:
    """The stamp of the market's creators and enrolments; None if never stamped."""
    return session.scalar(select(Meta.value).where(Meta.key == people_key(market)))


def stamp_unstamped(*, session: Session) -> int:
    """Stamp every market and every stored day that has no stamp yet (a database written before
    stamps existed), so readers may cache them from now on; how many stamps were added."""
    missing = unstamped(session=session)
    restamp(missing, session=session)
    return len(missing)


def unstamped(*, session: Session) -> set[str]:
    """The stamps of markets with creators and of stored days that are missing."""
    have = set(session.scalars(select(Meta.key)))
    wanted = {
        people_key(market)
        for market in session.scalars(select(Market.code))
        if session.scalar(select(Creator.id).where(Creator.market == market).limit(1))
    }
    days = select(DayColumn.market, DayColumn.date).distinct()
    wanted |= {day_key(market, day) for market, day in session.execute(days)}
    return wanted - have
