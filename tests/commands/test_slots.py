"""The slots answer, as a user sees it: per-slot traffic and rates against the previous window,
totals, the best and lowest slot, dead and empty slots, windows, languages, bad input."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands import slots
from creatorbot.commands.core import Services
from creatorbot.commands.i18n import Lang
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Context, Fields, Header, Reply, Table, Text
from creatorbot.commands.router import Command, Router
from creatorbot.storage import writer
from creatorbot.storage.demo.world import DemoSpec, build_world
from creatorbot.storage.demo.write import write_world
from tests.commands.conftest import NOW

END = dt.date(2026, 11, 23)
DASH = "—"
SURFACES = {
    "ec_center": "EC Center",
    "landing_page": "Landing page",
    "pop_up": "Pop-up",
    "notification": "Push notification",
}
Counts = tuple[int, int, int]  # impressions, clicks, conversions


def day(offset: int) -> dt.date:
    """END minus `offset` days."""
    return END - dt.timedelta(days=offset)


@pytest.fixture
def router(sessions: sessionmaker[Session]) -> Router:
    """The real router with `slots` registered as the registry will register it."""
    table = {
        **commands(),
        "slots": Command(
            "slots",
            slots.parse,
            slots.answer,
            "Affiliate resource slots: traffic, CTR and CVR against the previous window",
            "slots MY 7d",
        ),
    }
    return Router(table, Services(sessions=sessions, clock=lambda: NOW))


# What each MY slot did per day: (first offset, last offset, surface, counts per day).
PLAN: dict[str, list[tuple[int, int, str, Counts]]] = {
    # grows: both weeks, more traffic this week
    "Banner A": [(0, 6, "ec_center", (10_137, 233, 17)), (7, 13, "ec_center", (8_061, 151, 9))],
    # impressions but no clicks this week: CVR has nothing to divide by
    "Banner B": [(0, 6, "ec_center", (2_013, 0, 0)), (7, 13, "ec_center", (2_029, 11, 1))],
    # shrinks, best CTR among the big slots
    "Landing": [
        (0, 6, "landing_page", (3_021, 143, 11)),
        (7, 13, "landing_page", (4_007, 152, 13)),
    ],
    # the best CTR of all, but too little traffic to be called out
    "Pop-up": [(0, 0, "pop_up", (517, 41, 2))],
    # dead this week, busy the week before
    "Push": [(7, 13, "notification", (20_011, 903, 31))],
    # rows, but nothing on them
    "Quiet": [(0, 6, "custom_surface", (0, 0, 0))],
}


def plan_rows(market: str = "MY") -> list[dict[str, Any]]:
    return [
        {
            "date": day(offset),
            "market": market,
            "slot": slot,
            "surface": surface,
            "impressions": counts[0],
            "clicks": counts[1],
            "conversions": counts[2],
        }
        for slot, spans in PLAN.items()
        for first, last, surface, counts in spans
        for offset in range(first, last + 1)
    ]


def write_slots(sessions: sessionmaker[Session], rows: list[dict[str, Any]]) -> None:
    with sessions.begin() as session:
        writer.write_slot_metrics(pd.DataFrame(rows), session=session)


@pytest.fixture
def small_world(sessions: sessionmaker[Session]) -> list[dict[str, Any]]:
    """Six MY slots over two weeks ending END; IT has no slot data."""
    rows = plan_rows()
    write_slots(sessions, rows)
    return rows


# The independent computation: plain Python over the inserted rows, formatted as en writes.


def sums(rows: list[dict[str, Any]], start: dt.date, end: dt.date) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        if start <= row["date"] <= end:
            total = found[row["slot"]]
            for i, key in enumerate(("impressions", "clicks", "conversions")):
                total[i] += int(row[key])
    return dict(found)


def div(a: int, b: int) -> float | None:
    return a / b if b else None


def pct(x: float | None) -> str:
    return DASH if x is None else f"{x:.1%}"


def rel(now: int, before: int) -> str:
    if not before:
        return DASH
    change = (now - before) / before
    text = f"{change:+.1%}"
    return "0.0%" if text in ("+0.0%", "-0.0%") else text


def points(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return DASH
    text = f"{(now - before) * 100:+.1f}"
    return "0.0 pp" if text in ("+0.0", "-0.0") else f"{text} pp"


def unsaid(surface: str, slot: str) -> str:
    """A surface is not repeated beside a slot whose name says it ("Pop-up" on Pop-up)."""
    return "" if surface.lower() in slot.lower() else surface


def expected(rows: list[dict[str, Any]], start: dt.date, end: dt.date) -> list[tuple[str, ...]]:
    """The table a user should see for [start, end] against the window before it."""
    length = end - start + dt.timedelta(days=1)
    now = sums(rows, start, end)
    before = sums(rows, start - length, end - length)
    surface = {row["slot"]: row["surface"] for row in rows}
    table: list[tuple[str, ...]] = []
    for slot in sorted(set(now) | set(before), key=lambda s: (-now.get(s, [0])[0], s)):
        imp, clk, conv = now.get(slot, [0, 0, 0])
        imp0, clk0, conv0 = before.get(slot, [0, 0, 0])
        table.append(
            (
                slot,
                unsaid(SURFACES.get(surface[slot], surface[slot]), slot),
                f"{imp:,}",
                rel(imp, imp0),
                f"{clk:,}",
                pct(div(clk, imp)),
                points(div(clk, imp), div(clk0, imp0)),
                f"{conv:,}",
                pct(div(conv, clk)),
                points(div(conv, clk), div(conv0, clk0)),
            )
        )
    return table


def totals(rows: list[dict[str, Any]], start: dt.date, end: dt.date) -> dict[str, str]:
    imp, clk, conv = (sum(v[i] for v in sums(rows, start, end).values()) for i in range(3))
    return {
        "Impressions": f"{imp:,}",
        "Clicks": f"{clk:,}",
        "CTR": pct(div(clk, imp)),
        "Conversions": f"{conv:,}",
        "CVR": pct(div(conv, clk)),
    }


def callout(rows: list[dict[str, Any]], start: dt.date, end: dt.date) -> str:
    ctrs = [
        (clk / imp, slot) for slot, (imp, clk, _) in sums(rows, start, end).items() if imp >= 1000
    ]
    best = min(ctrs, key=lambda c: (-c[0], c[1]))
    lowest = min(ctrs)
    return (
        f"Best CTR: *{best[1]}*, {best[0]:.1%}. Lowest CTR: *{lowest[1]}*, {lowest[0]:.1%}. "
        "Only slots with at least 1,000 impressions in the window are compared."
    )


# Reading the Reply.


def block(reply: Reply, kind: type) -> Any:
    found = [b for b in reply.blocks if isinstance(b, kind)]
    assert found, f"no {kind.__name__} in {reply}"
    return found[0]


def rows_of(reply: Reply) -> list[tuple[str, ...]]:
    return list(block(reply, Table).rows)


def fields_of(reply: Reply) -> dict[str, str]:
    return dict(block(reply, Fields).items)


def context_of(reply: Reply) -> str:
    return " ".join(b.text for b in reply.blocks if isinstance(b, Context))


def row_of(reply: Reply, slot: str) -> tuple[str, ...]:
    return next(row for row in rows_of(reply) if row[0] == slot)


# The tests.


@pytest.mark.usefixtures("small_world")
def test_the_columns_say_which_change_is_which(reply: Callable[..., Reply]) -> None:
    labels = [c.label for c in block(reply("slots MY"), Table).columns]
    assert labels == [
        "Slot",
        "Surface",
        "Impressions",
        "Δ impressions (%)",
        "Clicks",
        "CTR",
        "Δ CTR (pp)",
        "Conversions",
        "CVR",
        "Δ CVR (pp)",
    ]
    assert "CTR and CVR in percentage points (pp)" in context_of(reply("slots MY"))


def test_every_figure_matches_an_independent_computation(
    small_world: list[dict[str, Any]], reply: Callable[..., Reply]
) -> None:
    answer = reply("slots MY")
    assert answer.ok
    assert block(answer, Header).text == "Resource slots · MY · last 7 days"
    start = day(6)
    assert rows_of(answer) == expected(small_world, start, END)
    assert fields_of(answer) == totals(small_world, start, END)
    assert block(answer, Text).text == callout(small_world, start, END)
    assert answer.rows == 6
    # spot checks by hand, so the oracle above is not the only witness
    assert row_of(answer, "Banner A")[2:4] == ("70,959", "+25.8%")  # 7 × 10,137 vs 7 × 8,061
    assert row_of(answer, "Landing")[5] == "4.7%"  # 143 / 3,021


@pytest.mark.usefixtures("small_world")
def test_zero_impressions_and_zero_clicks_show_a_dash(reply: Callable[..., Reply]) -> None:
    answer = reply("slots MY")
    quiet = row_of(answer, "Quiet")
    assert quiet[2] == "0"
    assert (quiet[3], quiet[5], quiet[6], quiet[8], quiet[9]) == (DASH,) * 5
    assert quiet[1] == "custom_surface"  # an unknown surface is shown as imported
    banner_b = row_of(answer, "Banner B")
    assert (banner_b[5], banner_b[8], banner_b[9]) == ("0.0%", DASH, DASH)
    assert banner_b[6] == "-0.5 pp"  # 0% against 77 / 14,203 = 0.54%


@pytest.mark.usefixtures("small_world")
def test_a_dead_slot_is_still_listed(reply: Callable[..., Reply]) -> None:
    push = row_of(reply("slots MY"), "Push")
    assert push[:5] == ("Push", "Push notification", "0", "-100.0%", "0")
    assert push[5] == DASH


@pytest.mark.usefixtures("small_world")
def test_small_slots_are_not_called_out(reply: Callable[..., Reply]) -> None:
    text = block(reply("slots MY"), Text).text
    # Pop-up's 7.9% is the highest CTR, over 517 impressions only
    assert "Pop-up" not in text
    assert "Best CTR: *Landing*" in text
    assert "Lowest CTR: *Banner B*, 0.0%" in text
    assert "at least 1,000 impressions" in text


def test_one_slot_or_none_big_enough(
    sessions: sessionmaker[Session], reply: Callable[..., Reply]
) -> None:
    row = {"date": END, "market": "MY", "surface": "pop_up", "conversions": 1}
    write_slots(sessions, [{**row, "slot": "Tiny", "impressions": 999, "clicks": 10}])
    none = block(reply("slots MY"), Text).text
    assert none == ("No slot had at least 1,000 impressions in this window, so none is called out.")
    write_slots(sessions, [{**row, "slot": "Big", "impressions": 1_000, "clicks": 10}])
    one = block(reply("slots MY"), Text).text
    assert one.startswith("Best CTR: *Big*, 1.0%.")
    assert "Lowest" not in one


def test_sorted_by_impressions_then_slot(
    sessions: sessionmaker[Session], reply: Callable[..., Reply]
) -> None:
    base = {"date": END, "market": "MY", "surface": "pop_up", "clicks": 1, "conversions": 0}
    write_slots(
        sessions,
        [
            {**base, "slot": "b", "impressions": 50},
            {**base, "slot": "a", "impressions": 50},
            {**base, "slot": "c", "impressions": 70},
        ],
    )
    assert [row[0] for row in rows_of(reply("slots MY"))] == ["c", "a", "b"]


@pytest.mark.usefixtures("small_world")
def test_the_windows_are_stated(reply: Callable[..., Reply]) -> None:
    context = context_of(reply("slots MY"))
    assert "17–23 Nov 2026, compared with 10–16 Nov 2026." in context


@pytest.mark.parametrize(
    ("period", "start", "window", "title"),
    [
        ("1d", END, "23 Nov 2026, compared with 22 Nov 2026", "last day"),
        ("14d", day(13), "10–23 Nov 2026, compared with 27 Oct", "last 14 days"),
        ("mtd", dt.date(2026, 11, 1), "1–23 Nov 2026, compared with 9–31 Oct", "month to date"),
        ("30d", day(29), "25 Oct\u2009–\u200923 Nov 2026", "last 30 days"),
    ],
)
def test_periods_move_the_window(
    small_world: list[dict[str, Any]],
    reply: Callable[..., Reply],
    period: str,
    start: dt.date,
    window: str,
    title: str,
) -> None:
    answer = reply(f"slots {period} MY")
    assert window in context_of(answer)
    assert block(answer, Header).text == f"Resource slots · MY · {title}"
    assert rows_of(answer) == expected(small_world, start, END)
    assert fields_of(answer) == totals(small_world, start, END)


def test_as_of_moves_the_window(
    small_world: list[dict[str, Any]], reply: Callable[..., Reply]
) -> None:
    answer = reply("slots MY as-of:2026-11-16")
    assert "10–16 Nov 2026, compared with 3–9 Nov 2026." in context_of(answer)
    assert rows_of(answer) == expected(small_world, day(13), day(7))
    # nothing before the 10th: every change has nothing to compare with
    assert {row[3] for row in rows_of(answer)} == {DASH}
    shorter = reply("slots as-of:2026-11-20 3d MY")
    assert "18–20 Nov 2026, compared with 15–17 Nov 2026." in context_of(shorter)
    assert rows_of(shorter) == expected(small_world, day(5), day(3))


def test_the_window_ends_on_the_market_s_latest_slot_day(
    sessions: sessionmaker[Session], reply: Callable[..., Reply]
) -> None:
    # IT's slot data stops three days before MY's; the clock (NOW) is later than both
    write_slots(
        sessions,
        plan_rows("MY")
        + [{**r, "date": r["date"] - dt.timedelta(days=3)} for r in plan_rows("IT")],
    )
    assert "14–20 Nov 2026" in context_of(reply("slots IT"))
    assert "17–23 Nov 2026" in context_of(reply("slots MY"))


@pytest.mark.usefixtures("small_world")
def test_a_market_without_data(reply: Callable[..., Reply]) -> None:
    answer = reply("slots IT")
    assert answer.ok
    assert answer.summary == "There is no data for Italy yet."
    assert "creatorbot import slot_metrics FILE" in context_of(answer)


@pytest.mark.usefixtures("small_world")
def test_a_window_without_data(reply: Callable[..., Reply]) -> None:
    answer = reply("slots MY as-of:2025-01-31")
    assert answer.ok
    assert block(answer, Text).text == "No slot has any traffic in Malaysia for 25–31 Jan 2025."


@pytest.mark.usefixtures("small_world")
def test_italian_and_malay(chat: Callable[..., str], reply: Callable[..., Reply]) -> None:
    italian = chat("slots MY", "it")
    assert "17–23 nov 2026" in italian
    assert "ultimi 7 giorni" in italian
    assert "70.959" in italian  # Banner A's impressions, Italian grouping
    assert "+25,8%" in italian
    assert "Non ci sono ancora dati per Italia." in chat("slots IT", "it")
    malay = chat("slots MY", "ms")
    assert "17–23 Nov 2026" in malay
    assert "7 hari lepas" in malay
    assert "70,959" in malay
    # no market named: the language suggests one (Italian → IT, Malay → MY)
    assert reply("slots", "ms").ok
    assert "Italia" in chat("slots", "it")


@pytest.mark.usefixtures("small_world")
@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("slots 7dd MY", "en", "Did you mean `7d`"),
        ("slots MY aso:2026-11-01", "en", "Did you mean `as-of`"),
        ("slots MY as-of:2026-02-30", "en", "is not a date"),
        ("slots XX", "en", "I don't know the market “XX”. Markets: IT, MY."),
        ("slots MY banners", "en", "I don't understand “banners”"),
        ("slott MY", "en", "Did you mean `slots`"),
        ("slots 7dd MY", "it", "Non capisco “7dd”. Forse intendevi `7d`?"),
        ("slots 7dd MY", "ms", "Saya tidak faham “7dd”. Adakah maksud anda `7d`?"),
    ],
)
def test_bad_input_gets_a_short_answer(
    reply: Callable[..., Reply], text: str, locale: str, expected: str
) -> None:
    answer = reply(text, locale)
    assert not answer.ok
    assert expected in answer.summary
    assert "Traceback" not in answer.summary


@pytest.mark.usefixtures("small_world")
def test_usage_is_hinted(reply: Callable[..., Reply]) -> None:
    assert "Usage: slots [market] [period] [as-of:YYYY-MM-DD]" in context_of(reply("slots 7dd"))


# The demo world: the answer against an independent pandas computation.


def demo_expected(frame: pd.DataFrame, market: str, days: int) -> list[tuple[str, ...]]:
    data = frame[frame["market"] == market].assign(date=lambda f: pd.to_datetime(f["date"]))
    end = data["date"].max()
    span = pd.Timedelta(days=days)

    def window(last: pd.Timestamp) -> pd.DataFrame:
        inside = data[(data["date"] > last - span) & (data["date"] <= last)]
        return inside.groupby("slot")[["impressions", "clicks", "conversions"]].sum()

    now, before = window(end), window(end - span)
    joined = now.join(before.add_suffix("_0"), how="outer").fillna(0).astype("int64")
    surface = data.groupby("slot")["surface"].max()
    joined = joined.reset_index().sort_values(["impressions", "slot"], ascending=[False, True])
    table: list[tuple[str, ...]] = []
    for r in joined.to_dict("records"):
        slot = str(r["slot"])
        imp, clk, conv = (int(r[k]) for k in ("impressions", "clicks", "conversions"))
        imp0, clk0, conv0 = (int(r[f"{k}_0"]) for k in ("impressions", "clicks", "conversions"))
        ctr, ctr0 = div(clk, imp), div(clk0, imp0)
        cvr, cvr0 = div(conv, clk), div(conv0, clk0)
        table.append(
            (
                slot,
                unsaid(SURFACES[str(surface[slot])], slot),
                f"{imp:,}",
                rel(imp, imp0),
                f"{clk:,}",
                pct(ctr),
                points(ctr, ctr0),
                f"{conv:,}",
                pct(cvr),
                points(cvr, cvr0),
            )
        )
    if not any(row[1] for row in table):  # every name says its surface: no surface column
        return [row[:1] + row[2:] for row in table]
    return table


@pytest.mark.parametrize(("market", "period", "days"), [("MY", "7d", 7), ("IT", "14d", 14)])
def test_the_demo_world(
    sessions: sessionmaker[Session],
    reply: Callable[..., Reply],
    market: str,
    period: str,
    days: int,
) -> None:
    world = build_world(DemoSpec(creators=200, days=40, seed=5, end=END))
    with sessions.begin() as session:
        write_world(world, session=session)
    answer = reply(f"slots {market} {period}")
    assert answer.ok
    table = rows_of(answer)
    assert len(table) == 5
    assert table == demo_expected(world.slot_metrics, market, days)


def test_the_usual_question_finds_the_latest_day_and_both_windows_in_one_read(
    engine: Engine, small_world: list[dict[str, Any]], reply: Callable[..., Reply]
) -> None:
    """On PostgreSQL each statement is a round trip: the markets, one read for the windows
    (the latest day found inside it) and the audit entry."""
    sent: list[str] = []

    def record(*args: object) -> None:
        sent.append(str(args[2]))

    reply("slots MY")
    event.listen(engine, "before_cursor_execute", record)
    try:
        answer = reply("slots 14d MY")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert rows_of(answer) == expected(small_world, day(13), END)
    assert fields_of(answer) == totals(small_world, day(13), END)
    assert len(sent) <= 3, sent


def test_a_surface_every_slot_name_says_is_not_a_column() -> None:
    frame = pd.DataFrame(
        {
            "slot": ["Push notification", "EC Center banner A"],
            "surface": ["notification", "ec_center"],
            **{name: [1, 1] for name in slots.TABLE_COLUMNS[2:]},
        }
    )
    table = slots.slot_table(frame, Lang("en", "MY"))
    assert [c.label for c in table.columns][:2] == ["Slot", "Impressions"]
    assert [row[0] for row in table.rows] == ["Push notification", "EC Center banner A"]
