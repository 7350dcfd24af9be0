"""A native export's rows as the canonical daily metrics file they stand for, chunk by chunk:
values rewritten as canonical text, the market and day settled once, event rows (LIVE streams,
videos, orders) summed to one row per creator-day across chunks. Only the metrics the export
carries are columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import ErrorLog
from creatorbot.storage.importers.kinds import DAILY_METRICS, Field, Type
from creatorbot.storage.importers.native import days, market, values
from creatorbot.storage.importers.native.aliases import Recognised, all_aliases, normal
from creatorbot.storage.importers.native.formats import Format, Value
from creatorbot.storage.importers.native.integers import integers
from creatorbot.storage.importers.parse import parse_column
from creatorbot.storage.importers.read import Table
from creatorbot.storage.importers.seen import SeenKeys
from creatorbot.storage.models import Market

NUMBERS = (Value.MONEY, Value.COUNT, Value.PERCENT)
FIELDS = {field.name: field for field in DAILY_METRICS.fields}


@dataclass(frozen=True)
class Settled:
    """What holds for every row of a native export, settled from its first rows: how it writes
    numbers, its market and its day."""

    found: Recognised
    header_of: dict[str, str]  # the export's field → its header
    comma: bool  # amounts are written 1.234,56
    market: str
    market_source: str
    day: dt.date | None  # the one day of an export without a date column
    day_source: str
    minor_units: int
    currency: str

    @property
    def headers(self) -> dict[str, str]:
        """Canonical column → the export's header, for row problems."""
        spec = self.found.format
        date_column = _date_column(spec)
        headers = {
            "handle": self.header_of["handle"],
            "date": self.header_of.get(date_column, "date"),
        }
        for column in spec.columns:
            if column.stores and column.field in self.header_of and column.value in NUMBERS:
                headers.setdefault(str(column.stores), self.header_of[column.field])
        return headers


def settle(
    found: Recognised,
    table: Table,
    *,
    market_code: str | None,
    day: dt.date | None,
    session: Session,
) -> Settled:
    """Settle from `table` (the export's first rows) how it writes numbers, its market and its
    day. Raises `ImportFailed` (nothing written) for a market or day that will not do."""
    spec = found.format
    header_of = {field: header for header, field in found.fields.items()}
    raw = {field: table.frame[header] for field, header in header_of.items()}
    numbers = [raw[c.field] for c in spec.columns if c.value in NUMBERS and c.field in raw]
    comma = values.decimal_comma(numbers)
    seen: set[str] = set()
    for column in spec.columns:
        if column.value is Value.MONEY and column.field in raw:
            seen |= values.currencies(raw[column.field])
    if "currency" in raw and market_code is None:  # else each row is checked on its own
        seen |= {code.upper() for code in values.blank(raw["currency"]).unique() if code}
    code, market_source = market.resolve(table.source, market_code, seen, session=session)
    the_day: dt.date | None = None
    if _date_column(spec) in raw:
        day_source: str = days.DATE_COLUMN
    else:
        the_day, day_source = days.file_day(table.source, table.preamble, day)
    units, currency = session.execute(
        select(Market.minor_units, Market.currency).where(Market.code == code)
    ).one()
    return Settled(
        found, header_of, comma, code, market_source, the_day, day_source, int(units), currency
    )


def shape(settled: Settled, table: Table, log: ErrorLog) -> tuple[pd.DataFrame, pd.Series]:
    """One chunk of the export as canonical rows (date, market, handle and the metrics it
    carries, as text), and each row's creator name ("" when it has none); its problems go to
    `log`. Event rows come back as `Events.add` takes them, not summed yet."""
    spec = settled.found.format
    header_of = settled.header_of
    raw = {field: table.frame[header] for field, header in header_of.items()}
    rows = pd.DataFrame(index=table.frame.index)
    handles = raw["handle"]  # stripped as read
    if handles.str.startswith("@").any():  # as the UI shows a handle
        handles = handles.str.removeprefix("@")
    rows["handle"] = handles
    date_column = _date_column(spec)
    if settled.day is None:
        rows["date"], ranges = values.days(raw[date_column])
        log.add_rows(ranges, header_of[date_column], raw[date_column], messages.ROW_SEVERAL_DAYS)
    else:
        rows["date"] = settled.day.isoformat()
    rows["market"] = settled.market
    metrics = [c for c in spec.columns if c.stores and c.field in raw and c.value in NUMBERS]
    for column in metrics:
        if not spec.events:  # event values are summed first, then validated
            field = FIELDS[str(column.stores)]
            found = integers(
                field, raw[column.field], comma=settled.comma, units=settled.minor_units
            )
            if found is not None:
                rows[column.stores] = found  # typed: validation takes it as it is
                continue
        text = values.number(raw[column.field], comma=settled.comma)
        rows[column.stores] = text.where(text != "", "0")  # none is 0 for a metric
    names = raw["creator_name"] if "creator_name" in raw else rows["handle"]
    if spec.events:
        rows = _event_values(settled, rows, raw, log)
    return rows, names


def _date_column(spec: Format) -> str:
    return next(c.field for c in spec.columns if c.stores == "date")


class Events:
    """Event rows (LIVE streams, videos, orders) summed to one row per creator-day, chunk by
    chunk: sums are summed again as chunks come, so a creator's rows may be anywhere in the
    file. Each creator-day keeps the number (and the creator name) of the first row it sums,
    which row problems name."""

    def __init__(self, settled: Settled) -> None:
        self.settled = settled
        self.parts: list[pd.DataFrame] = []
        self.orders = SeenKeys()  # order ids met in earlier chunks
        self.left_out = 0  # orders whose status keeps them out of every figure

    def repeated_orders(self, table: Table, log: ErrorLog) -> None:
        """An order id met in an earlier chunk (a chunk's own repeats are found by `shape`)."""
        header = self.settled.header_of.get("order_id")
        if header is None:
            return
        ids = table.frame[header]
        given = ids[ids != ""]
        hashes = pd.util.hash_pandas_object(given, index=False).to_numpy()
        first = pd.Series(self.orders.first_rows(hashes), index=given.index)
        log.add_rows(
            first >= 0,
            header,
            given,
            lambda row: messages.REPEATED_ORDER.format(first=first[row]),
        )
        self.orders.add(hashes, given.index.to_numpy())

    def add(self, rows: pd.DataFrame, names: pd.Series) -> None:
        """One chunk's event values (numbers, not text), summed per creator-day."""
        self.parts.append(_sum(rows.assign(name=names.loc[rows.index].to_numpy())))

    def totals(self) -> tuple[pd.DataFrame, pd.Series]:
        """Every chunk's sums as canonical rows, one per creator-day, and their creator names."""
        parts, self.parts = self.parts, []
        summed = parts[0] if len(parts) == 1 else _sum(pd.concat(parts))
        summed = summed.sort_values("row")
        if LEFT_OUT in summed:
            self.left_out = int(summed.pop(LEFT_OUT).sum())
        settled = self.settled
        units = settled.minor_units
        index = pd.Index(summed["row"].to_numpy(), name="row")
        out = pd.DataFrame(
            {
                "date": summed["date"].to_numpy(),
                "market": settled.market,
                "handle": summed["handle"].to_numpy(),
            },
            index=index,
        )
        for name in summed.columns:
            if name in ("date", "handle", "row", "name"):
                continue
            numbers = summed[name].to_numpy(dtype=np.int64)
            if name == "live_minutes":
                out[name] = ((numbers + 30) // 60).astype(str).astype(object)  # to the minute
            elif name in MONEY:
                out[name] = minor_text(numbers, units)
            else:
                out[name] = numbers.astype(str).astype(object)
        return out, pd.Series(summed["name"].to_numpy(), index=index)


MONEY = ("gmv", "live_gmv", "video_gmv")
LEFT_OUT = "left_out"  # a status whose orders count toward no figure; its column counts them


def _sum(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows summed per (date, handle), keeping the first row's number and name."""
    numbers = [c for c in rows.columns if c not in ("date", "handle", "row", "name")]
    grouped = rows.groupby(["date", "handle"], sort=False)
    summed = grouped.agg({"row": "min", "name": "first", **{c: "sum" for c in numbers}})
    return summed.reset_index()


def _event_values(
    settled: Settled, rows: pd.DataFrame, raw: dict[str, pd.Series], log: ErrorLog
) -> pd.DataFrame:
    """Event rows' values as numbers: amounts in minor units, durations in seconds, one per
    row for the metric each row counts; the problems of any to `log`."""
    spec = settled.found.format
    header_of = settled.header_of
    code, currency = settled.market, settled.currency
    per_row = pd.Series(settled.minor_units, index=rows.index)
    summed = pd.DataFrame({"date": rows["date"], "handle": rows["handle"]}, index=rows.index)
    for column in spec.columns:
        if column.field not in raw or column.stores in (None, "handle", "date"):
            continue
        name = str(column.stores)
        if column.value is Value.DURATION:
            secs = values.seconds(raw[column.field])
            log.add_rows(
                secs < 0, header_of[column.field], raw[column.field], messages.NOT_A_DURATION
            )
            summed[name] = secs.clip(lower=0)
            continue
        kind = Type.MONEY if column.value is Value.MONEY else Type.COUNT
        field = Field(header_of[column.field], kind)
        summed[name] = parse_column(field, rows[name], log, markets={}, minor_units=per_row)
    if "currency" in raw:
        written = values.blank(raw["currency"]).str.strip().str.upper()
        problem = messages.OTHER_ROW_CURRENCY
        wrong = (written != "") & (written != currency)
        log.add_rows(
            wrong,
            header_of["currency"],
            raw["currency"],
            lambda row: problem.format(currency=written[row], market=code, expected=currency),
        )
    if "order_id" in raw:
        ids = raw["order_id"]
        repeated = ids.duplicated(keep="first") & (ids != "")
        first = pd.Series(ids.index, index=ids.index).groupby(ids.to_numpy()).transform("min")
        log.add_rows(
            repeated,
            header_of["order_id"],
            ids,
            lambda row: messages.REPEATED_ORDER.format(first=first[row]),
        )
    if "content_type" in raw and "gmv" in summed:
        # Content types as any language's UI writes them (exports mix English in).
        known = content_types(spec)
        contents = values.blank(raw["content_type"]).map(normal).map(known)
        for target, kind_name in (("live_gmv", "live"), ("video_gmv", "video")):
            summed[target] = summed["gmv"].where(contents.eq(kind_name), 0)
    if spec.row_counts:
        summed[spec.row_counts] = 1
    if "status" in raw:
        # GMV is what was paid: a cancelled or unpaid order counts toward no figure.
        left = values.blank(raw["status"]).map(normal).map(statuses(spec)).eq(LEFT_OUT)
        numbers = [c for c in summed.columns if c not in ("date", "handle")]
        summed.loc[left, numbers] = 0
        summed[LEFT_OUT] = left.astype(np.int64)
    summed["row"] = summed.index
    return summed


def statuses(spec: Format) -> dict[str, str]:
    """Every language's order statuses of the format: normalised status → its kind."""
    found: dict[str, str] = {}
    for aliases in all_aliases():
        if aliases.format is spec:
            found.update(aliases.statuses)
    return found


def content_types(spec: Format) -> dict[str, str]:
    """Every language's names of the format's content types: normalised name → live/video."""
    found: dict[str, str] = {}
    for aliases in all_aliases():
        if aliases.format is spec:
            found.update(aliases.content_types)
    return found


def minor_text(minor: np.ndarray, units: int) -> np.ndarray:
    """Amounts in minor units as canonical text (123456, 2 → "1234.56"), in integers only."""
    whole = (minor // 10**units).astype(str)
    if units == 0:
        return whole.astype(object)
    part = np.strings.zfill((minor % 10**units).astype(str), units)
    return np.strings.add(np.strings.add(whole, "."), part).astype(object)
