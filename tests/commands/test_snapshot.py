"""`snapshot`: the daily ranking snapshot as a channel reads it — each figure recomputed here
from the seeded rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands import snapshot
from creatorbot.commands.core import Call, CommandRequest, Services
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Block, Context, Fields, Header, Image, Reply, Table, Text
from creatorbot.commands.router import Command, Router
from tests.commands.conftest import NOW, creator_row, metric_row, seed

END = dt.date(2026, 11, 23)  # the latest day with data; NOW is 24 Nov, 09:30 in Kuala Lumpur
TODAY = NOW.astimezone(ZoneInfo("Asia/Kuala_Lumpur")).date()
HANDLES = ("amir", "bella", "chen", "dina", "eli", "farah", "gita", "hana")
# Daily GMV this week (days 0–6 back from END) and in the two weeks before (days 7–20).
# farah only sells this week (a newcomer); hana sold before and nothing this week.
THIS_WEEK = {"amir": 40_000, "bella": 12_000, "chen": 33_000, "dina": 25_000, "eli": 8_000}
THIS_WEEK |= {"farah": 50_000, "gita": 20_000, "hana": 0}
BEFORE = {"amir": 45_000, "bella": 30_000, "chen": 10_000, "dina": 25_000, "eli": 15_000}
BEFORE |= {"farah": 0, "gita": 5_000, "hana": 22_000}
LIVE = {"amir": 10_000, "bella": 9_000, "chen": 9_000, "dina": 3_000, "eli": 7_000}
LIVE |= {"farah": 30_000, "gita": 4_000, "hana": 9_000}
VIEWS = {"amir": 400, "bella": 900, "chen": 300, "dina": 1_500, "eli": 200}
VIEWS |= {"farah": 700, "gita": 1_500, "hana": 5_000}
LIVE_RACE = ("amir", "bella", "chen", "dina", "eli", "gita")
VIDEO_RACE = ("bella", "dina", "farah", "gita", "hana")
TARGET = 2_000_000


def day(offset: int) -> dt.date:
    return END - dt.timedelta(days=offset)


def daily_rows() -> list[dict[str, Any]]:
    """21 days of MY rows; a small wiggle per day keeps sums from being round."""
    rows = []
    for offset in range(21):
        for index, handle in enumerate(HANDLES):
            base = (THIS_WEEK if offset < 7 else BEFORE)[handle]
            if not base:
                continue
            gmv = base + (offset % 3) * 10 * (index + 1)
            live = min(LIVE[handle], gmv)
            views = VIEWS[handle] + offset
            rows.append(
                metric_row(
                    day(offset), handle, gmv, live_gmv=live, video_gmv=gmv - live, video_views=views
                )
            )
    return rows


def italian_rows() -> list[dict[str, Any]]:
    return [
        metric_row(day(offset), handle, gmv + offset * 100, market="IT")
        for offset in range(14)
        for handle, gmv in (("giulia", 123_456), ("marco", 98_765))
    ]


def campaign(slug: str, kind: str, start: dt.date, end: dt.date, **extra: Any) -> dict[str, Any]:
    row = {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "market": "MY",
        "kind": kind,
        "starts_on": start,
        "ends_on": end,
        "metric": "gmv",
        "gmv_target": None,
        "creator_target": None,
        "reward_tiers": [],
    }
    row.update(extra)
    return row


CAMPAIGNS = [
    campaign("live-race", "competition", day(9), day(-6), metric="live_gmv"),
    campaign("video-race", "competition", day(4), day(-2), metric="video_views"),
    campaign("sale", "mega_sale", day(4), day(-3), gmv_target=TARGET),
    # ended, or of a kind the snapshot does not show: never in it
    campaign("old-race", "competition", day(20), day(12), metric="live_gmv"),
    campaign("old-sale", "mega_sale", day(18), day(15), gmv_target=TARGET),
    campaign("brand-week", "ip_event", day(5), day(-5)),
]
ENROLLED = {
    "live-race": LIVE_RACE,
    "video-race": VIDEO_RACE,
    "sale": HANDLES,
    "old-race": HANDLES,
    "old-sale": HANDLES,
    "brand-week": HANDLES,
}


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> pd.DataFrame:
    """MY: eight creators, 21 days, two running competitions, a running mega sale and ended
    campaigns; IT: two creators with two weeks of data. Returns the MY rows as a frame."""
    rows = daily_rows()
    creators = [creator_row(h) for h in HANDLES]
    creators += [creator_row(h, market="IT") for h in ("giulia", "marco")]
    enrollments = [
        {"campaign": slug, "handle": h, "enrolled_on": day(20)}
        for slug, handles in ENROLLED.items()
        for h in handles
    ]
    seed(sessions, creators, rows + italian_rows(), CAMPAIGNS, enrollments)
    return pd.DataFrame(rows)


def router(sessions: sessionmaker[Session], charts: bool = False) -> Router:
    table = {
        **commands(),
        "snapshot": Command(
            "snapshot", snapshot.parse, snapshot.answer, N_("Daily snapshot"), "snapshot MY"
        ),
    }
    return Router(table, Services(sessions=sessions, clock=lambda: NOW, charts=charts))


@pytest.fixture
def ask(sessions: sessionmaker[Session]) -> Callable[..., Reply]:
    """Send a command (charts off), get the Reply."""
    answering = router(sessions)

    def send(text: str, locale: str = "en") -> Reply:
        return answering.handle(CommandRequest(text=text, locale=locale))

    return send


# -- the independent computation ------------------------------------------------------------------


def rm(minor: int) -> str:
    return f"RM{Decimal(minor) / 100:,.2f}"


def label(handle: str) -> str:
    return f"{handle.title()} (@{handle})"


def ranking(rows: pd.DataFrame, metric: str, start: dt.date, end: dt.date) -> list[str]:
    """Handles ranked by the metric's sum over [start, end]: highest first, ties by handle."""
    inside = rows[(rows["date"] >= start) & (rows["date"] <= end)]
    sums = inside.groupby("handle")[metric].sum()
    ranked = sorted(((h, int(v)) for h, v in sums.items() if v > 0), key=lambda p: (-p[1], p[0]))
    return [h for h, _ in ranked]


def total(rows: pd.DataFrame, metric: str, start: dt.date, end: dt.date, handle: str) -> int:
    inside = rows[(rows["date"] >= start) & (rows["date"] <= end) & (rows["handle"] == handle)]
    return int(inside[metric].sum())


def moved(places: int | None) -> str:
    if places is None:
        return "new"
    return f"▲{places}" if places > 0 else f"▼{-places}" if places < 0 else "="


def weekly_moves(rows: pd.DataFrame, end: dt.date) -> list[tuple[str, int | None]]:
    """(handle, places moved) for this week's ranking against the week before."""
    now = ranking(rows, "gmv", end - dt.timedelta(days=6), end)
    before = ranking(rows, "gmv", end - dt.timedelta(days=13), end - dt.timedelta(days=7))
    return [(h, before.index(h) - now.index(h) if h in before else None) for h in now]


# -- reading the Reply ----------------------------------------------------------------------------


def section(reply: Reply, heading: str) -> list[Block]:
    """The blocks under the heading that contains `heading`, up to the next heading."""
    blocks = list(reply.blocks)
    found = [i for i, b in enumerate(blocks) if isinstance(b, Text) and heading in b.text]
    assert found, f"no “{heading}” in {render(reply)}"
    rest = blocks[found[0] + 1 :]
    heads = [i for i, b in enumerate(rest) if isinstance(b, Text) and b.text.startswith("*")]
    return rest[: heads[0] if heads else len(rest)]


def table_after(reply: Reply, heading: str) -> Table:
    tables = [b for b in section(reply, heading) if isinstance(b, Table)]
    assert tables, section(reply, heading)
    return tables[0]


def fields_after(reply: Reply, heading: str) -> dict[str, str]:
    fields = [b for b in section(reply, heading) if isinstance(b, Fields)]
    assert fields, section(reply, heading)
    return dict(fields[0].items)


# -- the tests ------------------------------------------------------------------------------------


def test_leaderboard_rows_and_movement(world: pd.DataFrame, ask: Callable[..., Reply]) -> None:
    answer = ask("snapshot MY")
    assert answer.ok, render(answer)
    header = answer.blocks[0]
    assert isinstance(header, Header)
    assert header.text == "Daily ranking snapshot · MY · 23 Nov 2026"
    week = (day(6), END)
    expected = [
        (str(place), label(h), rm(total(world, "gmv", *week, h)), moved(places))
        for place, (h, places) in enumerate(weekly_moves(world, END), start=1)
    ]
    assert table_after(answer, "GMV leaderboard · MY · last 7 days").rows == tuple(expected)
    # chen ▲3, gita ▲2, farah new; bella ▼4 …; hana sold nothing this week and is not ranked
    assert [row[3] for row in expected] == ["new", "▼1", "▲3", "▼1", "▲2", "▼4", "▼2"]


def test_the_leaderboard_is_the_leaderboard_commands(
    world: pd.DataFrame, ask: Callable[..., Reply]
) -> None:
    command = next(b for b in ask("leaderboard gmv 7d MY").blocks if isinstance(b, Table))
    assert table_after(ask("snapshot MY"), "GMV leaderboard").rows == command.rows


def test_climbers_and_fallers(world: pd.DataFrame, ask: Callable[..., Reply]) -> None:
    answer = ask("snapshot MY")
    moves = weekly_moves(world, END)
    place = {h: n for n, (h, _) in enumerate(moves, start=1)}
    known = [(h, m) for h, m in moves if m is not None]

    def rows(chosen: list[tuple[str, int]]) -> tuple[tuple[str, ...], ...]:
        return tuple(
            (str(place[h]), label(h), rm(total(world, "gmv", day(6), END, h)), moved(m))
            for h, m in chosen
        )

    climbers = sorted([(h, m) for h, m in known if m > 0], key=lambda p: (-p[1], place[p[0]]))
    fallers = sorted([(h, m) for h, m in known if m < 0], key=lambda p: (p[1], place[p[0]]))
    assert table_after(answer, "Biggest climbers").rows == rows(climbers[:5])
    assert table_after(answer, "Biggest fallers").rows == rows(fallers[:5])
    assert [h for h, _ in climbers] == ["chen", "gita"]
    assert [h for h, _ in fallers] == ["bella", "eli", "amir", "dina"]  # a tie: better rank first


def competition_rows(
    rows: pd.DataFrame, metric: str, start: dt.date, end: dt.date, enrolled: tuple[str, ...]
) -> tuple[tuple[str, ...], ...]:
    mine = rows[rows["handle"].isin(enrolled)]
    ranked = ranking(mine, metric, start, end)[:5]
    values = [total(mine, metric, start, end, h) for h in ranked]
    shown = rm if metric == "live_gmv" else lambda v: f"{v:,}"
    gaps = ["—", *("−" + shown(a - b) for a, b in zip(values, values[1:], strict=False))]
    return tuple(
        (str(n), label(h), shown(v), gap)
        for n, (h, v, gap) in enumerate(zip(ranked, values, gaps, strict=True), start=1)
    )


def days_left(end: dt.date, today: dt.date) -> str:
    left = (end - today).days
    return "final day" if left == 0 else f"running, {left} day{'s' if left != 1 else ''} left"


def test_running_competitions_top_five_and_days_left(
    world: pd.DataFrame, ask: Callable[..., Reply]
) -> None:
    answer = ask("snapshot MY")
    live = f"*Live Race* · Livestream competition · {days_left(day(-6), TODAY)}"
    video = f"*Video Race* · Short-video competition · {days_left(day(-2), TODAY)}"
    headings = [b.text for b in answer.blocks if isinstance(b, Text) and "Race" in b.text]
    assert headings == [live, video]  # livestream first
    assert live.endswith("running, 5 days left")
    live_table = table_after(answer, live)
    assert live_table.rows == competition_rows(world, "live_gmv", day(9), END, LIVE_RACE)
    assert len(live_table.rows) == 5  # dina, sixth, is left out
    assert live_table.total == 6
    video_table = table_after(answer, video)
    assert video_table.rows == competition_rows(world, "video_views", day(4), END, VIDEO_RACE)
    assert video_table.total == 4  # hana is enrolled but has not posted since it started


def test_mega_sale_pacing(world: pd.DataFrame, ask: Callable[..., Reply]) -> None:
    answer = ask("snapshot MY")
    to_date = sum(total(world, "gmv", day(4), END, h) for h in HANDLES)
    elapsed, days = 5, 8  # 19–23 Nov of 19–26 Nov
    projected = to_date * days // elapsed
    fields = fields_after(answer, f"*Sale* · Mega sale · {days_left(day(-3), TODAY)}")
    assert fields["GMV to date"] == rm(to_date)
    assert fields["GMV target"] == rm(TARGET)
    assert fields["Of target"] == f"{to_date / TARGET:.1%}"
    assert projected < TARGET
    assert fields["Projected at the end"] == f"{rm(projected)} · behind by {rm(TARGET - projected)}"


def test_ended_campaigns_and_other_kinds_are_left_out(
    world: pd.DataFrame, ask: Callable[..., Reply]
) -> None:
    text = render(ask("snapshot MY"))
    for name in ("Old Race", "Old Sale", "Brand Week"):
        assert name not in text


def test_as_of_moves_every_section(world: pd.DataFrame, ask: Callable[..., Reply]) -> None:
    as_of = day(3)  # 20 Nov: days left count from the 21st, when it would have been posted
    answer = ask(f"snapshot MY as-of:{as_of.isoformat()}")
    header = answer.blocks[0]
    assert isinstance(header, Header) and header.text.endswith("20 Nov 2026")
    leaderboard = table_after(answer, "GMV leaderboard")
    assert [row[1] for row in leaderboard.rows] == [label(h) for h, _ in weekly_moves(world, as_of)]
    posted = as_of + dt.timedelta(days=1)
    video = f"*Video Race* · Short-video competition · {days_left(day(-2), posted)}"
    assert video.endswith("4 days left")
    assert table_after(answer, video).rows == competition_rows(
        world, "video_views", day(4), as_of, VIDEO_RACE
    )
    sale = fields_after(answer, f"*Sale* · Mega sale · {days_left(day(-3), posted)}")
    to_date = sum(total(world, "gmv", day(4), as_of, h) for h in HANDLES)
    assert sale["GMV to date"] == rm(to_date)
    assert sale["Projected at the end"].startswith(rm(to_date * 8 // 2))


def test_one_chart_of_the_top_creators_when_charts_are_on(
    world: pd.DataFrame, sessions: sessionmaker[Session], ask: Callable[..., Reply]
) -> None:
    assert not [b for b in ask("snapshot MY").blocks if isinstance(b, Image)]
    answer = router(sessions, charts=True).handle(CommandRequest(text="snapshot MY"))
    images = [b for b in answer.blocks if isinstance(b, Image)]
    assert len(images) == 1
    assert images[0].png.startswith(b"\x89PNG")
    top = weekly_moves(world, END)[0][0]
    assert f"@{top} with {rm(total(world, 'gmv', day(6), END, top))}" in images[0].alt


def test_hourly_war_room_update(world: pd.DataFrame, sessions: sessionmaker[Session]) -> None:
    services = Services(sessions=sessions, clock=lambda: NOW, charts=False)
    with sessions.begin() as session:
        call = Call(CommandRequest(text="snapshot"), session, services)
        answer = snapshot.build_snapshot("MY", call, hourly=True)
    header = answer.blocks[0]
    assert isinstance(header, Header)
    assert header.text == "War-room update · MY · 24 Nov 2026, 9:30\u202fam"  # Kuala Lumpur time
    footer = [b.text for b in answer.blocks if isinstance(b, Context)][-1]
    assert footer == (
        "Hourly war-room update at 9:30\u202fam local time; data through 23 Nov 2026."
    )


@pytest.mark.parametrize(("text", "locale"), [("snapshot IT", "it"), ("snapshot MY", "ms")])
def test_italian_and_malay_answers(
    world: pd.DataFrame, ask: Callable[..., Reply], text: str, locale: str
) -> None:
    answer = ask(text, locale)
    assert answer.ok, render(answer)
    shown = render(answer)
    if locale == "it":
        assert sum(123_456 + o * 100 for o in range(7)) == 866_292
        assert "8.662,92\xa0€" in shown  # giulia's week, as Italian writes it
    else:
        assert rm(total(world, "gmv", day(6), END, "farah")) in shown


def test_a_market_without_data_says_so(
    sessions: sessionmaker[Session], ask: Callable[..., Reply]
) -> None:
    seed(sessions, [creator_row("giulia", market="IT")], [])
    answer = ask("snapshot IT")
    assert "There is no data for Italy yet." in render(answer)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("snapshot zzqx", "I don't understand “zzqx”."),
        ("snapshot XX", "I don't know the market “XX”. Markets: IT, MY."),
        ("snapshot MY IT", "I don't understand “IT”."),
        ("snapshot MY as-of:2026-13-01", "“2026-13-01” is not a date."),
        ("snapshot MY asof:", "“” is not a date."),
        ("snapshot MY top:5", "I don't know the option “top:”."),
    ],
)
def test_bad_input_is_answered_clearly(
    world: pd.DataFrame, ask: Callable[..., Reply], text: str, says: str
) -> None:
    answer = ask(text)
    assert not answer.ok
    assert says in render(answer)


def test_bad_input_in_italian_with_the_usage(
    world: pd.DataFrame, ask: Callable[..., Reply]
) -> None:
    answer = ask("snapshot zzqx", "it")
    assert not answer.ok
    shown = render(answer)
    assert "Non capisco" in shown
    assert Lang("it")._(snapshot.USAGE) in shown
    assert "istantanea [mercato]" in shown
