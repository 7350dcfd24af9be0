"""A demo world that hostile rows are imported into as a user would (`creatorbot import KIND
FILE`), and the rows themselves: what the bad-row tests, the job tests and the fuzz share."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import shutil
from pathlib import Path

from creatorbot.bot.app import App, build
from creatorbot.bot.cli_import import ImportArgs, run_import
from creatorbot.bot.settings import Settings
from creatorbot.storage.demo import DemoSpec, World, build_world, write_world

NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)
END = dt.date(2026, 11, 23)  # the world's latest day: MY's yesterday at NOW
SPEC = DemoSpec(creators=24, days=40, seed=5, end=END)
CAMPAIGN_HEADER = [
    "slug",
    "name",
    "market",
    "kind",
    "starts_on",
    "ends_on",
    "metric",
    "gmv_target",
    "creator_target",
    "reward_tiers",
]
METRICS_HEADER = [
    "date",
    "market",
    "handle",
    "gmv",
    "orders",
    "items_sold",
    "live_gmv",
    "video_gmv",
    "live_sessions",
    "live_minutes",
    "video_posts",
    "video_views",
    "new_followers",
]
CREATORS_HEADER = [
    "handle",
    "display_name",
    "market",
    "tier",
    "category",
    "followers",
    "cm",
    "am",
    "joined_on",
]


def demo_app(path: Path, template: Path, spec: DemoSpec = SPEC) -> tuple[App, World]:
    """The bot over a fresh SQLite copy of the migrated `template` at `path`, holding the demo
    world of `spec`, with the clock at NOW, charts on and no rate limit (the fuzz asks a lot)."""
    shutil.copy(template, path)
    settings = Settings(
        DATABASE_URL=f"sqlite:///{path}", CREATORBOT_RATE_LIMIT_PER_MINUTE=0, _env_file=None
    )
    app = build(settings, clock=lambda: NOW)
    world = build_world(spec)
    with app.sessions.begin() as session:
        write_world(world, session=session)
    return app, world


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


def import_rows(
    app: App, folder: Path, kind: str, header: list[str], rows: list[list[str]]
) -> tuple[int, str]:
    """Import the rows as a CSV file through the CLI's import; (exit code, what it printed)."""
    path = folder / f"{kind}.csv"
    path.write_text(csv_text(header, rows), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = run_import(app, ImportArgs(kind, path))
    return code, out.getvalue()
