"""`slots [market] [period] [as-of:YYYY-MM-DD]`: affiliate resource slot traffic, click-through
and conversion rates per slot, against the previous window, with the best and lowest slot."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from creatorbot.analytics.calendar import compared_window
from creatorbot.analytics.slots import MIN_IMPRESSIONS, Standout, compare, standouts, totals
from creatorbot.analytics.windows import Window, window_for
from creatorbot.commands.core import Call
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.labels import change_label, period_label
from creatorbot.commands.markets import NoData, check_as_of, market_word, no_data, resolve_market
from creatorbot.commands.parsing import AS_OF, parse_day, unknown_option, unknown_word, words
from creatorbot.commands.periods import Named, settle, take_period
from creatorbot.commands.reply import (
    Block,
    Column,
    Context,
    Fields,
    Header,
    Image,
    Reply,
    Table,
    Text,
)
from creatorbot.commands.vocabulary import option
from creatorbot.storage.models import Market
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.queries.slots import latest_slot_day, latest_slot_windows, slot_windows

USAGE = N_("slots [market] [period] [as-of:YYYY-MM-DD]")
OPTIONS = ("as-of",)
PERIODS = ("1d", "7d", "30d", "mtd")
NONE = "—"  # a rate or change that is undefined (nothing to divide by)
TABLE_COLUMNS = (
    "slot",
    "surface",
    "impressions",
    "impressions_change",
    "clicks",
    "ctr",
    "ctr_change",
    "conversions",
    "cvr",
    "cvr_change",
)
SURFACE_LABELS = {
    "ec_center": N_("EC Center"),
    "landing_page": N_("Landing page"),
    "pop_up": N_("Pop-up"),
    "notification": N_("Push notification"),
}


@dataclass(frozen=True)
class SlotsQuery:
    """A parsed `slots` request."""

    market: str | None = None
    period: str | None = None
    as_of: dt.date | None = None
    named: Named | None = None  # a period that needs the market's calendar (last week, …)


def parse(text: str, call: Call) -> SlotsQuery:
    """Read the words in any order; unknown words get a "did you mean"."""
    lang = call.lang
    found: dict[str, object] = {}
    tokens = words(text, lang)
    index = 0
    while index < len(tokens):
        period, index = take_period(tokens, index, lang)
        if period is not None:
            named = isinstance(period, Named)
            found["period"], found["named"] = (None, period) if named else (period, None)
            continue
        word = tokens[index]
        index += 1
        if ":" in word:
            key, _, value = word.partition(":")
            found["as_of"] = _as_of(option(key), value, lang)
        elif len(word) == 2 and word.isalpha():
            found["market"] = market_word(word, call, USAGE)
        else:
            markets = all_markets(session=call.session)
            vocabulary = [*PERIODS, *markets, *(f"{o}:" for o in OPTIONS)]
            raise unknown_word(word, vocabulary, lang, USAGE)
    return SlotsQuery(**found)  # type: ignore[arg-type]


def _as_of(key: str, value: str, lang: Lang) -> dt.date:
    if key in AS_OF:
        return parse_day(value, lang)
    raise unknown_option(key, OPTIONS, lang, USAGE)


@dataclass(frozen=True)
class SlotReport:
    """Every slot of a market over a window, beside the window before it."""

    market: Market
    period: str
    window: Window
    slots: pd.DataFrame
    kind: str | None = None  # the named period asked for, if one was


def compute(query: SlotsQuery, call: Call) -> SlotReport:
    """The market's slots over the query's window, compared with the previous window."""
    market = resolve_market(query.market, call)
    period = query.period or "7d"
    if query.named is None and query.as_of is None and period != "mtd":
        # The usual question: N days up to the latest day, found in the same read.
        days = window_for(period, dt.date.max).days  # N, whichever day it ends on
        latest, current, previous = latest_slot_windows(market.code, days, session=call.session)
        if latest is None:
            raise NoData(market, "slot_metrics")
        window = window_for(period, latest)
        return SlotReport(market, period, window, compare(current, previous))
    latest = latest_slot_day(market.code, session=call.session)
    check_as_of(query.as_of, latest, market, call.lang)
    if latest is None:
        raise NoData(market, "slot_metrics")
    found = settle(query.named or query.period, query.as_of, market, latest, call)
    end = found.as_of or latest
    period = found.period or "7d"
    window = window_for(period, end)
    before = compared_window(window, found.kind)
    current, previous = slot_windows(market.code, window, session=call.session, before=before)
    return SlotReport(market, period, window, compare(current, previous), found.kind)


def answer(query: SlotsQuery, call: Call) -> Reply:
    """Slot performance as a Reply: totals, a row per slot, best and lowest CTR, the windows."""
    try:
        report = compute(query, call)
    except NoData as exc:
        return no_data(exc, call.lang)
    return render(report, call.lang.for_market(report.market.code), call.services.charts)


def render(report: SlotReport, lang: Lang, chart: bool = False) -> Reply:
    """Turn a computed slot report into the Reply users see."""
    title = lang._("Resource slots · {market} · {period}").format(
        market=report.market.code,
        period=period_label(report.period, report.window.days, lang, report.kind),
    )
    before = compared_window(report.window, report.kind)
    window_line = lang._("{window}, compared with {previous}.").format(
        window=lang.window(report.window.start, report.window.end),
        previous=lang.window(before.start, before.end),
    )
    if report.slots.empty:
        message = lang._("No slot has any traffic in {market} for {window}.").format(
            market=lang.market_name(report.market.code),
            window=lang.window(report.window.start, report.window.end),
        )
        return Reply((Header(title), Text(message), Context(window_line)))
    legend = lang._(
        "Δ is the change against the previous window: impressions in percent, "
        "CTR and CVR in percentage points (pp)."
    )
    blocks: list[Block] = [
        Header(title),
        summary_fields(report.slots, lang),
        slot_table(report.slots, lang),
        callout(report.slots, lang),
    ]
    if chart:
        blocks.append(ctr_chart(report.slots, lang))
    blocks.append(Context(f"{window_line} {legend}"))
    return Reply(tuple(blocks), rows=len(report.slots))


def ctr_chart(slots: pd.DataFrame, lang: Lang) -> Image:
    """CTR per slot as bars, the best slot (by the same rule as the call-out) highlighted."""
    from creatorbot.commands.charts import (
        percent_bars,
    )  # matplotlib loads with the first chart, not at start

    best, _lowest = standouts(slots, MIN_IMPRESSIONS)
    names = slots["slot"].tolist()
    return percent_bars(
        names,
        [0.0 if pd.isna(ctr) else float(ctr) for ctr in slots["ctr"].tolist()],
        title=lang._("CTR by slot"),
        value_label=lang._("CTR"),
        lang=lang,
        highlight=names.index(best.slot) if best is not None else None,
    )


def summary_fields(slots: pd.DataFrame, lang: Lang) -> Fields:
    """Traffic across all slots in the window."""
    total = totals(slots)
    return Fields(
        (
            (lang._("Impressions"), lang.number(total.impressions)),
            (lang._("Clicks"), lang.number(total.clicks)),
            (lang._("CTR"), rate(total.ctr, lang)),
            (lang._("Conversions"), lang.number(total.conversions)),
            (lang._("CVR"), rate(total.cvr, lang)),
        )
    )


def slot_table(slots: pd.DataFrame, lang: Lang) -> Table:
    """One row per slot, most impressions first; a surface the slot's name already says is not
    written again, and the surface column is left out when every name says it."""
    columns = (
        Column(lang._("Slot")),
        Column(lang._("Surface")),
        Column(lang._("Impressions"), "right"),
        Column(lang._("Δ impressions (%)"), "right"),
        Column(lang._("Clicks"), "right"),
        Column(lang._("CTR"), "right"),
        Column(lang._("Δ CTR (pp)"), "right"),
        Column(lang._("Conversions"), "right"),
        Column(lang._("CVR"), "right"),
        Column(lang._("Δ CVR (pp)"), "right"),
    )
    # Column lists, not `to_dict("records")`: a few rows, where pandas' per-row work showed.
    rows = tuple(
        (
            str(slot),
            _unsaid(surface_label(str(surface), lang), str(slot)),
            lang.number(int(impressions)),
            change_label(known(impressions_change), lang, NONE),
            lang.number(int(clicks)),
            rate(known(ctr), lang),
            point_change(known(ctr_change), lang),
            lang.number(int(conversions)),
            rate(known(cvr), lang),
            point_change(known(cvr_change), lang),
        )
        for (
            slot,
            surface,
            impressions,
            impressions_change,
            clicks,
            ctr,
            ctr_change,
            conversions,
            cvr,
            cvr_change,
        ) in zip(*(slots[name].tolist() for name in TABLE_COLUMNS), strict=True)
    )
    if not any(row[1] for row in rows):  # every slot's name says its surface
        return Table(columns[:1] + columns[2:], tuple(row[:1] + row[2:] for row in rows))
    return Table(columns, rows)


def _unsaid(surface: str, slot: str) -> str:
    """The surface, or nothing when the slot's name already says it (Pop-up on Pop-up)."""
    return "" if surface.casefold() in slot.casefold() else surface


def callout(slots: pd.DataFrame, lang: Lang) -> Text:
    """The best and the lowest slot by CTR, and the minimum traffic that makes a slot count."""
    best, lowest = standouts(slots, MIN_IMPRESSIONS)
    minimum = lang.number(MIN_IMPRESSIONS)
    if best is None:
        return Text(
            lang.n_(
                "No slot had at least {n} impression in this window, so none is called out.",
                "No slot had at least {n} impressions in this window, so none is called out.",
                MIN_IMPRESSIONS,
            ).format(n=minimum)
        )
    parts = [_standout(lang._("Best CTR: *{slot}*, {ctr}."), best, lang)]
    if lowest is not None:
        parts.append(_standout(lang._("Lowest CTR: *{slot}*, {ctr}."), lowest, lang))
    parts.append(
        lang.n_(
            "Only slots with at least {n} impression in the window are compared.",
            "Only slots with at least {n} impressions in the window are compared.",
            MIN_IMPRESSIONS,
        ).format(n=minimum)
    )
    return Text(" ".join(parts))


def _standout(message: str, standout: Standout, lang: Lang) -> str:
    return message.format(slot=standout.slot, ctr=lang.percent(standout.ctr))


def surface_label(surface: str, lang: Lang) -> str:
    """A known surface in the user's language; any other as it was imported."""
    label = SURFACE_LABELS.get(surface)
    return lang._(label) if label else surface


def known(value: object) -> float | None:
    """A frame cell as a number, or None when it holds NaN (an undefined rate or change)."""
    if isinstance(value, int | float) and not math.isnan(value):
        return float(value)
    return None


def rate(value: float | None, lang: Lang) -> str:
    """A rate as a percentage with one decimal, or — when there was nothing to divide by."""
    return NONE if value is None else lang.percent(value)


def point_change(change: float | None, lang: Lang) -> str:
    """+0.4 pp / -1.2 pp: a rate's change in percentage points."""
    if change is None:
        return NONE
    points = round(change * 100, 1) or 0.0
    return _signed(points, lang._("{points} pp").format(points=lang.number(points, digits=1)))


def _signed(value: float, text: str) -> str:
    # Babel writes the minus sign of a fall; a rise gets its plus sign here.
    return f"+{text}" if value > 0 else text
