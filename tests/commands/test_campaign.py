"""`campaign`: pacing, competitions, incentive tiers and the list — each figure recomputed here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.reply import Fields, Reply, Table
from creatorbot.storage import writer
from tests.commands.conftest import creator_row, metric_row, seed

END = dt.date(2026, 11, 23)  # latest day with data; the clock says 24 Nov
START = dt.date(2026, 11, 14)  # the campaigns run 14–27 Nov: 10 of 14 days elapsed
HANDLES = ("amir", "bella", "chen", "dina", "eli")
DAILY = {"amir": 30_000, "bella": 21_000, "chen": 20_000, "dina": 9_100, "eli": 0}
LIVE = {"amir": 5_000, "bella": 15_000, "chen": 15_000, "dina": 1_000, "eli": 0}


def campaign(slug: str, kind: str, **extra: Any) -> dict[str, Any]:
    row = {
        "slug": slug,
        "name": slug.title(),
        "market": "MY",
        "kind": kind,
        "starts_on": START,
        "ends_on": dt.date(2026, 11, 27),
        "metric": "gmv",
        "gmv_target": None,
        "creator_target": None,
        "reward_tiers": [],
    }
    row.update(extra)
    return row


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> None:
    metrics = [
        metric_row(END - dt.timedelta(days=o), h, DAILY[h], live_gmv=LIVE[h])
        for o in range(20)
        for h in HANDLES
        if DAILY[h]
    ]
    campaigns = [
        campaign("sale", "mega_sale", gmv_target=3_000_000, creator_target=10),
        campaign("live-race", "competition", metric="live_gmv"),
        # tiers: RM1,500 → RM50; RM2,000 → RM120; RM3,000 → RM300
        campaign(
            "payday",
            "incentive",
            reward_tiers=[(150_000, 5_000), (200_000, 12_000), (300_000, 30_000)],
        ),
        campaign(
            "old",
            "ip_event",
            starts_on=dt.date(2026, 10, 1),
            ends_on=dt.date(2026, 10, 5),
            gmv_target=1_000,
        ),
        campaign(
            "next", "mega_sale", starts_on=dt.date(2026, 12, 10), ends_on=dt.date(2026, 12, 12)
        ),
    ]
    enrollments = [
        {"campaign": c, "handle": h, "enrolled_on": START}
        for c in ("sale", "live-race", "payday", "old", "next")
        for h in HANDLES
    ]
    seed(sessions, [creator_row(h) for h in HANDLES], metrics, campaigns, enrollments)


def fields_of(reply: Reply) -> dict[str, str]:
    return {k: v for block in reply.blocks if isinstance(block, Fields) for k, v in block.items}


def tables_of(reply: Reply) -> list[Table]:
    return [block for block in reply.blocks if isinstance(block, Table)]


def rm(minor: int) -> str:
    return f"RM{Decimal(minor) / 100:,.2f}"


@pytest.mark.usefixtures("world")
def test_pacing_of_a_mega_sale(reply: Callable[..., Reply]) -> None:
    answer = reply("campaign sale")
    fields = fields_of(answer)
    to_date = sum(DAILY.values()) * 10  # 10 days (14–23 Nov) of every enrolled creator
    projected = to_date * 14 // 10
    target = 3_000_000
    assert fields["GMV to date"] == rm(to_date)
    assert fields["Of target"] == f"{to_date / target:.1%}"
    assert fields["Projected at the end"] == f"{rm(projected)} · behind by {rm(target - projected)}"
    needed = -(-(target - to_date) // 4)  # 4 days left, rounded up
    assert fields["Needed per day from now"] == rm(needed)
    assert fields["Creators enrolled"] == "5 / 10"
    assert fields["Active creators"] == "4"
    top = tables_of(answer)[0]
    assert [row[1] for row in top.rows] == [
        "Amir (@amir)",
        "Bella (@bella)",
        "Chen (@chen)",
        "Dina (@dina)",
    ]
    assert top.rows[0][2] == rm(30_000 * 10)


@pytest.mark.usefixtures("world")
def test_a_competition_ranks_by_its_metric_with_gaps(reply: Callable[..., Reply]) -> None:
    table = tables_of(reply("campaign live-race"))[0]
    # live GMV over 10 days: bella = chen (150,000, tie → handle), amir 50,000, dina 10,000
    assert [(r[0], r[1], r[2], r[3]) for r in table.rows] == [
        ("1", "Bella (@bella)", rm(150_000), "—"),
        ("2", "Chen (@chen)", rm(150_000), "−" + rm(0)),
        ("3", "Amir (@amir)", rm(50_000), "−" + rm(100_000)),
        ("4", "Dina (@dina)", rm(10_000), "−" + rm(40_000)),
    ]


@pytest.mark.usefixtures("world")
def test_an_incentive_program_counts_tiers_nudges_and_payouts(reply: Callable[..., Reply]) -> None:
    answer = reply("campaign payday")
    fields = fields_of(answer)
    to_date = {h: DAILY[h] * 10 for h in HANDLES}  # amir 300k, bella 210k, chen 200k, dina 91k
    tiers = [(150_000, 5_000), (200_000, 12_000), (300_000, 30_000)]

    def level(value: int) -> int:
        return sum(value >= t for t, _ in tiers)

    reached = {h: level(v) for h, v in to_date.items()}
    assert fields["Tier 1: RM1,500.00 → RM50.00"] == "0 creators"
    assert fields["Tier 2: RM2,000.00 → RM120.00"] == "2 creators"  # bella, chen
    assert fields["Tier 3: RM3,000.00 → RM300.00"] == "1 creator"  # amir
    assert fields["Below the first tier"] == "2"
    earned = sum(tiers[reached[h] - 1][1] for h in HANDLES if reached[h])
    assert fields["Rewards earned so far"] == rm(earned)
    projected = {h: v * 14 // 10 for h, v in to_date.items()}
    payout = sum(tiers[level(v) - 1][1] for v in projected.values() if level(v))
    assert fields["Projected payout"] == rm(payout)
    # nobody is within 10% of their next tier: bella 210k and chen 200k are 30%+ short of
    # 300k, dina 91k is 39% short of 150k, eli has nothing
    nudges = [t for t in tables_of(answer) if t.columns[-1].label == "Missing"]
    assert nudges == []


def test_nudges_are_those_within_ten_percent(
    sessions: sessionmaker[Session], reply: Callable[..., Reply]
) -> None:
    metrics = [
        metric_row(END, h, v) for h, v in (("amir", 135_000), ("bella", 134_999), ("chen", 199_000))
    ]
    tiers = [(150_000, 5_000), (200_000, 12_000)]
    seed(
        sessions,
        [creator_row(h) for h in ("amir", "bella", "chen")],
        metrics,
        [campaign("pd", "incentive", starts_on=END, reward_tiers=tiers)],
        [{"campaign": "pd", "handle": h, "enrolled_on": END} for h in ("amir", "bella", "chen")],
    )
    table = [t for t in tables_of(reply("campaign pd")) if t.columns[-1].label == "Missing"][0]
    # chen misses 1,000 of 200,000 (0.5%); amir misses 15,000 of 150,000 (exactly 10%);
    # bella misses 15,001 (just over 10%) and is left out
    assert [(r[0], r[3]) for r in table.rows] == [
        ("Chen (@chen)", rm(1_000)),
        ("Amir (@amir)", rm(15_000)),
    ]


@pytest.mark.usefixtures("world")
def test_upcoming_and_ended_campaigns(
    reply: Callable[..., Reply], chat: Callable[..., str]
) -> None:
    upcoming = fields_of(reply("campaign next"))
    assert upcoming["Status"] == "starts in 16 days"
    assert upcoming["GMV to date"] == rm(0)
    ended = fields_of(reply("campaign old"))
    assert ended["Status"] == "ended"
    assert ended["Result"] == "target missed"  # nobody sold in early October
    assert "projection" not in chat("campaign old")  # none is shown once it is over
    # Every day of it is in: its totals, not figures "to date".
    assert (ended["GMV"], ended["Orders"]) == (rm(0), "0")
    assert "GMV to date" not in ended and "Orders to date" not in ended


def test_a_campaign_whose_days_are_all_in_shows_its_totals(
    sessions: sessionmaker[Session], reply: Callable[..., Reply], chat: Callable[..., str]
) -> None:
    start = END - dt.timedelta(days=2)
    seed(
        sessions,
        [creator_row(h) for h in ("amir", "bella")],
        # bella is within 10% of the tier, but nudging her is too late
        [metric_row(END, "amir", 160_000), metric_row(END, "bella", 140_000)],
        [
            campaign(
                "pd", "incentive", starts_on=start, ends_on=END, reward_tiers=[(150_000, 5_000)]
            )
        ],
        [{"campaign": "pd", "handle": h, "enrolled_on": start} for h in ("amir", "bella")],
    )
    fields = fields_of(reply("campaign pd"))
    assert (fields["GMV"], fields["Rewards earned"]) == (rm(300_000), rm(5_000))
    gone = {"GMV to date", "Orders to date", "Rewards earned so far", "Projected payout"}
    gone |= {"Projected at the end"}  # it has no target: nor a projection once over
    assert not gone & set(fields)
    assert not [t for t in tables_of(reply("campaign pd")) if t.columns[-1].label == "Missing"]
    italian = chat("campaign pd", "it")
    assert "Premi maturati" in italian and "finora" not in italian
    assert "Sotto il primo livello" in italian  # reward tiers are "livelli" all through


@pytest.mark.usefixtures("world")
def test_campaign_list_shows_running_and_upcoming(reply: Callable[..., Reply]) -> None:
    table = tables_of(reply("campaign list MY"))[0]
    assert [row[0] for row in table.rows] == ["live-race", "payday", "sale", "next"]
    assert table.rows[-1][4] == "starts in 16 days"


@pytest.mark.usefixtures("world")
def test_a_corrected_past_day_changes_the_figures(
    sessions: sessionmaker[Session], reply: Callable[..., Reply]
) -> None:
    with sessions.begin() as session:
        corrected = metric_row(dt.date(2026, 11, 15), "amir", 130_000, live_gmv=5_000)
        writer.write_daily_metrics(pd.DataFrame([corrected]), session=session)
    to_date = sum(DAILY.values()) * 10 - 30_000 + 130_000
    assert fields_of(reply("campaign sale"))["GMV to date"] == rm(to_date)


@pytest.mark.usefixtures("world")
def test_in_italian_and_malay(chat: Callable[..., str]) -> None:
    italian = chat("campaign payday", "it")
    assert "Premi maturati finora" in italian
    assert "in corso, mancano 3 giorni" in italian
    assert "Ganjaran diperoleh setakat ini" in chat("campaign payday", "ms")


@pytest.mark.usefixtures("world")
def test_bad_input(reply: Callable[..., Reply]) -> None:
    assert "Did you mean `sale`?" in reply("campaign sael").summary
    assert not reply("campaign list XX").ok


@pytest.mark.usefixtures("world")
def test_the_pacing_chart(reply: Callable[..., Reply]) -> None:
    from creatorbot.commands.reply import Image

    image = next(b for b in reply("campaign sale").blocks if isinstance(b, Image))
    to_date = sum(DAILY.values()) * 10
    assert image.png.startswith(b"\x89PNG")
    assert image.title == "Sale: GMV against the target"
    assert rm(to_date) in image.alt and rm(3_000_000) in image.alt
    assert rm(to_date * 14 // 10) in image.alt  # the projection


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("slug", ["sale", "live-race"])  # the kinds whose card ranks
def test_the_campaign_leaderboard_is_the_cards_ranking(
    reply: Callable[..., Reply], slug: str
) -> None:
    card = tables_of(reply(f"campaign {slug}"))[0]
    board = tables_of(reply(f"leaderboard campaign:{slug}"))[0]
    # The same creators in the same order, with the same figure: the campaign's own metric.
    card_rows = [(r[1], r[2]) for r in card.rows]
    board_rows = [(r[1], r[2]) for r in board.rows][: len(card_rows)]
    assert board_rows == card_rows
    # A metric named is still taken: live-race by GMV puts Amir (the most GMV) first.
    by_gmv = tables_of(reply("leaderboard gmv campaign:live-race"))[0]
    assert by_gmv.rows[0][1] == "Amir (@amir)"


@pytest.mark.usefixtures("world")
def test_a_campaign_is_found_by_its_first_letters_or_the_words_of_its_name(
    reply: Callable[..., Reply], chat: Callable[..., str]
) -> None:
    card = reply("campaign live-race")
    assert reply("campaign live").blocks[0] == card.blocks[0]  # the slug's first letters
    assert reply("campaign RACE").blocks[0] == card.blocks[0]  # a word of its name
    assert tables_of(reply("leaderboard campaign:pay"))[0].rows == (
        tables_of(reply("leaderboard campaign:payday"))[0].rows
    )
    assert "There is no campaign “zzz”." in chat("campaign zzz")
