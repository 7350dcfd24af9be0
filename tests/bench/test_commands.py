"""`make bench`'s command bench runs as shipped, end to end, on a tiny world (SQLite, and
PostgreSQL when TEST_DATABASE_URL names one): every question answered by the bot and by DuckDB,
past the per-user rate limit (the bench's user is exempt by the setting), cold start and import
measured. And DuckDB's side answers the same questions: its rows equal the bot's exact paths."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bench import commands as bench
from bench.duck import connect
from creatorbot.analytics import matching
from creatorbot.analytics.campaigns import pacing, tier_report
from creatorbot.analytics.creators import window_change
from creatorbot.analytics.windows import window_for
from creatorbot.commands import leaderboard, slots
from creatorbot.commands.core import Call, CommandRequest, Services
from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.models import Creator
from creatorbot.storage.queries.anomaly_scan import scan_day
from creatorbot.storage.queries.campaigns import (
    CampaignFigures,
    campaign_by_slug,
    campaign_creator_totals,
    creator_standings,
)
from creatorbot.storage.queries.creators import creator_campaigns, creator_daily
from creatorbot.storage.queries.markets import all_markets, latest_day
from creatorbot.storage.queries.matching import match_candidates
from creatorbot.storage.ranking.portfolio import owned_figures
from creatorbot.storage.segments import segment_rows
from tests.bench.running import run_bench


@pytest.fixture(scope="module")
def tiny_bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, str]]:
    """`python -m bench.commands` at the tiny scale: (its data folder, its schema prefix, what
    it printed); the PostgreSQL schema it made is dropped afterwards."""
    folder = tmp_path_factory.mktemp("bench")
    prefix = f"bench_test_{uuid.uuid4().hex[:8]}"
    databases = "sqlite,postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    arguments = ["--scales", "T", "--databases", databases, "--repeat", "2", "--timeout", "120"]
    try:
        yield folder, prefix, run_bench("commands", arguments, folder, prefix)
    finally:
        if "postgresql" in databases:
            engine = make_engine(os.environ["TEST_DATABASE_URL"])
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {prefix}_t CASCADE"))
            engine.dispose()


def test_every_question_is_answered_beside_duckdb(tiny_bench: tuple[Path, str, str]) -> None:
    _, _, printed = tiny_bench
    databases = 2 if os.environ.get("TEST_DATABASE_URL") else 1
    figure = r"[\d,.]+ / [\d,.]+"
    for question in bench.QUESTIONS:
        start = re.escape(question.text.split("{")[0].strip())
        rows = re.findall(rf"^{start}.*?({figure})\s+({figure})\s+([\d.]+)×$", printed, re.M)
        assert len(rows) >= databases, f"{question.text}:\n{printed}"
    assert not re.search(r"error|> \d+ s", printed), printed  # none failed, none ran out of time
    assert len(re.findall(r"^cold start to ready [\d.]+ s, idle RSS \d+ MB", printed, re.M)) == (
        databases
    )
    assert len(re.findall(r"^one day's import: 300 rows", printed, re.M)) == databases


def test_the_parquet_copy_is_kept_until_the_world_changes(
    tiny_bench: tuple[Path, str, str],
) -> None:
    folder, _, _ = tiny_bench
    engine = make_engine(f"sqlite:///{folder / 'bench-T.sqlite3'}")
    try:
        copy = folder / "duck-T-sqlite"
        stamp = (copy / "daily.parquet").stat().st_mtime_ns
        assert bench.parquet_dir(copy, engine)[1] == 0.0  # cached: not exported again
        assert (copy / "daily.parquet").stat().st_mtime_ns == stamp
        with engine.begin() as connection:  # a correction: the kept day's row count moves
            connection.execute(
                text("UPDATE day_columns SET rows = rows + 1 WHERE name = 'creator_id'")
            )
        assert bench.parquet_dir(copy, engine)[1] > 0.0
    finally:
        engine.dispose()


def ask_exact(question: bench.Question, known: dict[str, Any], call: Call) -> Any:
    """What the bot answers, from its exact paths, in the shape DuckDB's side returns."""
    name, _, rest = bench.text_of(question, known).partition(" ")
    session = call.session
    if name == "leaderboard":
        board = leaderboard.compute_exact(leaderboard.parse(rest, call), call)
        top = 50 if "top 50" in rest else 10
        rows = board.ranked[["rank", "handle", "value", "previous_rank"]].head(top)
        return [
            (int(r), h, int(v), None if p is None or str(p) == "<NA>" else int(p))
            for r, h, v, p in rows.itertuples(index=False)
        ], (board.ranked_count, board.total)
    if name == "match":
        end = dt.date.fromisoformat(known["latest"]["MY"])
        window = window_for("30d", end)
        before = window.previous()
        totals = match_candidates(
            "MY", "beauty", window.start, end, before.start, before.end, end, session=session
        )
        ranked = matching.rank_matches(totals)
        shown = ranked.head(500 if "export" in rest else 10)[["handle", "score"]]
        scored = [(h, round(s, 12)) for h, s in shown.itertuples(index=False)]
        return scored, (len(ranked), len(matching.left_out(totals)))
    if name == "slots":
        report = slots.compute(slots.parse(rest, call), call)
        return report.slots[["slot", "impressions", "clicks", "conversions"]].values.tolist()
    if name == "alerts":
        end = dt.date.fromisoformat(known["latest"]["MY"])
        scan = scan_day(all_markets(session=session)["MY"], end, session=session)
        return sorted(
            (f.subject_key, f.metric) for f in scan.findings if f.subject_kind == "creator"
        )
    if name == "creator":
        return creator_figures(known, session)
    if name == "portfolio":
        end = dt.date.fromisoformat(known["latest"]["MY"])
        owned = owned_figures("MY", end, [known["cm"]], session=session)
        assert owned is not None
        handles = dict(session.execute(select(Creator.id, Creator.handle)).all())
        return sorted(
            (handles[int(i)], int(w), int(b))
            for i, w, b in zip(owned.ids, owned.gmv_7d, owned.gmv_prev_7d, strict=True)
        )
    if name == "tiers":
        return tier_boards(session)
    campaign = campaign_by_slug(rest, session=session)
    assert campaign is not None
    latest = latest_day(campaign.market, session=session)
    figures = CampaignFigures(campaign, latest, session=session)
    t = figures.totals()
    totals = (t.enrolled, t.active, t.ranked, t.gmv, t.orders, t.value)
    if campaign.kind.value == "incentive":
        assert latest is not None
        pace = pacing(t.gmv, campaign.starts_on, campaign.ends_on, min(latest, campaign.ends_on), 0)
        tiers = [(tier.threshold, tier.reward) for tier in campaign.reward_tiers]
        creators = campaign_creator_totals(campaign, latest, session=session)
        report = tier_report(creators, tiers, pace.elapsed_days, pace.total_days)
        nudge = report.nudge["handle"].head(10).tolist()
        return totals, (
            report.per_tier,
            report.below_first,
            report.payout,
            report.projected_payout,
            report.nudge_total,
            nudge,
        )
    top = figures.top(10 if campaign.kind.value == "competition" else 5)
    return totals, [
        (int(r), h, int(v)) for r, h, v in top[["rank", "handle", "value"]].itertuples(index=False)
    ]


def tier_boards(session: Session) -> Any:
    """Every level-up (handle, next tier, short by, pace needed, pace now) and tier at risk
    (handle, tier, projected, threshold) the stored segments hold for MY."""
    rising = {
        (c.handle, s.tier, int(s.target) - int(s.gmv_now), int(s.pace_needed), int(s.pace_now))
        for s, c in segment_rows("MY", "level-up", session=session)
    }
    falling = {
        (c.handle, s.tier, int(s.gmv_now), int(s.target))
        for s, c in segment_rows("MY", "at-risk", session=session)
    }
    return rising, falling


def creator_figures(known: dict[str, Any], session: Session) -> Any:
    """The creator's 7- and 30-day GMV and orders with the windows before, live and video GMV,
    and the place in each of the latest five campaigns, as the profile computes them."""
    end = dt.date.fromisoformat(known["latest"]["MY"])
    creator = session.scalar(select(Creator).where(Creator.handle == known["handle"]))
    assert creator is not None
    daily = creator_daily(creator.id, end - dt.timedelta(days=59), end, session=session)
    sums = []
    for days, column in ((7, "gmv"), (7, "orders"), (30, "gmv"), (30, "orders")):
        change = window_change(daily, column, end, days)
        sums += [change.current, change.previous]
    sums += [window_change(daily, c, end, 30).current for c in ("live_gmv", "video_gmv")]
    campaigns = creator_campaigns(creator.id, session=session)[:5]
    started = [c for c in campaigns if c.starts_on <= end]
    standings = creator_standings(creator.id, started, end, session=session)
    places = []
    for campaign in campaigns:
        standing = standings.get(campaign.id)
        if standing is None or standing.rank is None:
            places.append((campaign.slug, None, None))
        else:
            places.append((campaign.slug, standing.rank, standing.ranked))
    return sums, places


def as_duckdb_says(question: bench.Question, answer: Any, session: Session) -> Any:
    """DuckDB's rows in the shape of `ask_exact`."""
    name = question.text.split()[0]
    if name == "slots":
        return [[row[0], row[2], row[3], row[4]] for row in answer]
    if name == "alerts":
        ids, found = answer
        handles = {i: h for i, h in session.execute(select(Creator.id, Creator.handle))}
        flagged = [
            (int(ids[row]), metric) for metric, d in found.items() for row in d.flagged["row"]
        ]
        return sorted((handles[creator_id], metric) for creator_id, metric in flagged)
    if name == "creator":
        profile, places = answer
        ranked = [(slug, rank, ranked if rank else None) for slug, _, rank, ranked in places]
        return list(profile[0][2:12]), ranked
    if name == "portfolio":
        return sorted((h, int(w or 0), int(b or 0)) for h, _, _, w, b, *_ in answer)
    if name == "tiers":
        rising, falling = answer
        return (
            {(h, t, int(s), int(n), int(p)) for h, _, t, s, n, p in rising},
            {(h, t, int(p), int(m)) for h, t, p, m in falling},
        )
    if name == "leaderboard":
        rows = [(r, h, v, p) for r, h, _, v, p, *_ in answer]
        return rows, (tuple(answer[0][5:7]) if answer else (0, 0))
    if name == "match":
        return [(row[1], round(row[11], 12)) for row in answer], tuple(answer[0][12:14])
    totals, tail = answer
    if isinstance(tail[0], tuple) and len(tail[0]) == 6 and isinstance(tail[0][0], list):
        per, below, paid, projected, near, nudge = tail[0]
        return tuple(totals[0]), (list(per), below, paid, projected, near, list(nudge))
    return tuple(totals[0]), [(r, h, v) for r, _, h, _, v in tail]


@pytest.mark.parametrize(
    "question",
    [q for q in bench.QUESTIONS if not q.text.startswith("snapshot")],
    ids=lambda q: q.text,
)
def test_duckdb_answers_the_question_the_bot_answers(
    tiny_bench: tuple[Path, str, str], question: bench.Question, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _, _ = tiny_bench
    monkeypatch.setattr(bench, "DATA", folder)
    known = bench.facts("T", "sqlite")
    engine = make_engine(bench.database_url("T", "sqlite"))
    try:
        sessions = make_sessionmaker(engine)
        con = connect(folder / "duck-T-sqlite")
        with sessions() as session:
            call = Call(CommandRequest(text=question.text), session, Services(sessions=sessions))
            # DuckDB finds each market's latest day itself, inside its timed answer, as the
            # bot does: the facts it is given do not hold them.
            blind = {k: v for k, v in known.items() if k not in ("latest", "latest_slot")}
            theirs = as_duckdb_says(question, question.duck(con, blind), session)
            assert theirs == ask_exact(question, known, call)
    finally:
        engine.dispose()
