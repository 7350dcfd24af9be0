"""The campaign recap: how well "what it was worth" recovers a planted uplift, and how long the
recap takes for a 100,000-creator campaign.

Quality: 50 generated worlds (bench/recap_worlds.py: 4,000 creators, 28 days before a 14-day
campaign, enrolment favouring bigger, growing creators) with a +15% uplift for the enrolled, and
50 with none: the share of intervals that cover the truth, the mean error, the share of
no-uplift worlds reported significant (false positives), and how far off the naive
enrolled-against-the-rest comparison is.

Time: on the bench world of `bench/commands.py` (BENCH_DATA_DIR; L = 1,000,000 creators × 30
days) a `bench-recap` incentive program is enrolled with 100,000 MY creators over the last 14
days (once), then `campaign recap bench-recap` and its payout file are answered through the
router; target ≤ 5 s at L. `--scales` (BENCH_RECAP_SCALES, default L; empty: quality only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

import numpy as np
import pandas as pd
from sqlalchemy import select

from bench.commands import END, connect_args, database_url, prepare
from bench.recap_worlds import world
from creatorbot.analytics.incrementality import worth
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage import writer
from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.models import Campaign, Creator

SEEDS = 50
UPLIFT = 0.15
SLUG = "bench-recap"
ENROLLED = 100_000
DAYS = 14
TARGET_SECONDS = 5.0


def quality(seeds: int = SEEDS) -> dict[str, float]:
    """Coverage, errors and the false-positive rate over `seeds` worlds of each kind."""
    covered, errors, naive = 0, [], []
    for seed in range(seeds):
        w = world(seed, uplift=UPLIFT)
        result = worth(w.creators, w.days)
        covered += result.low <= w.truth <= result.high
        errors.append((result.incremental - w.truth) / w.truth)
        naive.append((w.naive - w.truth) / w.truth)
    false = 0
    for seed in range(seeds):
        w = world(1000 + seed, uplift=0.0)
        false += worth(w.creators, w.days).significant
    return {
        "coverage": covered / seeds,
        "mean_error": float(np.mean(errors)),
        "mean_abs_error": float(np.mean(np.abs(errors))),
        "false_positive_rate": false / seeds,
        "naive_error": float(np.mean(naive)),
    }


def ensure_campaign(scale: str, db: str) -> None:
    """The bench campaign: the ENROLLED MY creators with the lowest ids (the demo's ids carry
    no order of size), the last DAYS days of the world, three reward tiers and a budget cap."""
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        if session.scalar(select(Campaign.id).where(Campaign.slug == SLUG)) is not None:
            return
        handles = session.scalars(
            select(Creator.handle)
            .where(Creator.market == "MY")
            .order_by(Creator.id)
            .limit(ENROLLED)
        ).all()
        start = END - dt.timedelta(days=DAYS - 1)
        campaign = {
            "slug": SLUG,
            "name": "Bench recap",
            "market": "MY",
            "kind": "incentive",
            "starts_on": start,
            "ends_on": END,
            "metric": "gmv",
            "gmv_target": 500_000_000_00,
            "creator_target": ENROLLED,
            "reward_tiers": [(100_000, 5_000), (500_000, 20_000), (2_000_000, 100_000)],
        }
        writer.write_campaigns(pd.DataFrame([campaign]), session=session)
        rows = [{"campaign": SLUG, "handle": h, "enrolled_on": start} for h in handles]
        writer.write_enrollments(pd.DataFrame(rows), session=session)
        found = session.scalar(select(Campaign).where(Campaign.slug == SLUG))
        assert found is not None
        found.budget_cap = 50_000_000
    engine.dispose()


def timing(scale: str, db: str, repeat: int) -> dict[str, float]:
    """Median seconds of the recap and of its payout file (a day after the end)."""
    engine = make_engine(database_url(scale, db), connect_args=connect_args(scale, db))
    now = dt.datetime.combine(END + dt.timedelta(days=1), dt.time(6), tzinfo=dt.UTC)
    router = Router(commands(), Services(sessions=make_sessionmaker(engine), clock=lambda: now))
    found: dict[str, float] = {}
    for name, text in (
        ("recap", f"campaign recap {SLUG}"),
        ("file", f"campaign recap {SLUG} export"),
    ):
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            reply = router.handle(CommandRequest(text=text, user="console", platform="console"))
            seconds.append(time.perf_counter() - started)
            if not reply.ok:
                raise SystemExit(f"{text}: {reply}")
        found[name] = statistics.median(seconds)
    engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default=os.environ.get("BENCH_RECAP_SCALES", "L"))
    parser.add_argument("--database", default=os.environ.get("BENCH_RECAP_DATABASE", "sqlite"))
    parser.add_argument("--seeds", type=int, default=SEEDS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    q = quality(args.seeds)
    out = sys.stdout
    out.write(
        f"recap worth over {args.seeds} worlds (+{UPLIFT:.0%} planted, selective enrolment): "
        f"95% interval covers the truth in {q['coverage']:.0%}; mean error "
        f"{q['mean_error']:+.1%} (mean |error| {q['mean_abs_error']:.1%}); naive comparison "
        f"{q['naive_error']:+.0%}\n"
        f"recap worth over {args.seeds} worlds with no uplift: significant in "
        f"{q['false_positive_rate']:.0%} (false positives)\n"
    )
    for scale in [s for s in args.scales.split(",") if s.strip()]:
        prepare(scale, args.database)
        ensure_campaign(scale, args.database)
        t = timing(scale, args.database, args.repeat)
        verdict = (
            "ok" if t["recap"] <= TARGET_SECONDS else f"over the {TARGET_SECONDS:.0f} s target"
        )
        out.write(
            f"recap {scale} {args.database}: {ENROLLED:,} enrolled creators, "
            f"campaign recap {t['recap']:.2f} s ({verdict}), payout file {t['file']:.2f} s\n"
        )


if __name__ == "__main__":
    main()
