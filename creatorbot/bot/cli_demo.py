"""`creatorbot demo` and `demo-data`: the demo world, and what the bot would post this morning."""

from __future__ import annotations

import datetime as dt
import sys
import time

from creatorbot.bot.app import App
from creatorbot.bot.console import ask
from creatorbot.bot.render_text import render
from creatorbot.storage.demo import DemoSpec, ensure_demo
from creatorbot.storage.queries.campaigns import running_campaigns
from creatorbot.storage.queries.markets import latest_day


def write_demo(
    app: App, *, creators: int, days: int, seed: int, end: dt.date | None = None
) -> bool:
    """Make sure the database holds the demo world for these parameters; True if it was built."""
    spec = DemoSpec(
        creators=creators,
        days=days,
        seed=seed,
        end=end or app.services.clock().date() - dt.timedelta(days=1),
    )
    started = time.perf_counter()
    print(f"Demo world: {creators:,} creators × {days} days up to {spec.end} (seed {seed})…")
    built = ensure_demo(spec, sessions=app.sessions)
    took = time.perf_counter() - started
    print(f"  {'built' if built else 'already in place'} in {took:.1f} s", file=sys.stderr)
    return built


def morning(app: App) -> int:
    """Build the default demo world (quick when it exists) and print this morning's posts."""
    write_demo(app, creators=2000, days=90, seed=7)
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
