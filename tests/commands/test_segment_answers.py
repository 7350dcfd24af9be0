"""What users see of segments: `leaderboard segment:…` ranks only the segment's creators, the
`creator` card says which segments a creator is in and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage import writer
from creatorbot.storage.segments import refresh_segments
from tests.commands.conftest import creator_row, metric_row, seed

END = dt.date(2026, 11, 20)  # ten days left in November
TIERS = [("bronze", 1, 0), ("silver", 2, 500_000), ("gold", 3, 3_000_000)]


def world(sessions: sessionmaker[Session]) -> None:
    creators = [
        creator_row("quiet", tier="silver"),
        creator_row("steady", tier="bronze"),
        creator_row("close", tier="silver", cm="farah@example.com"),
    ]
    metrics = []
    for k in range(60):
        day = END - dt.timedelta(days=k)
        metrics.append(metric_row(day, "steady", 10_000))
        metrics.append(metric_row(day, "close", 97_000))  # RM2,910 a month: 3% short of gold
        if 20 <= k < 40:
            metrics.append(metric_row(day, "quiet", 50_000))
    seed(sessions, creators, metrics)
    frame = pd.DataFrame(TIERS, columns=["tier", "rank", "min_gmv_30d"]).assign(market="MY")
    with sessions.begin() as session:
        writer.write_tiers(frame, session=session)
        refresh_segments(["MY"], session=session)


def test_a_segment_filter_ranks_only_its_creators(
    sessions: sessionmaker[Session], chat: Callable[..., str]
) -> None:
    world(sessions)
    said = chat("leaderboard gmv 30d MY segment:dormant")
    assert "@quiet" in said
    assert "@steady" not in said and "@close" not in said
    assert "segment:dormant" in said
    levelup = chat("leaderboard gmv 30d MY segment:levelup")
    assert "@close" in levelup and "@quiet" not in levelup
    refused = chat("leaderboard MY segment:sleepy")
    assert "There is no segment “sleepy”" in refused


def test_the_creator_card_says_why(
    sessions: sessionmaker[Session], chat: Callable[..., str]
) -> None:
    world(sessions)
    quiet = chat("creator quiet")
    assert "Dormant" in quiet
    assert "no sales for 20 days (RM10,000.00 in the 60 days)" in quiet
    close = chat("creator close")
    # 30 days of RM970 = RM29,100, RM900 short of gold's RM30,000; the 20 days that stay in
    # the window hold RM19,400, so the 10 days left need RM10,600: RM1,060 a day.
    assert "RM900.00 short of gold; needs RM1,060.00/day for 10 days (now RM970.00/day)" in close
    assert "Level-up" in close
    assert "Segments" not in chat("creator steady")


def test_tiers_shows_who_can_level_up_and_who_may_drop(
    sessions: sessionmaker[Session], chat: Callable[..., str]
) -> None:
    world(sessions)
    said = chat("tiers MY")
    rising = said[said.index("Can level up this month") : said.index("May drop a tier")]
    falling = said[said.index("May drop a tier") :]
    assert "(@close) → gold" in rising
    # RM900 short; RM1,060 a day needed for the 10 days left, RM970 a day now.
    assert "RM900.00" in rising and "RM1,060.00" in rising and "RM970.00" in rising
    # quiet: nothing in the last 20 days, silver needs RM5,000 of 30-day GMV.
    assert "(@quiet) · silver" in falling and "RM5,000.00" in falling
    assert "(@steady)" not in said
    assert "10 days left this month." in said
    owned = chat("tiers MY cm:farah@example.com")
    assert "(@close)" in owned and "(@quiet)" not in owned
    assert "Non capisco" in chat("tiers MY boh", "it")
