"""Every command beside the leaderboard at scale: p50 / p95 per command (charts off), one process.

    python -m bench.every_command --scale S --db sqlite [--repeat 10] [--only match,slots]

Every campaign that has started is asked about, reported by kind, and `match` both as a table
and with its export. Reads the bench worlds of `bench/commands.py` as they are (its `prepare`
upgrades them; a world without match pools has `match` sum the day columns instead).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from sqlalchemy import select

from bench.commands import END, connect_args, database_url, peak_rss_mb
from bench.stats import percentile
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.models import Campaign, Creator


def questions(sessions: Any) -> dict[str, list[str]]:
    """The commands asked, by the label they are reported under."""
    with sessions() as session:
        handles = list(
            session.scalars(
                select(Creator.handle).where(Creator.market == "MY").order_by(Creator.id).limit(3)
            )
        )
        campaigns = session.execute(
            select(Campaign.kind, Campaign.slug, Campaign.starts_on, Campaign.ends_on).order_by(
                Campaign.starts_on, Campaign.slug
            )
        ).all()
    by_kind: dict[str, list[str]] = {}
    for kind, slug, starts_on, _ends_on in campaigns:
        if starts_on <= END:  # running or over: upcoming ones have no figures yet
            by_kind.setdefault(str(kind), []).append(slug)
    asked = {
        "match": ["match beauty MY", "match fashion IT"],
        "match export": ["match beauty MY export"],
        "slots": ["slots MY", "slots IT 30d"],
        "creator": [f"creator {handle} MY" for handle in handles],
        "alerts": ["alerts MY", "alerts IT"],
        "snapshot": ["snapshot MY", "snapshot IT"],
        "campaign list": ["campaign list"],
    }
    for kind, slugs in sorted(by_kind.items()):
        asked[f"campaign {kind}"] = [f"campaign {slug}" for slug in slugs]
    return asked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S")
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", default="", help="comma-separated labels")
    args = parser.parse_args()
    engine = make_engine(
        database_url(args.scale, args.db), connect_args=connect_args(args.scale, args.db)
    )
    sessions = make_sessionmaker(engine)
    router = Router(commands(), Services(sessions=sessions, charts=False, rate_limit_per_minute=0))
    only = {label for label in args.only.split(",") if label}
    print(f"{args.scale} {args.db} (ms; first, p50, p95 of {args.repeat})", flush=True)
    for label, texts in questions(sessions).items():
        if only and label not in only:
            continue
        firsts: list[float] = []
        samples: list[float] = []
        for command in texts:
            for n in range(args.repeat + 1):
                started = time.perf_counter()
                reply = router.handle(CommandRequest(text=command, user="bench"))
                took = time.perf_counter() - started
                assert reply.ok, (command, reply)
                (samples if n else firsts).append(took)
        middle, high = percentile(samples, 0.5), percentile(samples, 0.95)
        print(
            f"{label:22} {max(firsts) * 1000:9.1f} {middle * 1000:9.1f} {high * 1000:9.1f}"
            f"   {' | '.join(texts)}",
            flush=True,
        )
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    engine.dispose()


if __name__ == "__main__":
    main()
