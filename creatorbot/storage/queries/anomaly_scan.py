"""One market-day's anomalies: creators (GMV, orders, live minutes), running campaigns (GMV,
orders) and resource slots (CTR), each against the subject's own trailing baseline."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from creatorbot.analytics.anomalies import (
    DROP,
    SPIKE,
    Detection,
    Norms,
    Rule,
    biggest,
    detect,
    detect_gated,
    estimate_norms,
    weekday_factors,
)
from creatorbot.analytics.slots import MIN_IMPRESSIONS
from creatorbot.storage.daycolumns import RETAIN_DAYS
from creatorbot.storage.models import Market
from creatorbot.storage.queries.anomaly_inputs import (
    Matrix,
    campaign_matrix,
    creator_days,
    creator_matrix,
    creators_by_id,
    slot_matrix,
)
from creatorbot.storage.queries.anomaly_verdict import (
    CreatorVerdict,
    Flag,
    load,
    save,
    validity,
)
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.queries.scan_stamps import span_stamp
from creatorbot.storage.ranking.cache import CACHE

HISTORY_DAYS = 28  # the trailing baseline: four of each weekday
CREATOR_GATES = ("orders", "gmv")  # a creator is judged only when big enough on both
CREATOR_ALSO = ("live_minutes",)
CREATOR_METRICS = (*CREATOR_GATES, *CREATOR_ALSO)
# The minimum volume: a usual day of RM500 or €100, and of 30 orders (below that, a day's count
# swings too much by chance to tell an anomaly from a bad day), and an hour live.
MIN_GMV = {"MYR": 50_000, "EUR": 10_000}
DEFAULT_MIN_GMV = 10_000  # minor units, for a currency not listed
MIN_ORDERS = 30
MIN_LIVE_MINUTES = 60
CTR_SCALE = 1_000_000  # CTR alerts keep observed and expected CTR in parts per million
FRESHNESS = "freshness"


@dataclass(frozen=True)
class Floor:
    """The least usual day a creator must have to be judged: orders, and GMV in minor units."""

    orders: int
    gmv: int

    @property
    def variant(self) -> str:
        """How a verdict made under this floor is told from the default's."""
        return f"{self.orders}:{self.gmv}"


def default_floor(market: Market) -> Floor:
    """The team's floor in `market`: 30 orders and RM500 / €100 a day (its currency's)."""
    return Floor(MIN_ORDERS, MIN_GMV.get(market.currency, DEFAULT_MIN_GMV))


def floor_of(market: Market, orders: int | None, gmv: int | None) -> Floor | None:
    """A subscription's floor from the parts it sets; None when it sets none. A part it leaves
    unset moves in proportion with the one it sets ("at least 5 orders a day": from 5 orders
    and a sixth of the team's GMV), so lowering one never leaves the other hiding the creators
    it was lowered for, nor judges creators of next to nothing on the other."""
    if orders is None and gmv is None:
        return None
    team = default_floor(market)
    if orders is None:
        assert gmv is not None
        return Floor(max(1, round(team.orders * gmv / team.gmv)), gmv)
    if gmv is None:
        return Floor(orders, round(team.gmv * orders / team.orders))
    return Floor(orders, gmv)


def rules_for(market: Market, floor: Floor | None = None) -> dict[str, Rule]:
    """Each scanned metric's rule in `market` (its currency sets the GMV minimum, unless a
    subscription's `floor` sets both minimums)."""
    floor = floor or default_floor(market)
    gmv = floor.gmv
    return {
        "orders": Rule(min_volume=floor.orders, offset=2, common=True),
        "gmv": Rule(min_volume=gmv, offset=gmv / 10, common=True),
        "live_minutes": Rule(min_volume=MIN_LIVE_MINUTES, offset=10, common=True),
        "ctr": Rule(min_volume=0, offset=0.002),
    }


@dataclass(frozen=True)
class Finding:
    """One anomaly: a subject's metric on a day, what it was and what was expected, and the
    money at stake (minor units). CTR is in parts per million (CTR_SCALE)."""

    market: str
    subject_kind: str  # creator | campaign | slot | market
    subject_key: str  # handle | slug | slot name | market code
    metric: str
    day: dt.date
    observed: int
    expected: int
    impact: int

    @property
    def direction(self) -> str:
        """`spike` or `drop`."""
        return SPIKE if self.observed > self.expected else DROP


@dataclass(frozen=True)
class LiveSessions:
    """A creator's live sessions on the day, and on a usual day (the median of the baseline)."""

    day: int
    usual: int


@dataclass(frozen=True)
class DayScan:
    """The anomalies of one market-day, most money at stake first; the day's market-wide GMV
    factor beyond its weekday (1.0 on an ordinary day); and the live sessions of the flagged
    creators, by handle."""

    market: str
    day: dt.date
    findings: tuple[Finding, ...]
    shift: float = 1.0
    sessions: dict[str, LiveSessions] = field(default_factory=dict)


def scan_day(
    market: Market, day: dt.date, *, session: Session, floor: Floor | None = None
) -> DayScan:
    """Every anomaly of `market` on `day` (creators judged from `floor`, the team's unless
    given). The creators' verdict (the day columns' part, the scan's bulk) is kept in the
    process while the stamps of the days it read are unchanged; the rest — campaigns, slots,
    the flagged creators' handles and rows — is read each time."""
    rules = rules_for(market, floor)
    variant = "" if floor is None or floor == default_floor(market) else floor.variant
    creators = creator_verdict(market, day, rules, session=session, variant=variant)
    findings, sessions = _creator_findings(market, day, creators, session=session)
    findings += _campaign_findings(market, day, creators, rules, session=session)
    findings += _slot_findings(market, day, creators.order_value, rules, session=session)
    ordered = sorted(findings, key=lambda f: (-f.impact, f.subject_kind, f.subject_key, f.metric))
    return DayScan(market.code, day, tuple(ordered), creators.shift, sessions)


def stale_data(market: str, latest: dt.date | None, due: dt.date) -> Finding:
    """The data freshness alert: `due` (market-local yesterday) has no data; the latest day is
    `latest`. Observed is the number of days missing."""
    missing = (due - latest).days if latest else HISTORY_DAYS
    return Finding(market, "market", market, FRESHNESS, due, missing, 0, 0)


class CreatorDays:
    """A market's creator matrix, whose last column is the scanned day, with what judging it
    takes: weekdays, market totals and each metric's market-wide norms."""

    def __init__(self, matrix: Matrix, rules: dict[str, Rule]) -> None:
        self.matrix = matrix
        self.rules = rules
        self.weekdays = np.array([day.weekday() for day in matrix.days], dtype=np.int64)
        self.history = slice(0, max(len(matrix.days) - 1, 0))
        self.judged = len(matrix.days) > 1  # the scanned day and a history
        self.totals = {m: v.sum(axis=0, dtype=np.float64) for m, v in matrix.values.items()}
        # The market-wide moves of every metric are measured on the biggest sellers.
        gmv = matrix.values.get("gmv")
        self.sample = biggest(gmv[:, self.history]) if gmv is not None else np.zeros(0, int)
        self._norms: dict[str, Norms] = {}

    def pair(self, metric: str) -> tuple[np.ndarray, np.ndarray]:
        """(history, the scanned day) of `metric`."""
        values = self.matrix.values[metric]
        return values[:, self.history], values[:, -1]

    def norms(self, metric: str) -> Norms:
        """The market's weekday factors and shifts of `metric`."""
        if metric not in self._norms:
            history, today = self.pair(metric)
            self._norms[metric] = estimate_norms(
                history[self.sample],
                today[self.sample],
                self.weekdays[self.history],
                int(self.weekdays[-1]),
                self.rules[metric],
                totals=self.totals[metric][self.history],
            )
        return self._norms[metric]

    def detect(self) -> dict[str, Detection]:
        """Every creator metric on the scanned day, creators judged when big enough on all of
        CREATOR_GATES."""
        if not self.judged:
            return {}
        return detect_gated(
            {metric: self.pair(metric) for metric in CREATOR_GATES},
            self.rules,
            self.weekdays[self.history],
            int(self.weekdays[-1]),
            norms={metric: self.norms(metric) for metric in CREATOR_METRICS},
            also={metric: self.pair(metric) for metric in CREATOR_ALSO},
        )

    def order_value(self) -> float:
        """The market's GMV per order over the history (0.0 when unknown)."""
        if not self.judged:
            return 0.0
        orders = self.totals["orders"][self.history].sum()
        return float(self.totals["gmv"][self.history].sum() / orders) if orders else 0.0


CAMPAIGN_METRICS = ("gmv", "orders")


def verdict(creators: CreatorDays, day: dt.date) -> CreatorVerdict:
    """The verdict of the creator matrix whose last column should be `day`."""
    days = creators.matrix.days
    on_day = creators.judged and days[-1] == day
    keys = creators.matrix.keys
    flagged = {
        metric: tuple(
            Flag(int(keys[int(r["row"])]), float(r["observed"]), float(r["expected"]))
            for r in detection.flagged.to_dict("records")
        )
        for metric, detection in (creators.detect().items() if on_day else ())
    }
    norms = {metric: creators.norms(metric) for metric in CAMPAIGN_METRICS} if on_day else {}
    return CreatorVerdict(
        days=days,
        weekdays=creators.weekdays,
        judged=creators.judged,
        flagged=flagged,
        norms=norms,
        order_value=creators.order_value(),
        shift=norms["gmv"].shift if on_day else 1.0,
    )


def creator_verdict(
    market: Market,
    day: dt.date,
    rules: dict[str, Rule],
    *,
    session: Session,
    variant: str = "",
    stored: bool = False,
) -> CreatorVerdict:
    """The verdict of `market`'s creators on `day`, made once for the stamps of the days it
    reads (HISTORY_DAYS before `day`, and `day`): kept in the process and stored in the
    database, so another process reads it instead of the day columns. `variant` names a floor
    other than the team's: its verdict is kept apart. `stored`: make sure the database holds
    it even when the process does (an import's upkeep: what the process holds may come from a
    write that was rolled back)."""
    first = day - dt.timedelta(days=HISTORY_DAYS)
    span = span_stamp(market.code, first, day, session=session)
    if span is None:  # a day written before stamps: nothing to tell a change by
        return _made(market, first, day, rules, session=session)
    key: tuple[object, ...] = ("anomaly verdict", market.code, market.currency, day)
    if variant:
        key += (variant,)
    held: CreatorVerdict | None = CACHE.get(key, span)
    if held is not None and not stored:
        return held
    valid = validity(market.currency, span)
    found = load(market.code, day, valid, session=session, variant=variant)
    if found is None:
        found = held if held is not None else _made(market, first, day, rules, session=session)
        horizon = day - dt.timedelta(days=RETAIN_DAYS)
        save(market.code, day, valid, found, horizon=horizon, session=session, variant=variant)
    CACHE.put(key, span, found)
    return found


def _made(
    market: Market, first: dt.date, day: dt.date, rules: dict[str, Rule], *, session: Session
) -> CreatorVerdict:
    matrix = creator_matrix(market.code, first, day, CREATOR_METRICS, session=session)
    return verdict(CreatorDays(matrix, rules), day)


def _creator_findings(
    market: Market, day: dt.date, creators: CreatorVerdict, *, session: Session
) -> tuple[list[Finding], dict[str, LiveSessions]]:
    """The creators' findings on `day`, and the live sessions of the creators flagged (their
    handles and raw rows read now: neither is in the day columns the verdict was made from)."""
    every = sorted({flag.creator_id for flags in creators.flagged.values() for flag in flags})
    if not every:
        return [], {}
    people = {i: c.handle for i, c in creators_by_id(every, session=session).items()}
    raw = creator_days(every, day - dt.timedelta(days=HISTORY_DAYS), day, session=session)
    values = _unit_values(raw, day, creators.order_value)
    findings = []
    for metric, flags in creators.flagged.items():
        for flag in flags:
            if flag.creator_id not in people:
                continue  # deleted since its day columns were written
            gap = abs(flag.observed - flag.expected)
            value = values.get(metric, {}).get(flag.creator_id, 1.0)
            findings.append(
                Finding(
                    market.code,
                    "creator",
                    people[flag.creator_id],
                    metric,
                    day,
                    round(flag.observed),
                    round(flag.expected),
                    round(gap * value),
                )
            )
    sessions = _live_sessions(raw, people, day)
    return findings, {people[i]: found for i, found in sessions.items()}


def _unit_values(
    raw: pd.DataFrame, day: dt.date, order_value: float
) -> dict[str, dict[int, float]]:
    """Money (minor units) per unit of each metric, per creator, over the baseline: GMV per
    order and GMV sold live per live minute (the market's GMV per order when unknown)."""
    before = raw[pd.to_datetime(raw["date"]).dt.date < day]
    sums = before.groupby("creator_id")[["gmv", "orders", "live_gmv", "live_minutes"]].sum()
    per_order = (sums["gmv"] / sums["orders"].where(sums["orders"] > 0)).fillna(order_value)
    per_minute = (sums["live_gmv"] / sums["live_minutes"].where(sums["live_minutes"] > 0)).fillna(0)
    return {"orders": _by_creator(per_order), "live_minutes": _by_creator(per_minute)}


def _by_creator(values: pd.Series) -> dict[int, float]:
    return dict(zip(values.index.astype(int).tolist(), values.astype(float).tolist(), strict=True))


def _live_sessions(raw: pd.DataFrame, ids: Iterable[int], day: dt.date) -> dict[int, LiveSessions]:
    """Each creator's live sessions on `day`, and the median over the HISTORY_DAYS before it
    (days without a row count as none)."""
    wanted = np.array(sorted(ids), dtype=np.int64)
    first = day - dt.timedelta(days=HISTORY_DAYS)
    back = np.array([(_as_date(d) - first).days for d in raw["date"]], dtype=np.int64)
    creators = raw["creator_id"].to_numpy(dtype=np.int64)
    row = np.searchsorted(wanted, creators)
    known = row < len(wanted)
    known[known] = wanted[row[known]] == creators[known]
    counts = raw["live_sessions"].to_numpy(dtype=np.int64)
    history = np.zeros((len(wanted), HISTORY_DAYS))
    inside = known & (back >= 0) & (back < HISTORY_DAYS)
    np.add.at(history, (row[inside], back[inside]), counts[inside])
    usual = np.floor(np.median(history, axis=1) + 0.5).astype(int)
    today = np.zeros(len(wanted), dtype=np.int64)
    on_day = known & (back == HISTORY_DAYS)
    np.add.at(today, row[on_day], counts[on_day])
    return {
        int(creator_id): LiveSessions(int(today[n]), int(usual[n]))
        for n, creator_id in enumerate(wanted)
    }


def _as_date(value: object) -> dt.date:
    """A row's date as read (a date, a datetime or ISO text) as a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _campaign_findings(
    market: Market,
    day: dt.date,
    creators: CreatorVerdict,
    rules: dict[str, Rule],
    *,
    session: Session,
) -> list[Finding]:
    """Running campaigns' GMV and orders on `day`, judged with the market's weekday factors
    and shifts (a campaign sells what its creators sell)."""
    if not creators.norms:  # no history, or no data on `day`
        return []
    latest = latest_day(market.code, session=session) or day
    campaigns, matrix = campaign_matrix(market.code, creators.days, latest, session=session)
    findings = []
    for metric in ("gmv", "orders") if campaigns else ():
        values = matrix.values[metric]
        detection = detect(
            values[:, creators.history],
            values[:, -1],
            creators.weekdays[creators.history],
            int(creators.weekdays[-1]),
            rules[metric],
            creators.norms[metric],
        )
        for record in detection.flagged.to_dict("records"):
            row = int(record["row"])
            gap = abs(float(record["observed"]) - float(record["expected"]))
            per_order = _per_order(matrix, row, creators.history) or creators.order_value
            findings.append(
                Finding(
                    market.code,
                    "campaign",
                    str(matrix.keys[row]),
                    metric,
                    day,
                    round(record["observed"]),
                    round(record["expected"]),
                    round(gap * (1.0 if metric == "gmv" else per_order)),
                )
            )
    return findings


def _per_order(matrix: Matrix, row: int, history: slice) -> float:
    orders = np.nansum(matrix.values["orders"][row, history])
    return float(np.nansum(matrix.values["gmv"][row, history]) / orders) if orders else 0.0


def _slot_findings(
    market: Market, day: dt.date, order_value: float, rules: dict[str, Rule], *, session: Session
) -> list[Finding]:
    """Resource slots' CTR on `day`: slots with at least MIN_IMPRESSIONS impressions on the day
    and on a usual day are judged. The money at stake is the clicks gained or lost, times the
    slot's usual conversions per click, times the market's GMV per order."""
    matrix = slot_matrix(market.code, day - dt.timedelta(days=HISTORY_DAYS), day, session=session)
    if matrix.days[-1:] != (day,):
        return []
    impressions, clicks = matrix.values["impressions"], matrix.values["clicks"]
    with np.errstate(divide="ignore", invalid="ignore"):
        ctr = np.where(impressions > 0, clicks / impressions, np.nan)
        overall = np.nansum(clicks, axis=0) / np.nansum(impressions, axis=0)
    history = slice(0, len(matrix.days) - 1)
    weekdays = np.array([d.weekday() for d in matrix.days], dtype=np.int64)
    seen = impressions[:, -1]
    usual = _nanmedian_rows(impressions[:, history])
    judged = np.flatnonzero((seen >= MIN_IMPRESSIONS) & (usual >= MIN_IMPRESSIONS))
    detection = detect(
        ctr[:, history],
        ctr[:, -1],
        weekdays[history],
        int(weekdays[-1]),
        rules["ctr"],
        Norms(weekday_factors(overall[history], weekdays[history])),
        among=judged,
    )
    conversions = matrix.values["conversions"]
    findings = []
    for record in detection.flagged.to_dict("records"):
        row = int(record["row"])
        lost = abs(float(record["observed"]) - float(record["expected"])) * seen[row]
        past = np.nansum(clicks[row, history])
        per_click = np.nansum(conversions[row, history]) / past if past else 0.0
        findings.append(
            Finding(
                market.code,
                "slot",
                str(matrix.keys[row]),
                "ctr",
                day,
                round(record["observed"] * CTR_SCALE),
                round(record["expected"] * CTR_SCALE),
                round(lost * per_click * order_value),
            )
        )
    return findings


def _nanmedian_rows(values: np.ndarray) -> np.ndarray:
    """Each row's median ignoring NaN; 0 for a row without values."""
    if values.shape[1] == 0:
        return np.zeros(len(values))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a slot without rows: all NaN
        return np.nan_to_num(np.nanmedian(values, axis=1))
