"""`creatorbot demo` and `demo-data`: the demo world, and what the bot would post this morning."""

from __future__ import annotations

import datetime as dt
import sys
import time

from creatorbot.bot.app import App
from creatorbot.bot.cli_progress import progress_bar
from creatorbot.bot.console import ask
from creatorbot.bot.render_text import render
from creatorbot.storage.demo import DemoConflict, DemoSpec, ensure_demo
from creatorbot.storage.queries.campaigns import running_campaigns
from creatorbot.storage.queries.markets import latest_day

PROGRESS_FROM = 20_000  # creators; smaller worlds are written in a second or two


def write_demo(
    app: App,
    *,
    creators: int,
    days: int,
    seed: int,
    end: dt.date | None = None,
    force: bool = False,
) -> int:
    """Make sure the database holds the demo world for these parameters; the exit code."""
    spec = DemoSpec(
        creators=creators,
        days=days,
        seed=seed,
        end=end or app.services.clock().date() - dt.timedelta(days=1),
    )
    started = time.perf_counter()
    print(f"Demo world: {creators:,} creators × {days} days up to {spec.end} (seed {seed})…")
    try:
        with progress_bar("writing the demo world") as bar:
            if creators >= PROGRESS_FROM:
                bar.start()
            built = ensure_demo(spec, sessions=app.sessions, progress=bar.advance, force=force)
    except DemoConflict:
        print(
            "creatorbot: this database holds creators that were imported, not generated; the demo "
            "would replace them. Use another CREATORBOT_DATA_DIR or DATABASE_URL, or pass --force.",
            file=sys.stderr,
        )
        return 2
    took = time.perf_counter() - started
    print(f"  {'built' if built else 'already in place'} in {took:.1f} s")
    return 0


def morning(app: App) -> int:
    """Build the default demo world (quick when it exists) and print this morning's posts."""
    code = write_demo(app, creators=2000, days=90, seed=7)
    if code:
        return code
    posts = ["leaderboard gmv 1d MY"]
    with app.sessions.begin() as session:
        day = latest_day("IT", session=session)
        running = running_campaigns("IT", day, session=session) if day else []
        if running:
            posts.append(f"campaign {running[0].slug}")
    print("\nThis morning creatorbot would post:\n")
    failed = False
    for text in posts:
        reply = ask(app.router, text)
        failed |= not reply.ok
        print(f"┌─ {text}")
        print(render(reply))
        print()
    print("Ask it anything in the shell: .venv/bin/creatorbot shell   (or: make shell)")
    print('One command at a time:       .venv/bin/creatorbot ask "leaderboard gmv 7d MY"')
    return 1 if failed else 0
