"""Creators' form links at campaign scale: a small world of N creators (default 10,000) all
enrolled in one campaign, and the time `feedback links campaign:SLUG export` takes, first
(every link issued) and again (every link reused). The target: at most 2 s for 10,000.

    python -m bench.form_links [--creators N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import text

from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.link_tokens import LinkKeys
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.reply import File
from creatorbot.commands.router import Router
from creatorbot.storage import writer
from creatorbot.storage.db import make_engine, make_sessionmaker, upgrade

SLUG = "my-bench-links"
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
TARGET_SECONDS = 2.0


@dataclass(frozen=True)
class Figures:
    """What one run measured."""

    creators: int
    first_seconds: float
    again_seconds: float
    file_bytes: int


def build_world(url: str, creators: int) -> Router:
    """A migrated database with `creators` MY creators enrolled in one campaign; the router."""
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    handles = [f"bench{n:06d}" for n in range(creators)]
    with sessions.begin() as session:
        writer.write_creators(
            pd.DataFrame(
                {
                    "market": "MY",
                    "handle": handles,
                    "display_name": [f"Bench {n}" for n in range(creators)],
                    "tier": "gold",
                    "category": "beauty",
                    "followers": 1000,
                    "cm": [f"cm{n % 40}@example.com" for n in range(creators)],
                    "am": None,
                    "joined_on": dt.date(2025, 1, 1),
                }
            ),
            session=session,
        )
        writer.write_campaigns(
            pd.DataFrame(
                [
                    {
                        "slug": SLUG,
                        "name": "Bench links",
                        "market": "MY",
                        "kind": "mega_sale",
                        "starts_on": dt.date(2026, 11, 20),
                        "ends_on": dt.date(2026, 11, 30),
                        "metric": "gmv",
                        "gmv_target": None,
                        "creator_target": None,
                        "reward_tiers": [],
                    }
                ]
            ),
            session=session,
        )
        writer.write_enrollments(
            pd.DataFrame(
                {"campaign": SLUG, "handle": handles, "enrolled_on": dt.date(2026, 11, 19)}
            ),
            session=session,
        )
    if engine.dialect.name == "postgresql":  # fresh tables: give the planner their sizes
        with engine.begin() as connection:
            connection.execute(text("ANALYZE creators, enrollments, form_links"))
    keys = LinkKeys(b"b" * 32, None, "https://bot.example.com", 14)
    services = Services(sessions=sessions, clock=lambda: NOW, charts=False, links=keys)
    return Router(commands(), services, forms())


def export_once(router: Router) -> tuple[float, int]:
    """Seconds to answer the export, and the file's size."""
    started = time.perf_counter()
    reply = router.handle(CommandRequest(text=f"feedback links campaign:{SLUG} export"))
    seconds = time.perf_counter() - started
    files = [b for b in reply.blocks if isinstance(b, File)]
    if not reply.ok or not files:
        raise RuntimeError(f"the export failed: {reply.summary}")
    return seconds, len(files[0].content)


def run(creators: int, url: str | None = None) -> Figures:
    """Build the world (SQLite in a temporary folder unless `url`), export twice."""
    with tempfile.TemporaryDirectory() as folder:
        router = build_world(url or f"sqlite:///{Path(folder) / 'links.sqlite3'}", creators)
        first, size = export_once(router)
        again, _ = export_once(router)
        return Figures(creators, first, again, size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creators", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    figures = run(args.creators, args.database_url)
    print(
        f"feedback links export · {figures.creators:,} creators: "
        f"{figures.first_seconds:.2f} s issuing every link, "
        f"{figures.again_seconds:.2f} s again (reused), {figures.file_bytes / 1024:,.0f} KB "
        f"(target ≤ {TARGET_SECONDS:.0f} s)"
    )
    if max(figures.first_seconds, figures.again_seconds) > TARGET_SECONDS:
        print("over the target", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
