"""`match`, as an Account Manager sees it: the ranking and its figures against an independent
computation of the documented rules, over-booking, categories, the CSV export, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands import match
from creatorbot.commands.core import Services
from creatorbot.commands.i18n import Lang
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Buttons, Context, File, Header, Reply, Table, Text
from creatorbot.commands.router import Command, Router
from creatorbot.storage.demo import DemoSpec, build_world, write_world
from creatorbot.storage.models import Creator
from tests.commands.conftest import NOW, creator_row, metric_row, seed

END = dt.date(2026, 11, 23)
BOM = b"\xef\xbb\xbf"


def day(offset: int) -> dt.date:
    """END minus `offset` days."""
    return END - dt.timedelta(days=offset)


@pytest.fixture
def router(sessions: sessionmaker[Session]) -> Router:
    """The real commands plus `match`, over the test database, the clock frozen at NOW."""
    table = {
        **commands(),
        "match": Command(
            "match", match.parse, match.answer, commands()["match"].summary, "match beauty MY"
        ),
    }
    return Router(table, Services(sessions=sessions, clock=lambda: NOW))


# --- the rules, written out again independently of the code under test ----------------------


@dataclass
class Expected:
    """One candidate as the documented rules score it."""

    handle: str
    display_name: str
    tier: str
    followers: int
    gmv: int
    orders: int
    views: int
    gmv_prev: int
    running: int
    score: float = 0.0

    @property
    def conversion(self) -> float | None:
        return self.orders * 1000 / self.views if self.views else None

    @property
    def growth(self) -> float | None:
        return (self.gmv - self.gmv_prev) / self.gmv_prev if self.gmv_prev else None


def share_at_most(value: float | None, values: list[float]) -> float:
    """The percentile rank: share of the values at most `value`; no value scores 0."""
    if value is None:
        return 0.0
    return sum(1 for other in values if other <= value) / len(values)


def expected_ranking(
    creators: Iterable[Mapping[Any, Any]],
    metrics: Iterable[Mapping[Any, Any]],
    campaigns: Iterable[Mapping[Any, Any]],
    enrollments: Iterable[Mapping[Any, Any]],
    market: str,
    category: str,
    end: dt.date,
) -> tuple[list[Expected], int]:
    """(the ranked candidates, how many were left out for being in 3+ running campaigns)."""
    start = end - dt.timedelta(days=29)
    prev_end = start - dt.timedelta(days=1)
    prev_start = prev_end - dt.timedelta(days=29)
    running_slugs = {
        c["slug"]
        for c in campaigns
        if c["market"] == market and c["starts_on"] <= end <= c["ends_on"]
    }
    running: dict[str, int] = {}
    for e in enrollments:
        if e["campaign"] in running_slugs:
            running[e["handle"]] = running.get(e["handle"], 0) + 1
    people = {
        c["handle"]: Expected(
            c["handle"], c["display_name"], c["tier"], int(c["followers"]), 0, 0, 0, 0, 0
        )
        for c in creators
        if c["market"] == market and c["category"].lower() == category.lower()
    }
    for m in metrics:
        person = people.get(m["handle"])
        if person is None or m["market"] != market:
            continue
        if start <= m["date"] <= end:
            person.gmv += int(m["gmv"])
            person.orders += int(m["orders"])
            person.views += int(m["video_views"])
        elif prev_start <= m["date"] <= prev_end:
            person.gmv_prev += int(m["gmv"])
    for person in people.values():
        person.running = running.get(person.handle, 0)
    sold = [p for p in people.values() if p.gmv > 0]
    chosen = [p for p in sold if p.running < 3]
    gmvs = [float(p.gmv) for p in chosen]
    conversions = [p.conversion for p in chosen if p.conversion is not None]
    growths = [2.0 if p.growth is None else min(p.growth, 2.0) for p in chosen]
    for p, growth in zip(chosen, growths, strict=True):
        p.score = (
            0.5 * share_at_most(p.gmv, gmvs)
            + 0.25 * share_at_most(p.conversion, conversions)
            + 0.25 * share_at_most(growth, growths)
            - 0.15 * max(p.running - 1, 0)
        )
    chosen.sort(key=lambda p: (-p.score, p.handle))
    return chosen, len(sold) - len(chosen)


def money_en_my(minor: int) -> str:
    return f"RM{Decimal(minor).scaleb(-2):,.2f}"


def shown_row(rank: int, p: Expected, lang: Lang, money: Callable[[int], str]) -> tuple:
    """The table row a user should see for `p`."""
    if p.views:
        rate = (Decimal(p.orders * 1000) / Decimal(p.views)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        conversion = lang.number(rate, 1)  # always one decimal: 5.0 beside 18.6
    else:
        conversion = "—"
    growth = "new"
    if p.growth is not None:
        growth = ("+" if p.growth > 0 else "") + lang.percent(p.growth)
    return (
        str(rank),
        f"{p.display_name} (@{p.handle})",
        p.tier,
        money(p.gmv),
        conversion,
        growth,
        str(p.running),
        lang.number(Decimal(f"{p.score:.2f}"), 2),  # the score the list is ranked by
    )


# --- a small hand-made market ----------------------------------------------------------------

CAMPAIGNS = [
    # (slug, market, starts_on, ends_on): three running on END, one over, one upcoming
    ("my-a", "MY", day(20), day(-5)),
    ("my-b", "MY", day(3), END),
    ("my-c", "MY", day(10), day(-10)),
    ("my-old", "MY", day(50), day(40)),
    ("my-next", "MY", day(-1), day(-9)),
    ("it-x", "IT", day(5), day(-5)),
]
BOOKINGS = {
    "amir": ["my-a", "my-old"],  # one running: no penalty
    "bella": ["my-a", "my-b", "my-old", "my-next"],  # two running: penalised
    "chen": ["my-a", "my-b", "my-c"],  # three running: left out
}
# handle: (display name, tier, daily GMV now, daily GMV before, orders/day, views/day)
PEOPLE = {
    "amir": ("Amir Hakim", "gold", 40_000, 30_000, 8, 2_000),
    "bella": ("Bella Tan", "gold", 60_000, 50_000, 10, 1_500),
    "chen": ("Chen Wei", "platinum", 90_000, 40_000, 20, 1_000),
    "dina": ("Dìna Rossetti", "silver", 20_000, 0, 5, 700),  # new; an accented name
    "eko": ("=Eko", "silver", 25_000, 26_000, 6, 0),  # no views; a formula-like name
    "farah": ("Farah Aziz", "bronze", 10_000, 30_000, 1, 900),  # falling
    "kiki": ("Kiki", "bronze", 15_000, 10_000, 3, 1_000),  # identical to lala: a tie
    "lala": ("Lala", "bronze", 15_000, 10_000, 3, 1_000),
    "gita": ("Gita", "gold", 0, 40_000, 0, 0),  # sold only before: not a candidate
}


@pytest.fixture
def market_rows(sessions: sessionmaker[Session]) -> dict[str, list[dict[str, Any]]]:
    """MY beauty creators over 60 days, campaigns and bookings; a fashion creator with only
    old data; an IT creator without any data. Returns what was written."""
    creators = [
        creator_row(
            handle,
            display_name=name,
            tier=tier,
            category="beauty",
            followers=1000 + index,
            email=f"{handle}@example.com",
            phone=f"+60 12-000 {index:04d}",
        )
        for index, (handle, (name, tier, *_)) in enumerate(sorted(PEOPLE.items(), reverse=True))
    ]
    creators += [
        creator_row("ivan", category="fashion", email="ivan@example.com", phone="+60 1"),
        creator_row("giulia", market="IT", email="giulia@example.com", phone="+39 1"),
    ]
    metrics = []
    for handle, (_, _, now, before, orders, views) in PEOPLE.items():
        for offset in range(60):
            gmv = now if offset < 30 else before
            if gmv:
                per_day = orders if offset < 30 else 1
                metrics.append(
                    metric_row(day(offset), handle, gmv, orders=per_day, video_views=views)
                )
    metrics.append(metric_row(day(45), "ivan", 5_000))
    campaigns = [
        {
            "slug": slug,
            "name": slug.upper(),
            "market": market,
            "kind": "competition",
            "starts_on": starts,
            "ends_on": ends,
            "metric": "gmv",
            "gmv_target": 1_000_000,
            "creator_target": 10,
            "reward_tiers": [],
        }
        for slug, market, starts, ends in CAMPAIGNS
    ]
    enrollments = [
        {"campaign": slug, "handle": handle, "enrolled_on": day(60)}
        for handle, slugs in BOOKINGS.items()
        for slug in slugs
    ]
    enrollments.append({"campaign": "it-x", "handle": "giulia", "enrolled_on": day(60)})
    seed(sessions, creators, metrics, campaigns, enrollments)
    return {
        "creators": creators,
        "metrics": metrics,
        "campaigns": campaigns,
        "enrollments": enrollments,
    }


def expected_beauty(rows: dict[str, list[dict[str, Any]]]) -> tuple[list[Expected], int]:
    return expected_ranking(
        rows["creators"],
        rows["metrics"],
        rows["campaigns"],
        rows["enrollments"],
        "MY",
        "beauty",
        END,
    )


def table_of(reply: Reply) -> Table:
    tables = [block for block in reply.blocks if isinstance(block, Table)]
    assert tables, f"no table in {reply}"
    return tables[0]


def context_of(reply: Reply) -> str:
    return " ".join(block.text for block in reply.blocks if isinstance(block, Context))


def file_of(reply: Reply) -> File:
    files = [block for block in reply.blocks if isinstance(block, File)]
    assert len(files) == 1, f"expected one file in {reply}"
    return files[0]


def csv_rows(file: File) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(file.content.decode("utf-8-sig"), newline="")))


def test_ranking_and_figures_follow_the_rules(
    reply: Callable[..., Reply], market_rows: dict[str, list[dict[str, Any]]]
) -> None:
    ranked, left_out = expected_beauty(market_rows)
    answer = reply("match beauty MY")
    assert answer.ok
    assert answer.blocks[0] == Header("Matchmaking · beauty · MY")
    lang = Lang("en", "MY")
    table = table_of(answer)
    assert table.rows == tuple(
        shown_row(rank, p, lang, money_en_my) for rank, p in enumerate(ranked, 1)
    )
    assert table.total == len(ranked) == 7
    assert left_out == 1
    handles = [p.handle for p in ranked]
    assert "chen" not in handles and "gita" not in handles  # left out; nothing sold lately
    assert handles.index("kiki") + 1 == handles.index("lala")  # a tie: by handle
    dina = next(row for row in table.rows if "@dina" in row[1])
    assert dina[5] == "new"
    eko = next(row for row in table.rows if "@eko" in row[1])
    assert eko[4] == "—"


def test_the_window_and_the_score_are_explained(
    reply: Callable[..., Reply], market_rows: dict[str, list[dict[str, Any]]]
) -> None:
    context = context_of(reply("match beauty MY"))
    assert "25 Oct\u2009–\u200923 Nov 2026, compared with 25 Sept\u2009–\u200924 Oct 2026" in (
        context
    )
    assert "Score = 0.5 × GMV + 0.25 × conversion + 0.25 × growth" in context
    assert "minus 0.15 for each running campaign beyond the first" in context
    assert "orders per 1,000 video views" in context
    assert "new creators count as +200.0%" in context
    assert "Left out: 1 creator in 3 or more running campaigns." in context
    assert "Ties are ranked by handle." in context


def test_over_booked_creators_are_penalised_and_the_fully_booked_left_out(
    reply: Callable[..., Reply], market_rows: dict[str, list[dict[str, Any]]]
) -> None:
    ranked, _ = expected_beauty(market_rows)
    bella = next(p for p in ranked if p.handle == "bella")
    amir = next(p for p in ranked if p.handle == "amir")
    assert bella.running == 2 and amir.running == 1
    # Bella sells and converts better than Amir; only her second campaign puts her below.
    assert bella.gmv > amir.gmv and bella.conversion > amir.conversion  # type: ignore[operator]
    assert bella.score + 0.15 > amir.score > bella.score
    assert ranked.index(bella) > ranked.index(amir)
    rows = csv_rows(file_of(reply("match beauty MY export")))
    scores = {row["handle"]: row["score"] for row in rows}
    assert scores["bella"] == f"{bella.score:.4f}"
    assert "chen" not in scores
    assert {row["handle"]: row["running_campaigns"] for row in rows}["bella"] == "2"


def test_category_is_case_insensitive(
    reply: Callable[..., Reply], market_rows: dict[str, list[dict[str, Any]]]
) -> None:
    assert table_of(reply("match BEAUTY my")) == table_of(reply("match beauty MY"))
    assert table_of(reply("match MY Beauty")) == table_of(reply("match beauty MY"))


def test_the_export(
    reply: Callable[..., Reply], market_rows: dict[str, list[dict[str, Any]]]
) -> None:
    ranked, _ = expected_beauty(market_rows)
    answer = reply("match beauty MY top 3 export")
    assert answer.ok
    assert len(table_of(answer).rows) == 3
    file = file_of(answer)
    assert file.name == "match-beauty-MY-2026-11-23.csv"
    assert file.mime == "text/csv"
    assert file.content.startswith(BOM)
    assert any(
        isinstance(b, Text) and "All 7 candidates are in the attached file." in b.text
        for b in answer.blocks
    )
    rows = csv_rows(file)
    assert list(rows[0]) == list(match.EXPORT_COLUMNS)
    assert [row["handle"] for row in rows] == [p.handle for p in ranked]  # all, not the top 3
    for rank, (row, p) in enumerate(zip(rows, ranked, strict=True), 1):
        assert row["rank"] == str(rank)
        assert row["display_name"] == ("'=Eko" if p.handle == "eko" else p.display_name)
        assert row["tier"] == p.tier
        assert row["followers"] == str(p.followers)
        assert Decimal(row["gmv_30d"]) == Decimal(p.gmv) / 100
        assert row["gmv_30d"] == f"{p.gmv // 100}.{p.gmv % 100:02d}"
        assert row["orders_30d"] == str(p.orders)
        if p.conversion is None:
            assert row["conversion"] == ""
        else:
            assert Decimal(row["conversion"]) == Decimal(p.orders * 1000 / p.views).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        if p.growth is None:
            assert row["growth"] == "new"
        else:
            assert float(row["growth"]) == pytest.approx(p.growth, abs=0.00005)
        assert row["running_campaigns"] == str(p.running)
        assert row["score"] == f"{p.score:.4f}"
    assert rows[[r["handle"] for r in rows].index("dina")]["display_name"] == "Dìna Rossetti"


def test_the_export_never_holds_contact_details(
    reply: Callable[..., Reply], market_rows: dict[str, list[dict[str, Any]]]
) -> None:
    file = file_of(reply("match beauty MY export"))
    text = file.content.decode("utf-8-sig")
    header = text.splitlines()[0].lower()
    assert "email" not in header and "phone" not in header
    assert "@example.com" not in text
    assert "+60 12-000" not in text


def test_the_export_stops_at_500_rows(
    sessions: sessionmaker[Session], reply: Callable[..., Reply]
) -> None:
    handles = [f"c{index:03d}" for index in range(505)]
    seed(
        sessions,
        [creator_row(handle) for handle in handles],
        [metric_row(END, handle, 10_000 + index) for index, handle in enumerate(handles)],
    )
    answer = reply("match beauty MY export")
    assert len(csv_rows(file_of(answer))) == 500
    assert "The top 500 of 505 candidates are in the attached file." in [
        b.text for b in answer.blocks if isinstance(b, Text)
    ]
    assert len(table_of(answer).rows) == 10  # the default top 10
    assert "Showing the top 10 of 505." in context_of(answer)


def test_top_n_and_the_export_button(
    reply: Callable[..., Reply], market_rows: dict[str, list[dict[str, Any]]]
) -> None:
    answer = reply("match beauty MY top 2")
    assert len(table_of(answer).rows) == 2
    assert "Showing the top 2 of 7." in context_of(answer)
    buttons = next(b for b in answer.blocks if isinstance(b, Buttons)).buttons
    assert [(b.action, b.value) for b in buttons] == [("run", "match beauty MY top 2 export")]
    assert reply("match beauty MY top 500").ok  # capped at 50, not an error
    assert reply("match beauty MY top:3").rows == 3


def test_italian(chat: Callable[..., str], market_rows: dict[str, list[dict[str, Any]]]) -> None:
    text = chat("match beauty MY", "it")
    assert "Matchmaking · beauty · MY" in text or "beauty · MY" in text
    ranked, _ = expected_beauty(market_rows)
    lang = Lang("it", "MY")
    assert lang.money(ranked[0].gmv, "MYR") in text
    assert f"@{ranked[0].handle}" in text
    assert "Traceback" not in text


def test_no_candidates_is_an_answer(
    reply: Callable[..., Reply], market_rows: dict[str, list[dict[str, Any]]]
) -> None:
    answer = reply("match fashion MY")
    assert answer.ok
    texts = [b.text for b in answer.blocks if isinstance(b, Text)]
    assert texts == ["No fashion creator has GMV in Malaysia for 25 Oct\u2009–\u200923 Nov 2026."]


def test_a_market_without_data(
    chat: Callable[..., str], market_rows: dict[str, list[dict[str, Any]]]
) -> None:
    assert "There is no data for Italy yet." in chat("match beauty IT")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("match beuty MY", "There is no category “beuty” in this market. Did you mean `beauty`?"),
        ("match toys MY", "Known: beauty, fashion."),
        ("match MY", "Which category?"),
        ("match beauty MY top 0", "1 to 50"),
        ("match beauty MY top", "1 to 50"),
        ("match beauty exprot MY", "Did you mean `export`?"),
        ("match beauty XX", "I don't understand “XX”"),
        ("match beauty fashion MY", "I don't understand “fashion”"),
        ("mtach beauty", "Did you mean `match`?"),
    ],
)
def test_bad_input_gets_a_short_answer(
    reply: Callable[..., Reply],
    market_rows: dict[str, list[dict[str, Any]]],
    text: str,
    expected: str,
) -> None:
    answer = reply(text)
    assert not answer.ok
    assert expected in " ".join(b.text for b in answer.blocks if isinstance(b, Text | Context)), (
        answer
    )
    assert "Traceback" not in answer.summary


def test_the_demo_world(sessions: sessionmaker[Session], reply: Callable[..., Reply]) -> None:
    world = build_world(DemoSpec(creators=300, days=70, seed=9, end=END))
    with sessions.begin() as session:
        write_world(world, session=session)
    creators = world.creators.to_dict("records")
    metrics = world.daily_metrics.to_dict("records")
    campaigns = world.campaigns.to_dict("records")
    enrollments = world.enrollments.to_dict("records")
    # Malaysian beauty has no creator booked twice; Italian fashion has both kinds.
    for market, category, currency in (("MY", "beauty", "MYR"), ("IT", "fashion", "EUR")):
        ranked, left_out = expected_ranking(
            creators, metrics, campaigns, enrollments, market, category, END
        )
        assert len(ranked) > 10
        lang = Lang("en", market)
        answer = reply(f"match {category} {market}")
        assert answer.ok
        expected = tuple(
            shown_row(rank, p, lang, partial(lang.money, currency=currency))
            for rank, p in enumerate(ranked[:10], 1)
        )
        assert table_of(answer).rows == expected
        assert table_of(answer).total == len(ranked)
        if market == "IT":
            assert left_out >= 1
            assert any(p.running == 2 for p in ranked)
            assert f"Left out: {left_out} creator" in context_of(answer)
        rows = csv_rows(file_of(reply(f"match {category} {market} export")))
        assert [row["handle"] for row in rows] == [p.handle for p in ranked]
        assert [row["score"] for row in rows] == [f"{p.score:.4f}" for p in ranked]


def test_an_owner_filter_keeps_their_creators_in_the_markets_order(
    reply: Callable[..., Reply],
    market_rows: dict[str, list[dict[str, Any]]],
    sessions: sessionmaker[Session],
) -> None:
    ranked, _ = expected_beauty(market_rows)
    zara = {p.handle for p in ranked[1::2]}  # every other candidate moves to another CM
    with sessions.begin() as session:
        session.execute(update(Creator).where(Creator.handle.in_(zara)).values(cm="zara@x.io"))
    answer = reply("match beauty MY cm:Zara@X.io")
    assert answer.ok, answer
    assert answer.blocks[0] == Header("Matchmaking · beauty · MY · cm:Zara@X.io")
    lang = Lang("en", "MY")
    # Scored among all the market's candidates (a score means the same in either list), then
    # kept to hers and numbered from 1.
    hers = [p for p in ranked if p.handle in zara]
    assert table_of(answer).rows == tuple(
        shown_row(rank, p, lang, money_en_my) for rank, p in enumerate(hers, 1)
    )
    assert table_of(answer).total == len(hers)
    assert "Scored among all of MY's candidates; only cm:Zara@X.io's are listed." in context_of(
        answer
    )
    buttons = [b for b in answer.blocks if isinstance(b, Buttons)]
    assert buttons[0].buttons[0].value == "match beauty MY cm:Zara@X.io top 10 export"
    exported = csv_rows(file_of(reply("match beauty MY cm:zara@x.io export")))
    assert [row["handle"] for row in exported] == [p.handle for p in hers]
    nobody = reply("match beauty MY am:nobody@x.io")
    assert nobody.ok and not any(isinstance(b, Table) for b in nobody.blocks)
    assert "No beauty creator of am:nobody@x.io has GMV" in render(nobody)
