"""Segments equal a plain-Python reading of their rules on a generated world with planted
creators (a big one fading, a small one rising steadily, one 3% short of a tier with 10 days
left in the month, one gone quiet, one new), on both backends; they follow the data."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.analytics.segments import SegmentRules
from creatorbot.storage import writer
from creatorbot.storage.boards.hooks import after_import
from creatorbot.storage.demo import DemoSpec, World, build_world, write_world
from creatorbot.storage.models import Creator, SegmentRun
from creatorbot.storage.ranking.portfolio import owned_figures
from creatorbot.storage.segments import (
    refresh_stale,
    segment_members,
    segment_rows,
    stale_markets,
)
from creatorbot.storage.segments.rules import configure

END = dt.date(2026, 11, 20)  # ten days left in November
SPEC = DemoSpec(creators=240, days=70, seed=17, end=END)
RULES = SegmentRules()
MARKET = "MY"


def day(k: int) -> dt.date:
    return END - dt.timedelta(days=k)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(SPEC)


def gmv_by_creator(daily: pd.DataFrame) -> dict[str, dict[int, int]]:
    """handle → {k: gmv} for the sixty days up to END."""
    found: dict[str, dict[int, int]] = {}
    for handle, date, gmv in zip(daily["handle"], daily["date"], daily["gmv"], strict=True):
        k = (END - date).days
        if 0 <= k < 60:
            found.setdefault(handle, {})[k] = int(gmv)
    return found


def plant(world: World) -> tuple[dict[str, str], pd.DataFrame]:
    """Pick five creators of MY and rewrite their sixty days; (case → handle, rows written)."""
    daily = world.daily_metrics
    mine = daily[daily["market"] == MARKET]
    sums = gmv_by_creator(mine)
    before = {h: sum(v for k, v in days.items() if k >= 30) for h, days in sums.items()}
    ranked = sorted(before, key=lambda h: (-before[h], h))
    creators = world.creators.set_index("handle")
    silver = [
        h for h in ranked if str(creators.loc[h, "tier"]).lower() == "silver" and h != ranked[0]
    ]
    quiet = [h for h in ranked[len(ranked) // 2 :] if h not in silver[:1]]
    cases = {
        "fading": ranked[0],
        "levelup": silver[0],
        "rising": quiet[0],
        "dormant": quiet[1],
        "new": quiet[2],
    }
    threshold = 3_000_000  # gold in MY
    per_day = threshold * 97 // 100 // 30  # 3% short over 30 steady days
    plan: dict[str, dict[int, int]] = {
        "fading": {
            k: (sums[cases["fading"]].get(k, 0) // 5 if k < 30 else before[ranked[0]] // 30)
            for k in range(60)
        },
        "levelup": {k: per_day for k in range(60)},
        "rising": {k: (2_000 + 150 * (27 - k) if k < 28 else 2_000) for k in range(60)},
        "dormant": {k: (0 if k < 20 else 50_000) for k in range(60)},
        "new": {k: (30_000 if k < 5 else 0) for k in range(60)},
    }
    rows = [
        {"market": MARKET, "handle": cases[case], "date": day(k), "gmv": gmv}
        for case, days in plan.items()
        for k, gmv in days.items()
    ]
    return cases, pd.DataFrame(rows)


def expected(
    sums: dict[str, dict[int, int]],
    tiers: dict[str, str],
    ladder: list[tuple[str, int]],
    rules: SegmentRules,
) -> dict[str, dict[str, dict[str, Any]]]:
    """segment → handle → figures, read from the rules' words, one creator at a time."""
    left = 10
    found: dict[str, dict[str, dict[str, Any]]] = {
        s: {} for s in ("attention", "potential", "level-up", "at-risk", "dormant", "new")
    }

    def total(handle: str, ks: range) -> int:
        return sum(sums.get(handle, {}).get(k, 0) for k in ks)

    now = {h: total(h, range(30)) for h in tiers}
    before = {h: total(h, range(30, 60)) for h in tiers}
    market_now, market_before = sum(now.values()), sum(before.values())
    order = sorted((h for h in tiers if before[h] > 0), key=lambda h: (-before[h], ids[h]))
    big, running = set(), 0
    for h in order:
        if Fraction(running, market_before) < Fraction(rules.top_share_pct, 100):
            big.add(h)
        running += before[h]
    for h in tiers:
        days = sums.get(h, {})
        weeks = [total(h, range(21 - 7 * i, 28 - 7 * i)) for i in range(4)]  # oldest first
        if h in big:
            share_now = Fraction(now[h], market_now) if market_now else Fraction(0)
            share_before = Fraction(before[h], market_before)
            if share_now <= share_before * Fraction(100 - rules.attention_drop_pct, 100):
                found["attention"][h] = {"gmv_now": now[h], "gmv_before": before[h]}
        else:
            steady = weeks[0] > 0 and all(weeks[i + 1] >= weeks[i] for i in range(3))
            rising = weeks[3] >= weeks[0] * Fraction(100 + rules.potential_rise_pct, 100)
            best = max([days.get(k, 0) for k in range(28)])
            lucky = best > sum(weeks) * Fraction(rules.potential_max_day_pct, 100)
            if steady and rising and not lucky:
                found["potential"][h] = {"gmv_now": weeks[3], "gmv_before": weeks[0]}
        names = [name for name, _ in ladder]
        place = names.index(tiers[h].lower())
        pace_now = weeks[3] // 7
        kept = total(h, range(30 - left))
        if place + 1 < len(ladder):
            name, threshold = ladder[place + 1]
            if threshold * Fraction(100 - rules.levelup_within_pct, 100) <= now[h] < threshold:
                needed = -(-(threshold - kept) // left)
                if needed <= pace_now * Fraction(rules.levelup_stretch_pct, 100):
                    found["level-up"][h] = {
                        "gmv_now": now[h],
                        "target": threshold,
                        "pace_needed": needed,
                        "pace_now": pace_now,
                        "days": left,
                    }
        own = ladder[place][1]
        if own > 0 and kept + pace_now * left < own:
            found["at-risk"][h] = {"gmv_now": kept + pace_now * left, "target": own}
        sold = [k for k in range(60) if days.get(k, 0) > 0]
        if sold and min(sold) >= rules.dormant_days:
            found["dormant"][h] = {"days": min(sold), "gmv_before": now[h] + before[h]}
        if sold and max(sold) < rules.new_days:
            found["new"][h] = {"days": max(sold), "gmv_now": now[h]}
    return found


ids: dict[str, int] = {}


def stored(session: Session) -> dict[str, dict[str, dict[str, Any]]]:
    handles = {i: h for i, h in session.execute(select(Creator.id, Creator.handle))}
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for segment in ("attention", "potential", "level-up", "at-risk", "dormant", "new"):
        for row, _ in segment_rows(MARKET, segment, session=session):
            figures = {
                "gmv_now": row.gmv_now,
                "gmv_before": row.gmv_before,
                "target": row.target,
                "pace_needed": row.pace_needed,
                "pace_now": row.pace_now,
                "days": row.days,
            }
            found.setdefault(row.segment, {})[handles[row.creator_id]] = figures
    return found


def test_segments_follow_their_rules_with_planted_creators(
    world: World, sessions: sessionmaker[Session]
) -> None:
    configure(RULES)
    cases, planted = plant(world)
    with sessions.begin() as session:
        write_world(world, session=session)
    with sessions.begin() as session:
        writer.write_daily_metrics(planted, session=session)
        after_import("daily_metrics", planted, session=session)
    daily = world.daily_metrics
    mine = daily[daily["market"] == MARKET]
    sums = gmv_by_creator(mine)
    for handle, date, gmv in planted[["handle", "date", "gmv"]].itertuples(index=False):
        sums.setdefault(handle, {})[(END - date).days] = int(gmv)
    creators = world.creators[world.creators["market"] == MARKET]
    tiers = dict(zip(creators["handle"], creators["tier"], strict=True))
    mine_tiers = world.tiers[world.tiers["market"] == MARKET].sort_values("rank")
    ladder = [
        (str(t).lower(), int(m))
        for t, m in zip(mine_tiers["tier"], mine_tiers["min_gmv_30d"], strict=True)
    ]
    with sessions() as session:
        ids.clear()
        ids.update(
            (h, i)
            for i, h in session.execute(
                select(Creator.id, Creator.handle).where(Creator.market == MARKET)
            )
        )
        got = stored(session)
    want = expected(sums, tiers, ladder, RULES)
    assert cases["fading"] in want["attention"]
    assert cases["rising"] in want["potential"]
    assert cases["levelup"] in want["level-up"]
    assert cases["dormant"] in want["dormant"]
    assert cases["new"] in want["new"]
    for segment, members in want.items():
        have = got.get(segment, {})
        assert set(have) == set(members), segment
        for handle, figures in members.items():
            for name, value in figures.items():
                assert have[handle][name] == value, (segment, handle, name)
    with sessions() as session:
        ranked = [row for row, _ in segment_rows(MARKET, "level-up", session=session)]
    stretch = want["level-up"]
    by_stretch = sorted(
        stretch, key=lambda h: (Fraction(stretch[h]["pace_needed"], stretch[h]["pace_now"]), ids[h])
    )
    assert [ids[h] for h in by_stretch] == [row.creator_id for row in ranked]
    levelup = got["level-up"][cases["levelup"]]
    assert levelup["target"] == 3_000_000 and levelup["days"] == 10
    assert levelup["pace_needed"] == -(-(3_000_000 - 20 * (2_910_000 // 30)) // 10)
    with sessions() as session:
        members = segment_members(MARKET, "dormant", session=session)
        assert members is not None
        assert sorted(members.tolist()) == sorted(ids[h] for h in want["dormant"])
        assert stale_markets(session=session) == []


def test_segments_are_recomputed_when_stale_or_when_the_rules_change(
    world: World, sessions: sessionmaker[Session]
) -> None:
    configure(RULES)
    with sessions.begin() as session:
        write_world(world, session=session)
    with sessions() as session:
        run = session.get(SegmentRun, MARKET)
        assert run is not None and run.end_day == END
        dormant = len(segment_members(MARKET, "dormant", session=session))
    looser = SegmentRules(dormant_days=7)
    configure(looser)
    try:
        with sessions.begin() as session:
            assert stale_markets(session=session) == ["IT", "MY"]
            assert refresh_stale(session=session) == ["IT", "MY"]
        with sessions() as session:
            wider = segment_members(MARKET, "dormant", session=session)
            assert wider is not None and len(wider) >= dormant
    finally:
        configure(RULES)


def test_a_portfolios_figures_are_kept_with_the_segments_and_summed_otherwise(
    world: World, sessions: sessionmaker[Session]
) -> None:
    configure(RULES)
    with sessions.begin() as session:
        write_world(world, session=session)
    daily = world.daily_metrics
    creators = world.creators[world.creators["market"] == MARKET]
    cm = str(creators["cm"].iloc[0])
    mine = set(creators.loc[(creators["cm"] == cm) | (creators["am"] == cm), "handle"])
    sums = gmv_by_creator(daily[daily["market"] == MARKET])

    def expected(shift: int) -> list[tuple[str, int, int, int]]:
        def total(handle: str, ks: range) -> int:
            return sum(sums.get(handle, {}).get(k + shift, 0) for k in ks)

        return sorted(
            (h, total(h, range(7)), total(h, range(7, 14)), total(h, range(30))) for h in mine
        )

    with sessions() as session:
        handles = {i: h for i, h in session.execute(select(Creator.id, Creator.handle))}
        for shift in (0, 1):  # the latest day: kept with the segments; the day before: summed
            owned = owned_figures(MARKET, day(shift), [cm.upper()], session=session)
            assert owned is not None
            got = sorted(
                (handles[int(i)], int(a), int(b), int(c))
                for i, a, b, c in zip(
                    owned.ids, owned.gmv_7d, owned.gmv_prev_7d, owned.gmv_30d, strict=True
                )
            )
            assert got == expected(shift)
