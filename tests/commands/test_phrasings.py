"""What people type, in English, Italian and Malay, and the request the bot reads from it:
the command, the metric, the window (on fixed clocks, across month and year ends, in each
market's own day and week), the market and the filters. Expected windows are written out by
hand from a calendar."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from babel import Locale
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.analytics.windows import window_for
from creatorbot.bot.render_text import render
from creatorbot.commands.alerts import AlertsQuery
from creatorbot.commands.core import Call, CommandRequest, Services, UserError
from creatorbot.commands.floors import FloorWords
from creatorbot.commands.i18n import Lang
from creatorbot.commands.leaderboard import LeaderboardQuery
from creatorbot.commands.markets import resolve_market
from creatorbot.commands.periods import day_of, first_weekday, market_today, settle
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router, split_command
from creatorbot.commands.slots import SlotsQuery
from creatorbot.commands.snapshot import SnapshotQuery
from creatorbot.commands.vocabulary import command_name
from creatorbot.storage.models import Role, SubscriptionKind

SNAPSHOT, ALERTS = SubscriptionKind.SNAPSHOT, SubscriptionKind.ALERTS
FEEDBACK, PORTFOLIO = SubscriptionKind.FEEDBACK, SubscriptionKind.PORTFOLIO

D = dt.date
UTC = dt.UTC
TUESDAY = dt.datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # Tue 24 Nov 2026 in MY and in IT
NEW_YEAR = dt.datetime(2026, 1, 3, 10, 0, tzinfo=UTC)  # Sat 3 Jan 2026 in both
SUNDAY = dt.datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # Sun 6 Dec 2026 in both
SPLIT = dt.datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # MY: Mon 2 Mar 04:00 · IT: Sun 1 Mar 21:00
EVE = dt.datetime(2025, 12, 31, 20, 0, tzinfo=UTC)  # MY: Thu 1 Jan 2026 · IT: Wed 31 Dec 2025
LEAP = dt.datetime(2028, 3, 1, 12, 0, tzinfo=UTC)  # Wed 1 Mar 2028, after a 29 February


def test_both_markets_start_the_week_on_monday_as_babel_says() -> None:
    """The expected weeks below start on Monday because Babel says so for both markets."""
    assert Locale.parse("ms_MY").first_week_day == 0
    assert Locale.parse("it_IT").first_week_day == 0
    assert first_weekday("MY") == first_weekday("IT") == 0


def parsed(
    sessions: sessionmaker[Session],
    text: str,
    locale: str = "en",
    clock: dt.datetime = TUESDAY,
    latest: dt.date | None = None,
) -> dict[str, Any]:
    """The request the router reads from `text`; for a ranked window, the window it stands for
    when the market's latest day with data is `latest` (default: its local today)."""
    services = Services(sessions=sessions, clock=lambda: clock)
    router = Router(commands(), services)
    name, arguments = split_command(text)
    command = router.commands[command_name(name) or name]
    command, arguments = router.meant(command, arguments)
    with sessions() as session:
        call = Call(CommandRequest(text=text, locale=locale), session, services, Lang(locale))
        query = command.parse(arguments, call)
        found: dict[str, Any] = {"command": command.name}
        if isinstance(query, str):
            found["about"] = query
        else:
            found["type"] = type(query).__name__
            found.update({f.name: getattr(query, f.name) for f in dataclasses.fields(query)})
        if isinstance(query, AlertsQuery | SnapshotQuery) and query.day is not None:
            found["named_day"] = day_of(query.day, resolve_market(query.market, call), call)
        if isinstance(query, LeaderboardQuery | SlotsQuery):
            market = resolve_market(query.market, call)
            end = latest or market_today(market, call)
            period = query.named or query.period
            settled = settle(period, query.as_of, market, end, call)
            window = window_for(settled.period or "7d", settled.as_of or end)
            found.update(market=market.code, window=(window.start, window.end))
        return found


def window(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    return (start, end)


# --- the periods, on each clock, as each market's calendar has them ---------------------------

# The same period in the three languages (the leaderboard's name in each, too).
PERIODS = {
    "today": ("today", "oggi", "hari ini"),
    "yesterday": ("yesterday", "ieri", "semalam"),
    "this_week": ("this week", "questa settimana", "minggu ini"),
    "last_week": ("last week", "settimana scorsa", "minggu lepas"),
    "wtd": ("wtd", "settimana in corso", "minggu semasa"),
    "this_month": ("this month", "questo mese", "bulan ini"),
    "last_month": ("last month", "il mese scorso", "bulan lepas"),
    "7_days": ("7 days", "7g", "7h"),
    "last_30": ("last 30 days", "ultimi 30 giorni", "30 hari lepas"),
    "mtd": ("mtd", "mtd", "mtd"),
}
BOARD = {"en": "leaderboard", "it": "classifica", "ms": "papan"}

# clock → period → market → the window (latest day with data: the market's local today).
WINDOWS: dict[dt.datetime, dict[str, dict[str, tuple[dt.date, dt.date]]]] = {
    TUESDAY: {
        "today": dict.fromkeys(("MY", "IT"), window(D(2026, 11, 24), D(2026, 11, 24))),
        "yesterday": dict.fromkeys(("MY", "IT"), window(D(2026, 11, 23), D(2026, 11, 23))),
        "this_week": dict.fromkeys(("MY", "IT"), window(D(2026, 11, 23), D(2026, 11, 24))),
        "last_week": dict.fromkeys(("MY", "IT"), window(D(2026, 11, 16), D(2026, 11, 22))),
        "wtd": dict.fromkeys(("MY", "IT"), window(D(2026, 11, 23), D(2026, 11, 24))),
        "this_month": dict.fromkeys(("MY", "IT"), window(D(2026, 11, 1), D(2026, 11, 24))),
        "last_month": dict.fromkeys(("MY", "IT"), window(D(2026, 10, 1), D(2026, 10, 31))),
        "7_days": dict.fromkeys(("MY", "IT"), window(D(2026, 11, 18), D(2026, 11, 24))),
        "last_30": dict.fromkeys(("MY", "IT"), window(D(2026, 10, 26), D(2026, 11, 24))),
    },
    NEW_YEAR: {
        "yesterday": dict.fromkeys(("MY", "IT"), window(D(2026, 1, 2), D(2026, 1, 2))),
        "this_week": dict.fromkeys(("MY", "IT"), window(D(2025, 12, 29), D(2026, 1, 3))),
        "last_week": dict.fromkeys(("MY", "IT"), window(D(2025, 12, 22), D(2025, 12, 28))),
        "this_month": dict.fromkeys(("MY", "IT"), window(D(2026, 1, 1), D(2026, 1, 3))),
        "last_month": dict.fromkeys(("MY", "IT"), window(D(2025, 12, 1), D(2025, 12, 31))),
        "7_days": dict.fromkeys(("MY", "IT"), window(D(2025, 12, 28), D(2026, 1, 3))),
        "mtd": dict.fromkeys(("MY", "IT"), window(D(2026, 1, 1), D(2026, 1, 3))),
    },
    SUNDAY: {
        "this_week": dict.fromkeys(("MY", "IT"), window(D(2026, 11, 30), D(2026, 12, 6))),
        "last_week": dict.fromkeys(("MY", "IT"), window(D(2026, 11, 23), D(2026, 11, 29))),
        "wtd": dict.fromkeys(("MY", "IT"), window(D(2026, 11, 30), D(2026, 12, 6))),
    },
    SPLIT: {
        "today": {
            "MY": window(D(2026, 3, 2), D(2026, 3, 2)),
            "IT": window(D(2026, 3, 1), D(2026, 3, 1)),
        },
        "yesterday": {
            "MY": window(D(2026, 3, 1), D(2026, 3, 1)),
            "IT": window(D(2026, 2, 28), D(2026, 2, 28)),
        },
        "this_week": {
            "MY": window(D(2026, 3, 2), D(2026, 3, 2)),
            "IT": window(D(2026, 2, 23), D(2026, 3, 1)),
        },
        "last_week": {
            "MY": window(D(2026, 2, 23), D(2026, 3, 1)),
            "IT": window(D(2026, 2, 16), D(2026, 2, 22)),
        },
        "this_month": {
            "MY": window(D(2026, 3, 1), D(2026, 3, 2)),
            "IT": window(D(2026, 3, 1), D(2026, 3, 1)),
        },
        "last_month": dict.fromkeys(("MY", "IT"), window(D(2026, 2, 1), D(2026, 2, 28))),
    },
    EVE: {
        "yesterday": {
            "MY": window(D(2025, 12, 31), D(2025, 12, 31)),
            "IT": window(D(2025, 12, 30), D(2025, 12, 30)),
        },
        "this_week": {
            "MY": window(D(2025, 12, 29), D(2026, 1, 1)),
            "IT": window(D(2025, 12, 29), D(2025, 12, 31)),
        },
        "this_month": {
            "MY": window(D(2026, 1, 1), D(2026, 1, 1)),
            "IT": window(D(2025, 12, 1), D(2025, 12, 31)),
        },
        "last_month": {
            "MY": window(D(2025, 12, 1), D(2025, 12, 31)),
            "IT": window(D(2025, 11, 1), D(2025, 11, 30)),
        },
        "last_30": {
            "MY": window(D(2025, 12, 3), D(2026, 1, 1)),
            "IT": window(D(2025, 12, 2), D(2025, 12, 31)),
        },
    },
    LEAP: {
        "last_month": dict.fromkeys(("MY", "IT"), window(D(2028, 2, 1), D(2028, 2, 29))),
        "last_week": dict.fromkeys(("MY", "IT"), window(D(2028, 2, 21), D(2028, 2, 27))),
    },
}


def period_rows() -> list[tuple[dt.datetime, str, str, dict[str, Any]]]:
    """Each period on each clock, in each language, for each market: English names the
    market; Italian and Malay rely on their language's market, or name the other one."""
    rows = []
    for clock, periods in WINDOWS.items():
        for kind, by_market in periods.items():
            en, it, ms = PERIODS[kind]
            for market, expected in by_market.items():
                want = {"command": "leaderboard", "metric": "gmv", "market": market}
                want["window"] = expected
                rows.append((clock, "en", f"leaderboard {en} {market}", want))
                if market == "IT":
                    rows.append((clock, "it", f"classifica {it}", want))
                    rows.append((clock, "ms", f"papan {ms} IT", want))
                else:
                    rows.append((clock, "ms", f"papan {ms}", want))
                    rows.append((clock, "it", f"classifica {market} {it}", want))
    return rows


# --- dates and spans of dates --------------------------------------------------------------

NOV = window(D(2026, 11, 1), D(2026, 11, 15))
DATE_ROWS: list[tuple[dt.datetime, str, str, tuple[dt.date, dt.date]]] = [
    (TUESDAY, "en", "leaderboard MY 1-15 nov", NOV),
    (TUESDAY, "en", "leaderboard MY 1 - 15 November", NOV),
    (TUESDAY, "en", "leaderboard MY 1/11–15/11", NOV),
    (TUESDAY, "en", "leaderboard MY 1/11-15/11", NOV),
    (TUESDAY, "en", "leaderboard MY 1/11/2026-15/11/2026", NOV),
    (TUESDAY, "it", "classifica 1-15 nov", NOV),
    (TUESDAY, "it", "classifica 1–15 novembre", NOV),
    (TUESDAY, "it", "classifica 1/11–15/11", NOV),
    (TUESDAY, "ms", "papan 1-15 Nov", NOV),
    (TUESDAY, "ms", "papan 1 - 15 November", NOV),
    (TUESDAY, "en", "leaderboard MY 2026-11-11", window(D(2026, 11, 11), D(2026, 11, 11))),
    (TUESDAY, "it", "classifica 11 nov", window(D(2026, 11, 11), D(2026, 11, 11))),
    (TUESDAY, "ms", "papan 11/11", window(D(2026, 11, 11), D(2026, 11, 11))),
    (TUESDAY, "it", "classifica 28 ott - 3 nov", window(D(2026, 10, 28), D(2026, 11, 3))),
    (TUESDAY, "ms", "papan 28 Okt - 3 Nov", window(D(2026, 10, 28), D(2026, 11, 3))),
    (TUESDAY, "it", "classifica 1-31 ago", window(D(2026, 8, 1), D(2026, 8, 31))),
    (TUESDAY, "ms", "papan 1-31 Ogos", window(D(2026, 8, 1), D(2026, 8, 31))),
    (TUESDAY, "ms", "papan 1-31 Mac", window(D(2026, 3, 1), D(2026, 3, 31))),
    (TUESDAY, "it", "classifica 1-31 mag", window(D(2026, 5, 1), D(2026, 5, 31))),
    (TUESDAY, "ms", "papan 1-31 Mei", window(D(2026, 5, 1), D(2026, 5, 31))),
    # A day not yet reached this year is last year's.
    (TUESDAY, "en", "leaderboard MY 20-31 dec", window(D(2025, 12, 20), D(2025, 12, 31))),
    (TUESDAY, "it", "classifica 1-15 dic", window(D(2025, 12, 1), D(2025, 12, 15))),
    (TUESDAY, "ms", "papan 1-15 Dis", window(D(2025, 12, 1), D(2025, 12, 15))),
    (TUESDAY, "it", "classifica 1-15 nov 2025", window(D(2025, 11, 1), D(2025, 11, 15))),
    # Across the year's end.
    (NEW_YEAR, "it", "classifica 1-15 dic", window(D(2025, 12, 1), D(2025, 12, 15))),
    (NEW_YEAR, "it", "classifica 20 dic - 2 gen", window(D(2025, 12, 20), D(2026, 1, 2))),
    (NEW_YEAR, "ms", "papan 20 Dis - 2 Jan", window(D(2025, 12, 20), D(2026, 1, 2))),
    (NEW_YEAR, "en", "leaderboard MY 28/12–2/1", window(D(2025, 12, 28), D(2026, 1, 2))),
    (NEW_YEAR, "en", "leaderboard MY 31/12", window(D(2025, 12, 31), D(2025, 12, 31))),
    (NEW_YEAR, "ms", "papan 15 Nov", window(D(2025, 11, 15), D(2025, 11, 15))),
    (LEAP, "en", "leaderboard MY 29/2", window(D(2028, 2, 29), D(2028, 2, 29))),
    (LEAP, "it", "classifica 29 feb", window(D(2028, 2, 29), D(2028, 2, 29))),
    # ISO dates, a span of them written with `..` or a dash (spaced or not).
    (TUESDAY, "en", "leaderboard MY 2026-11-01..2026-11-15", NOV),
    (TUESDAY, "en", "leaderboard MY 2026-11-01 - 2026-11-15", NOV),
    (TUESDAY, "en", "leaderboard 2026-11-01 .. 2026-11-15 MY", NOV),
    (TUESDAY, "it", "classifica 2026-11-01–2026-11-15", NOV),
    (TUESDAY, "it", "classifica ordini 2026-11-01 – 2026-11-15 IT", NOV),
    (TUESDAY, "ms", "papan 2026-11-01-2026-11-15", NOV),
    (TUESDAY, "ms", "papan jualan 2026-11-01 — 2026-11-15", NOV),
    (TUESDAY, "it", "classifica 2026-10-28..2026-11-03", window(D(2026, 10, 28), D(2026, 11, 3))),
    (TUESDAY, "ms", "papan 2026-09-30 - 2026-10-01", window(D(2026, 9, 30), D(2026, 10, 1))),
    (
        NEW_YEAR,
        "en",
        "leaderboard MY 2025-12-20..2026-01-02",
        window(D(2025, 12, 20), D(2026, 1, 2)),
    ),
    (NEW_YEAR, "it", "classifica 2025-12-31 - 2026-01-01", window(D(2025, 12, 31), D(2026, 1, 1))),
    (EVE, "ms", "papan 2025-12-01..2025-12-31", window(D(2025, 12, 1), D(2025, 12, 31))),
    (LEAP, "ms", "papan 2028-02-28..2028-03-01", window(D(2028, 2, 28), D(2028, 3, 1))),
    (LEAP, "en", "leaderboard MY 2028-02-29..2028-02-29", window(D(2028, 2, 29), D(2028, 2, 29))),
]

# --- metrics, filters, options --------------------------------------------------------------

LAST_7 = window(D(2026, 11, 18), D(2026, 11, 24))
WORD_ROWS: list[tuple[str, str, dict[str, Any]]] = [
    ("en", "leaderboard gmv 7d MY", {"metric": "gmv", "market": "MY"}),
    ("en", "leaderboard sales MY", {"metric": "gmv"}),
    ("en", "leaderboard orders IT", {"metric": "orders", "market": "IT"}),
    ("en", "leaderboard items MY", {"metric": "items_sold"}),
    ("en", "leaderboard views MY", {"metric": "video_views"}),
    ("en", "leaderboard followers MY", {"metric": "new_followers"}),
    ("en", "ranking live_gmv MY", {"metric": "live_gmv"}),
    ("it", "classifica vendite", {"metric": "gmv", "market": "IT"}),
    ("it", "classifica fatturato", {"metric": "gmv"}),
    ("it", "classifica ordini", {"metric": "orders"}),
    ("it", "classifica articoli", {"metric": "items_sold"}),
    ("it", "classifica gmv_live", {"metric": "live_gmv"}),
    ("it", "classifica gmv_video", {"metric": "video_gmv"}),
    ("it", "classifica minuti_live", {"metric": "live_minutes"}),
    ("it", "classifica visualizzazioni", {"metric": "video_views"}),
    ("it", "classifica nuovi_follower", {"metric": "new_followers"}),
    ("it", "Classifica Ordini MY", {"metric": "orders", "market": "MY"}),
    ("ms", "papan jualan", {"metric": "gmv", "market": "MY"}),
    ("ms", "papan pesanan", {"metric": "orders"}),
    ("ms", "papan item_dijual", {"metric": "items_sold"}),
    ("ms", "papan gmv_langsung", {"metric": "live_gmv"}),
    ("ms", "papan gmv_video", {"metric": "video_gmv"}),
    ("ms", "papan minit_live", {"metric": "live_minutes"}),
    ("ms", "papan tontonan", {"metric": "video_views"}),
    ("ms", "papan pengikut_baru", {"metric": "new_followers"}),
    ("ms", "kedudukan pesanan IT", {"metric": "orders", "market": "IT"}),
    ("en", "leaderboard MY tier:gold", {"tier": "gold"}),
    ("it", "classifica livello:gold", {"tier": "gold"}),
    ("ms", "papan tahap:gold", {"tier": "gold"}),
    ("en", "leaderboard MY category:beauty", {"category": "beauty"}),
    ("it", "classifica categoria:beauty", {"category": "beauty"}),
    ("ms", "papan kategori:beauty", {"category": "beauty"}),
    ("en", "leaderboard MY campaign:my-1111", {"campaign": "my-1111"}),
    ("it", "classifica campagna:it-1111", {"campaign": "it-1111"}),
    ("ms", "papan kempen:my-1111", {"campaign": "my-1111"}),
    ("en", "leaderboard MY segment:attention", {"segment": "attention"}),
    ("it", "classifica segmento:level-up", {"segment": "level-up"}),
    ("ms", "papan segmen:at-risk", {"segment": "at-risk"}),
    # Segments by the names each language shows them by.
    ("it", "classifica segmento:attenzione", {"segment": "attention"}),
    ("it", "classifica segmento:potenziale", {"segment": "potential"}),
    ("it", 'classifica segmento:"salto di livello"', {"segment": "level-up"}),
    ("it", "classifica segmento:salto-di-livello", {"segment": "level-up"}),
    ("it", "classifica segmento:a-rischio", {"segment": "at-risk"}),
    ("it", "classifica segmento:inattivi", {"segment": "dormant"}),
    ("it", "classifica segmento:nuovi", {"segment": "new"}),
    ("ms", "papan segmen:perhatian", {"segment": "attention"}),
    ("ms", "papan segmen:berpotensi", {"segment": "potential"}),
    ("ms", "papan segmen:naik-tahap", {"segment": "level-up"}),
    ("ms", 'papan segmen:"tahap berisiko"', {"segment": "at-risk"}),
    ("ms", "papan segmen:tidak-aktif", {"segment": "dormant"}),
    ("ms", "papan segmen:baharu", {"segment": "new"}),
    ("en", "leaderboard MY segment:dormant", {"segment": "dormant"}),
    ("en", "leaderboard MY segment:perhatian", {"segment": "attention"}),
    ("en", "leaderboard MY cm:Farah", {"owners": ("cm", ("Farah",))}),
    ("it", "classifica am:Marco", {"owners": ("am", ("Marco",))}),
    ("en", "leaderboard MY top 5", {"top": 5, "window": LAST_7}),
    ("en", "leaderboard MY top5", {"top": 5}),
    ("it", "classifica primi 20", {"top": 20}),
    ("ms", "papan teratas 3", {"top": 3}),
    (
        "en",
        "leaderboard MY as-of:2026-11-20",
        {"as_of": D(2026, 11, 20), "window": window(D(2026, 11, 14), D(2026, 11, 20))},
    ),
    ("it", "classifica al:2026-11-20 30g", {"window": window(D(2026, 10, 22), D(2026, 11, 20))}),
    ("ms", "papan sehingga:2026-11-20 1h", {"window": window(D(2026, 11, 20), D(2026, 11, 20))}),
    (
        "it",
        "classifica ordini settimana scorsa IT livello:gold primi 5",
        {
            "metric": "orders",
            "tier": "gold",
            "top": 5,
            "window": window(D(2026, 11, 16), D(2026, 11, 22)),
        },
    ),
    (
        "ms",
        "papan minggu lepas pesanan MY kategori:beauty",
        {
            "metric": "orders",
            "category": "beauty",
            "window": window(D(2026, 11, 16), D(2026, 11, 22)),
        },
    ),
    (
        "it",
        "slot settimana scorsa",
        {"command": "slots", "window": window(D(2026, 11, 16), D(2026, 11, 22))},
    ),
    (
        "ms",
        "slot MY bulan lepas",
        {"command": "slots", "window": window(D(2026, 10, 1), D(2026, 10, 31))},
    ),
    ("en", "slots MY 1-15 nov", {"command": "slots", "window": NOV}),
    (
        "it",
        "spazi 7g al:2026-11-20",
        {"command": "slots", "window": window(D(2026, 11, 14), D(2026, 11, 20))},
    ),
    # Italian words, a Malay speaker: the same request.
    ("ms", "classifica ordini ieri", {"metric": "orders", "market": "MY"}),
    ("en", "papan jualan semalam IT", {"metric": "gmv", "market": "IT"}),
]

# --- every other command, by its names and actions in the three languages ---------------------

COMMAND_ROWS: list[tuple[str, str, dict[str, Any]]] = [
    ("en", "campaign list", {"command": "campaign", "type": "CampaignListQuery"}),
    ("it", "campagna elenco", {"command": "campaign", "type": "CampaignListQuery"}),
    ("it", "campagne lista IT", {"type": "CampaignListQuery", "market": "IT"}),
    ("ms", "kempen senarai MY", {"command": "campaign", "market": "MY"}),
    ("it", "campagna it-1111-2026", {"type": "CampaignQuery", "slug": "it-1111-2026"}),
    ("ms", "kempen my-1111-2026", {"type": "CampaignQuery", "slug": "my-1111-2026"}),
    (
        "it",
        "creatore giulia.moda IT",
        {"command": "creator", "name": "giulia.moda", "market": "IT"},
    ),
    ("it", "creatrice giulia.moda", {"command": "creator", "name": "giulia.moda"}),
    ("ms", "kreator aisyah.beauty", {"command": "creator", "name": "aisyah.beauty"}),
    ("ms", "pencipta aisyah.beauty MY", {"command": "creator", "market": "MY"}),
    ("it", "portafoglio io IT", {"command": "portfolio", "owner": None, "market": "IT"}),
    ("ms", "portfolio saya MY", {"command": "portfolio", "owner": None, "market": "MY"}),
    ("it", "livelli IT", {"command": "tiers", "market": "IT"}),
    ("ms", "tahap MY", {"command": "tiers", "market": "MY"}),
    ("en", "tier MY", {"command": "tiers", "market": "MY"}),
    ("it", "abbinamento beauty IT primi 20", {"category": "beauty", "market": "IT", "top": 20}),
    ("it", "abbina categoria:beauty esporta", {"category": "beauty", "export": True}),
    ("ms", "padanan beauty MY teratas 5 eksport", {"category": "beauty", "top": 5, "export": True}),
    ("en", "matchmaking beauty MY top 7", {"command": "match", "top": 7}),
    ("it", "riscontro", {"command": "feedback", "action": "form"}),
    ("it", "feedback rapporto campagna:it-1111", {"action": "report", "campaign": "it-1111"}),
    ("it", "riscontro esporta xlsx", {"action": "export", "xlsx": True}),
    ("ms", "maklumbalas laporan", {"command": "feedback", "action": "report"}),
    ("ms", "maklumbalas eksport kempen:my-1111", {"action": "export", "campaign": "my-1111"}),
    ("it", "riscontro collegamenti campagna:it-1111 esporta", {"action": "links"}),
    ("ms", "maklumbalas semua-pautan kempen:my-1111 eksport", {"action": "links"}),
    ("it", "feedback revoca @giulia", {"action": "links"}),
    ("it", "istantanea IT al:2026-11-20", {"command": "snapshot", "as_of": D(2026, 11, 20)}),
    ("it", "riepilogo", {"command": "snapshot", "market": None}),
    ("ms", "ringkasan MY sehingga:2026-11-20", {"market": "MY", "as_of": D(2026, 11, 20)}),
    ("it", "avvisi IT al:2026-11-20", {"command": "alerts", "as_of": D(2026, 11, 20)}),
    ("it", "avvisi visto 12", {"type": "HandleQuery", "action": "ack", "alert_id": 12}),
    ("it", "allerta rimanda 3", {"type": "HandleQuery", "action": "snooze", "alert_id": 3}),
    ("ms", "amaran akui 12", {"type": "HandleQuery", "action": "ack", "alert_id": 12}),
    ("ms", "amaran tunda 4", {"type": "HandleQuery", "action": "snooze", "alert_id": 4}),
    ("ms", "amaran MY", {"type": "AlertsQuery", "market": "MY"}),
    ("it", "avvisi ieri", {"command": "alerts", "named_day": D(2026, 11, 23)}),
    ("ms", "amaran semalam", {"command": "alerts", "named_day": D(2026, 11, 23)}),
    ("en", "alerts MY 20 nov", {"command": "alerts", "named_day": D(2026, 11, 20)}),
    ("en", "snapshot MY yesterday", {"command": "snapshot", "named_day": D(2026, 11, 23)}),
    ("it", "istantanea 2026-11-20", {"command": "snapshot", "named_day": D(2026, 11, 20)}),
    ("ms", "ringkasan hari ini", {"command": "snapshot", "named_day": D(2026, 11, 24)}),
    ("it", "abbonamenti elenco", {"command": "digest", "action": "list"}),
    ("it", "iscrizioni", {"command": "digest", "action": "list"}),
    ("it", "abbonamenti invia 3", {"action": "run", "subscription": 3}),
    ("it", "abbonamenti pausa 2", {"action": "pause", "subscription": 2}),
    ("it", "abbonamenti riprendi 2", {"action": "resume", "subscription": 2}),
    ("it", "abbonamenti disiscrivi 2", {"action": "unsubscribe", "subscription": 2}),
    ("it", "abbonamenti iscrivi snapshot IT at 08:30", {"action": "subscribe", "at": "08:30"}),
    ("ms", "langganan senarai", {"command": "digest", "action": "list"}),
    ("ms", "langganan hantar 3", {"action": "run", "subscription": 3}),
    ("ms", "langganan jeda 2", {"action": "pause", "subscription": 2}),
    ("ms", "langganan sambung 2", {"action": "resume", "subscription": 2}),
    ("ms", "langganan berhenti 2", {"action": "unsubscribe", "subscription": 2}),
    ("ms", "langganan langgan alerts MY", {"action": "subscribe", "market": "MY"}),
    ("it", "accesso elenco", {"command": "access", "action": "list"}),
    ("it", "accesso concedi slack:U0123ABCD cm IT", {"action": "grant", "markets": ("IT",)}),
    ("it", "accessi revoca slack:U0123ABCD", {"action": "revoke", "user": "U0123ABCD"}),
    ("ms", "akses senarai", {"command": "access", "action": "list"}),
    ("ms", "akses beri slack:U0123ABCD viewer MY", {"action": "grant", "markets": ("MY",)}),
    ("ms", "akses tarik slack:U0123ABCD", {"action": "revoke"}),
    # What a digest posts, when, and a war room, in each language's words.
    (
        "it",
        "abbonamenti iscrivi classifica IT alle 08:30",
        {"action": "subscribe", "kind": SNAPSHOT, "market": "IT", "at": "08:30"},
    ),
    ("it", "abbonamenti iscrivi istantanea ore 7:05", {"kind": SNAPSHOT, "at": "07:05"}),
    ("it", "abbonamenti iscrivi avvisi IT", {"kind": ALERTS, "market": "IT", "at": "09:00"}),
    (
        "it",
        "abbonamenti iscrivi avvisi io almeno 5 ordini al giorno alle 08:00",
        {"kind": ALERTS, "me": True, "floor": FloorWords(5), "at": "08:00"},
    ),
    ("it", "abbonamenti iscrivi portafoglio io", {"kind": PORTFOLIO, "me": True}),
    ("it", "abbonamenti iscrivi riscontro IT ore 10:00", {"kind": FEEDBACK, "at": "10:00"}),
    ("it", "abbonamenti sala-operativa 3 attiva", {"action": "war-room", "on": True}),
    ("it", "abbonamenti sala-operativa 3 spento", {"subscription": 3, "on": False}),
    (
        "ms",
        "langganan langgan papan MY pada 9:00",
        {"action": "subscribe", "kind": SNAPSHOT, "market": "MY", "at": "09:00"},
    ),
    ("ms", "langganan langgan ringkasan jam 18:30", {"kind": SNAPSHOT, "at": "18:30"}),
    ("ms", "langganan langgan kedudukan pukul 06:00", {"kind": SNAPSHOT, "at": "06:00"}),
    (
        "ms",
        "langganan langgan amaran saya sekurang-kurangnya 5 pesanan sehari",
        {"kind": ALERTS, "me": True, "floor": FloorWords(5)},
    ),
    ("ms", "langganan langgan portfolio saya pada 08:00", {"kind": PORTFOLIO, "at": "08:00"}),
    ("ms", "langganan langgan maklumbalas MY", {"kind": FEEDBACK, "market": "MY"}),
    ("ms", "langganan bilik-gerakan 4 hidup", {"action": "war-room", "on": True}),
    ("ms", "langganan bilik-gerakan 4 tutup", {"subscription": 4, "on": False}),
    ("en", "digest subscribe leaderboard MY at 07:15", {"kind": SNAPSHOT, "at": "07:15"}),
    ("en", "langganan langgan classifica MY alle 07:15", {"kind": SNAPSHOT, "at": "07:15"}),
    # The roles access gives.
    ("it", "accesso concedi slack:U0123ABCD lettore IT", {"role": Role.VIEWER}),
    ("it", "accesso concedi slack:U0123ABCD responsabile", {"role": Role.LEAD, "markets": ()}),
    ("it", "accesso concedi slack:U0123ABCD amministratore", {"role": Role.ADMIN}),
    ("it", "accesso assegna slack:U0123ABCD am IT", {"role": Role.AM}),
    ("ms", "akses beri slack:U0123ABCD pemerhati MY", {"role": Role.VIEWER}),
    ("ms", "akses beri slack:U0123ABCD ketua MY", {"role": Role.LEAD, "markets": ("MY",)}),
    ("ms", "akses beri slack:U0123ABCD pentadbir", {"role": Role.ADMIN}),
    ("ms", "akses beri slack:U0123ABCD cm MY", {"role": Role.CM}),
    ("en", "access grant slack:U0123ABCD Lettore MY", {"role": Role.VIEWER}),
    ("it", "registro 30", {"command": "audit", "days": 30}),
    ("ms", "jejak 7", {"command": "audit", "days": 7}),
    ("en", "help leaderboard", {"command": "help", "about": "leaderboard"}),
    ("it", "aiuto classifica", {"command": "help", "about": "leaderboard"}),
    ("it", "classifica aiuto", {"command": "help", "about": "leaderboard"}),
    ("it", "aiuto", {"command": "help", "about": ""}),
    ("ms", "bantuan kempen", {"command": "help", "about": "campaign"}),
    ("ms", "papan bantuan", {"command": "help", "about": "leaderboard"}),
    ("ms", "amaran bantuan", {"command": "help", "about": "alerts"}),
    ("en", "slots help", {"command": "help", "about": "slots"}),
    ("en", "/creatorbot classifica help", {"command": "help", "about": "leaderboard"}),
]

ROWS = [
    *((clock, locale, text, want) for clock, locale, text, want in period_rows()),
    *((clock, locale, text, {"window": span}) for clock, locale, text, span in DATE_ROWS),
    *((TUESDAY, locale, text, want) for locale, text, want in WORD_ROWS),
    *((TUESDAY, locale, text, want) for locale, text, want in COMMAND_ROWS),
]


def test_the_table_is_long_enough() -> None:
    assert len(ROWS) >= 150
    assert {locale for _, locale, _, _ in ROWS} == {"en", "it", "ms"}


@pytest.mark.parametrize(
    ("clock", "locale", "text", "want"),
    ROWS,
    ids=[f"{clock:%Y%m%dT%H}-{locale}-{text}" for clock, locale, text, _ in ROWS],
)
def test_what_people_type_is_read_as_meant(
    sessions: sessionmaker[Session], clock: dt.datetime, locale: str, text: str, want: dict
) -> None:
    found = parsed(sessions, text, locale, clock)
    assert {key: found.get(key, "—absent—") for key in want} == want


# --- what is refused, and what the refusal says -----------------------------------------------


@pytest.mark.parametrize(
    ("locale", "text", "latest", "expected"),
    [
        ("en", "leaderboard MY 400 days", None, "The longest window is 366 days"),
        ("it", "classifica ultimi 0 giorni", None, "La finestra più corta è di 1 giorno"),
        ("en", "leaderboard MY 1/1/2025-15/2/2026", None, "Periods are at most 366 days"),
        ("en", "leaderboard MY 31/2", None, "is not a date"),
        ("en", "leaderboard MY 2026-02-30", None, "is not a date"),
        ("en", "leaderboard MY 2026-02-30..2026-03-02", None, "is not a date"),
        ("en", "leaderboard MY 2026-11-15..2026-11-01", None, "ends before it starts"),
        ("it", "classifica 2026-11-15 - 2026-11-01", None, "finisce prima di cominciare"),
        ("en", "leaderboard MY 2025-01-01..2026-02-15", None, "Periods are at most 366 days"),
        ("en", "leaderboard MY 2026-11-20..2026-11-30", D(2026, 11, 19), "latest day with data"),
        ("en", "leaderboard MY last week as-of:2026-11-20", None, "already says which days"),
        # Nothing yet for this week: the latest day with data is named.
        ("en", "leaderboard MY this week", D(2026, 11, 22), "the latest day with data is 22 Nov"),
        ("en", "leaderboard MY today", D(2026, 11, 23), "the latest day with data is 23 Nov"),
        ("en", "leaderboard XX", None, "Markets: IT, MY"),
        ("en", "slots XX", None, "Markets: IT, MY"),
        ("it", "avvisi settimana scorsa", None, "`avvisi` guarda un solo giorno"),
        ("en", "snapshot MY last week", None, "ask `leaderboard gmv last week`"),
    ],
)
def test_refusals_say_what_is_allowed(
    sessions: sessionmaker[Session], locale: str, text: str, latest: dt.date, expected: str
) -> None:
    with pytest.raises(UserError) as refused:
        parsed(sessions, text, locale, TUESDAY, latest)
    assert expected in " ".join((refused.value.message, *refused.value.hints))


def test_a_running_period_ends_on_the_latest_day_with_data(
    sessions: sessionmaker[Session],
) -> None:
    late = D(2026, 11, 20)
    assert parsed(sessions, "leaderboard MY this month", latest=late)["window"] == (
        D(2026, 11, 1),
        late,
    )
    assert parsed(sessions, "papan minggu lepas", "ms", latest=late)["window"] == (
        D(2026, 11, 16),
        late,
    )
    # A number of days and wtd end on the latest day, as `7d` always did.
    assert parsed(sessions, "leaderboard MY 7 days", latest=late)["window"] == (
        D(2026, 11, 14),
        late,
    )
    assert parsed(sessions, "leaderboard MY wtd", latest=late)["window"] == (
        D(2026, 11, 16),
        late,
    )


# --- answers in the asker's language, whatever language the words were typed in --------------


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("it", "akses beri slack:U0123ABCD pemerhati MY", "ora è lettore in MY"),
        ("ms", "accesso concedi slack:U0123ABCD responsabile IT", "kini ketua dalam IT"),
        ("en", "accesso concedi slack:U0123ABCD lettore IT", "is now viewer in IT"),
        ("it", "langganan langgan papan MY pada 08:30", "classifica del giorno"),
        ("ms", "abbonamenti iscrivi classifica IT alle 08:30", "08:30"),
        ("en", "abbonamenti iscrivi avvisi IT alle 08:30", "anomaly alerts"),
        ("it", "abbonamenti iscrivi cosa", "Scegli tra: istantanea, avvisi, feedback, portafoglio"),
        ("ms", "akses beri slack:U0123ABCD boss", "ketua"),
        ("it", "classifica segmento:boh", "attenzione, potenziale, salto-di-fascia"),
        ("ms", "papan segmen:entah", "perhatian, berpotensi, naik-tahap"),
    ],
)
def test_answers_come_in_the_askers_language(
    sessions: sessionmaker[Session], locale: str, text: str, expected: str
) -> None:
    router = Router(commands(), Services(sessions=sessions, clock=lambda: TUESDAY))
    answer = router.handle(CommandRequest(text=text, locale=locale))
    assert expected in render(answer)
