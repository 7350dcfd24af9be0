"""`creatorbot demo` and `demo-data`: the demo world, and what the bot would post this morning."""

from __future__ import annotations

import datetime as dt
import sys
import time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from creatorbot.bot.app import App
from creatorbot.bot.cli_progress import progress_bar
from creatorbot.bot.scheduling import make_runner, run_once
from creatorbot.commands.digest import JOB_OF_KIND
from creatorbot.storage import ledger
from creatorbot.storage.demo import DemoConflict, DemoSpec, ensure_demo
from creatorbot.storage.models import Subscription, SubscriptionKind
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.subscriptions import channel_subscriptions, subscribe

PROGRESS_FROM = 20_000  # creators; smaller worlds are written in a second or two
DEMO_CHANNEL = "morning"
DEMO_KINDS = (SubscriptionKind.SNAPSHOT, SubscriptionKind.ALERTS)


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
        end=end or _yesterday(app),
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


def _yesterday(app: App) -> dt.date:
    """The latest "yesterday" of the markets' own calendars: from 16:00 UTC it is already the
    next day in Kuala Lumpur, and its morning posts read the day that has just ended there."""
    now = app.services.clock()
    with app.sessions() as session:
        zones = [market.timezone for market in all_markets(session=session).values()]
    return max(now.astimezone(ZoneInfo(zone)).date() for zone in zones) - dt.timedelta(days=1)


def morning(app: App) -> int:
    """Build the default demo world (quick when it exists), then run the scheduled jobs of a
    demo channel once, as the morning's scheduler would, and print what they post."""
    code = write_demo(app, creators=2000, days=90, seed=7)
    if code:
        return code
    now = app.services.clock()
    with app.sessions.begin() as session:
        demo = demo_subscriptions(now, session=session)
        for subscription in demo:
            ledger.queue(
                JOB_OF_KIND[subscription.kind],
                subscription.id,
                f"manual:{now:%Y-%m-%dT%H:%M:%S.%f}"[:32],
                now=now,
                session=session,
            )
    print("\nThis morning creatorbot would post:\n")
    report = run_once(app, make_runner(app, {}), now)
    if report is None:
        print("creatorbot: a scheduler is running on this database; it posts on its own.")
        return 2
    print("Ask it anything in the shell: .venv/bin/creatorbot shell   (or: make shell)")
    print('One command at a time:       .venv/bin/creatorbot ask "leaderboard gmv 7d MY"')
    return 1 if report.failed else 0


def demo_subscriptions(now: dt.datetime, *, session: Session) -> list[Subscription]:
    """The demo channel's subscriptions, made on first use: the MY snapshot and alerts."""
    existing = channel_subscriptions("console", "", DEMO_CHANNEL, session=session)
    if existing:
        return existing
    return [
        subscribe(
            platform="console",
            workspace="",
            channel=DEMO_CHANNEL,
            kind=kind,
            market="MY",
            at_time="09:00",
            locale="en",
            created_by="demo",
            now=now,
            session=session,
        )
        for kind in DEMO_KINDS
    ]
