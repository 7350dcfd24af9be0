"""The creators' verdict of a scanned market-day (what the anomaly scan takes from the day
columns), and its copy in the `meta` table, valid for the stamps of the days it was made from."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from creatorbot.analytics.anomalies import Norms
from creatorbot.storage.dialect_insert import insert_of
from creatorbot.storage.models import Meta
from creatorbot.storage.stamps import digest

FORMAT = "1"  # changes when what a verdict holds does: older copies then miss


@dataclass(frozen=True)
class Flag:
    """A creator flagged on one metric: its id, the day's value and the expected one."""

    creator_id: int
    observed: float
    expected: float


@dataclass(frozen=True)
class CreatorVerdict:
    """What the scan takes from the creator matrix of a day (`CreatorDays`), without the
    matrix: the days it has, each metric's flagged creators (in detection order), the market
    norms campaigns are judged with, the GMV per order and the day's GMV shift."""

    days: tuple[dt.date, ...]
    weekdays: np.ndarray
    judged: bool
    flagged: dict[str, tuple[Flag, ...]]
    norms: dict[str, Norms]
    order_value: float
    shift: float

    @property
    def history(self) -> slice:
        """The baseline's columns (every day but the scanned one)."""
        return slice(0, max(len(self.days) - 1, 0))


def verdict_key(market: str, day: dt.date, variant: str = "") -> str:
    """The meta key of the stored verdict of a market-day (under a floor `variant`, other than
    the team's)."""
    key = f"verdict:{market}:{day.isoformat()}"
    return f"{key}:{variant}" if variant else key


def validity(currency: str, span: tuple[tuple[dt.date, str], ...]) -> str:
    """What a stored verdict must have been made under: the days read and their stamps, and
    the currency (it sets the GMV rule)."""
    return digest(FORMAT.encode(), currency.encode(), repr(span).encode())


def load(
    market: str, day: dt.date, valid: str, *, session: Session, variant: str = ""
) -> CreatorVerdict | None:
    """The stored verdict of the market-day, if it was made under `valid`."""
    raw = session.scalar(select(Meta.value).where(Meta.key == verdict_key(market, day, variant)))
    if raw is None:
        return None
    found = json.loads(raw)
    if found.get("valid") != valid:
        return None
    return _decoded(found)


def save(
    market: str,
    day: dt.date,
    valid: str,
    verdict: CreatorVerdict,
    *,
    horizon: dt.date,
    session: Session,
    variant: str = "",
) -> None:
    """Store the verdict under `valid` (replacing the day's copy), and drop the market's copies
    of days before `horizon`."""
    key = verdict_key(market, day, variant)
    value = json.dumps({"valid": valid, **_encoded(verdict)})
    session.execute(
        delete(Meta).where(
            Meta.key >= verdict_key(market, dt.date.min), Meta.key < verdict_key(market, horizon)
        )
    )
    insert = insert_of(session)(Meta).values(key=key, value=value)
    session.execute(insert.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def _array(values: np.ndarray) -> dict[str, Any]:
    return {"dtype": values.dtype.str, "values": values.tolist()}


def _unarray(found: dict[str, Any]) -> np.ndarray:
    return np.array(found["values"], dtype=np.dtype(found["dtype"]))


def _encoded(verdict: CreatorVerdict) -> dict[str, Any]:
    # JSON keeps a float exactly (the shortest repr that reads back the same) and NaN.
    return {
        "days": [day.isoformat() for day in verdict.days],
        "weekdays": _array(verdict.weekdays),
        "judged": verdict.judged,
        "flagged": {
            metric: [[f.creator_id, f.observed, f.expected] for f in flags]
            for metric, flags in verdict.flagged.items()
        },
        "norms": {
            metric: {
                "factors": _array(norms.factors),
                "shift": float(norms.shift),
                "days": None if norms.days is None else _array(norms.days),
            }
            for metric, norms in verdict.norms.items()
        },
        "order_value": verdict.order_value,
        "shift": float(verdict.shift),
    }


def _decoded(found: dict[str, Any]) -> CreatorVerdict:
    return CreatorVerdict(
        days=tuple(dt.date.fromisoformat(day) for day in found["days"]),
        weekdays=_unarray(found["weekdays"]),
        judged=bool(found["judged"]),
        flagged={
            metric: tuple(Flag(int(i), float(o), float(e)) for i, o, e in flags)
            for metric, flags in found["flagged"].items()
        },
        norms={
            metric: Norms(
                _unarray(norms["factors"]),
                float(norms["shift"]),
                None if norms["days"] is None else _unarray(norms["days"]),
            )
            for metric, norms in found["norms"].items()
        },
        order_value=float(found["order_value"]),
        shift=float(found["shift"]),
    )
