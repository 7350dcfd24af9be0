"""A native export's rows as the canonical daily metrics file they stand for: values rewritten
as canonical text, the market and day settled, event rows (LIVE streams, videos, orders) summed
to one row per creator-day. Only the metrics the export carries are columns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from creatorbot.storage.importers import messages
from creatorbot.storage.importers.errors import ErrorLog
from creatorbot.storage.importers.kinds import Field, Type
from creatorbot.storage.importers.native import days, market, values
from creatorbot.storage.importers.native.aliases import Recognised, all_aliases, normal
from creatorbot.storage.importers.native.formats import Format, Value
from creatorbot.storage.importers.parse import parse_column
from creatorbot.storage.importers.read import Table
from creatorbot.storage.models import Market

NUMBERS = (Value.MONEY, Value.COUNT, Value.PERCENT)


@dataclass(frozen=True)
class Shaped:
    """The canonical rows of a native export and what was settled on the way."""

    table: Table  # date, market, handle and the metrics the export carries, as canonical text
    names: pd.Series  # each row's creator name as the export writes it ("" when it has none)
    market: str
    market_source: str
    day_source: str
    headers: dict[str, str]  # canonical column → the export's header, for row problems


def shape(
    found: Recognised,
    table: Table,
    *,
    market_code: str | None,
    day: dt.date | None,
    session: Session,
) -> Shaped:
    """The canonical rows of `table`, read as `found` says. Raises `ImportFailed` (nothing
    written) for a value, market or day that will not do."""
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

    log = ErrorLog()
    rows = pd.DataFrame(index=table.frame.index)
    handles = raw["handle"]  # stripped as read
    if handles.str.startswith("@").any():  # as the UI shows a handle
        handles = handles.str.removeprefix("@")
    rows["handle"] = handles
    date_column = next(c.field for c in spec.columns if c.stores == "date")
    if date_column in raw:
        rows["date"], ranges = values.days(raw[date_column])
        log.add_rows(ranges, header_of[date_column], raw[date_column], messages.ROW_SEVERAL_DAYS)
        day_source: str = days.DATE_COLUMN
    else:
        the_day, day_source = days.file_day(table.source, table.preamble, day)
        rows["date"] = the_day.isoformat()
    rows["market"] = code
    headers = {"handle": header_of["handle"], "date": header_of.get(date_column, "date")}
    metrics = [c for c in spec.columns if c.stores and c.field in raw and c.value in NUMBERS]
    for column in metrics:
        text = values.number(raw[column.field], comma=comma)
        rows[column.stores] = text.where(text != "", "0")  # none is 0 for a metric
        headers[str(column.stores)] = header_of[column.field]
    if spec.events:
        rows = _events(spec, rows, raw, header_of, code, log, source=table.source, session=session)
        headers.update({name: name for name in rows.columns if name not in headers})
    log.raise_if_any(table.source)
    names = raw["creator_name"] if "creator_name" in raw else rows["handle"]
    canonical = Table(table.source, rows, list(rows.columns), frozenset())
    return Shaped(canonical, names.loc[rows.index], code, market_source, day_source, headers)


def _events(
    spec: Format,
    rows: pd.DataFrame,
    raw: dict[str, pd.Series],
    header_of: dict[str, str],
    code: str,
    log: ErrorLog,
    *,
    source: str,
    session: Session,
) -> pd.DataFrame:
    """Event rows summed to one row per creator-day, as canonical text; each keeps the number
    of the first row it sums, which row problems name."""
    units, currency = session.execute(
        select(Market.minor_units, Market.currency).where(Market.code == code)
    ).one()
    per_row = pd.Series(units, index=rows.index)
    summed = pd.DataFrame({"date": rows["date"], "handle": rows["handle"]}, index=rows.index)
    money: list[str] = []
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
        if kind is Type.MONEY:
            money.append(name)
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
            money.append(target)
    if spec.row_counts:
        summed[spec.row_counts] = 1
    log.raise_if_any(source)  # nothing is summed from a row that is wrong
    summed["row"] = summed.index
    totals = summed.groupby(["date", "handle"], sort=False).agg(
        {
            "row": "min",
            **{c: "sum" for c in summed.columns if c not in ("date", "handle", "row")},
        }
    )
    totals = totals.reset_index().set_index("row").sort_index()
    totals.index.name = "row"
    out = pd.DataFrame(
        {"date": totals["date"], "market": code, "handle": totals["handle"]}, index=totals.index
    )
    for name in totals.columns:
        if name in ("date", "handle"):
            continue
        if name == "live_minutes":
            out[name] = ((totals[name] + 30) // 60).astype(str)  # seconds to the nearest minute
        elif name in money:
            out[name] = minor_text(totals[name].to_numpy(dtype=np.int64), int(units))
        else:
            out[name] = totals[name].astype(np.int64).astype(str)
    return out


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
