"""`creatorbot jobs list` (the schedule and the ledger) and `jobs tick --at` (run what is due)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from creatorbot.bot.app import App
from creatorbot.bot.on_demand import platform_posters
from creatorbot.bot.scheduling import make_runner, run_once
from creatorbot.commands.i18n import Lang
from creatorbot.commands.run_labels import local_moment, period_label
from creatorbot.jobs.catalog import jobs
from creatorbot.jobs.periods import parse_at, periods_between
from creatorbot.storage.ledger import recent_runs
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.subscriptions import all_subscriptions

ENGLISH = Lang("en")  # the operator's console speaks English


def tick(app: App, at: dt.datetime) -> int:
    """Run, once, whatever is due at `at` under the ledger's rules; the exit code."""
    report = run_once(app, make_runner(app, platform_posters(app)), at)
    if report is None:
        print("creatorbot: a scheduler is running on this database and posts what is due itself.")
        return 2
    print(f"Ticked at {at.isoformat()}:")
    for label, keys in (
        ("posted", report.posted),
        ("nothing new", report.quiet),
        ("recovered", report.recovered),
        ("was already posted", report.found),
        ("failed, will retry", report.failed),
        ("skipped (too late)", report.skipped),
    ):
        for key in keys:
            print(f"  {label:20} {key}")
    if not any((report.posted, report.quiet, report.failed, report.skipped, report.recovered)):
        print("  nothing was due")
    return 1 if report.failed else 0


def listing(app: App, now: dt.datetime, rows: int = 20) -> int:
    """The subscriptions with their next post, then the ledger's latest rows."""
    declared = jobs()
    with app.sessions.begin() as session:
        zones = {code: ZoneInfo(m.timezone) for code, m in all_markets(session=session).items()}
        subscriptions = all_subscriptions(session=session)
        runs = recent_runs(session=session, limit=rows)
    print("Subscriptions")
    if not subscriptions:
        print("  none: `digest subscribe snapshot MY at 09:00` in a channel adds one")
    for s in subscriptions:
        cadences = [j.cadence for j in declared.values() if j.kind == s.kind and j.cadence]
        upcoming = periods_between(
            now,
            now + dt.timedelta(days=8),
            at=parse_at(s.at_time),
            zone=zones[s.market],
            cadence=cadences[0] if cadences else "daily",
        )
        zone = zones[s.market]
        following = local_moment(upcoming[0].due, zone, ENGLISH) if upcoming else "—"
        state = "paused" if s.paused else ("war-room" if s.war_room else "active")
        if s.suspended_at is not None:  # the workspace took the app away: see `digest list`
            state = s.suspended_reason or "suspended"
        print(
            f"  #{s.id:<4} {s.kind.value:9} {s.market:3} {s.at_time} {state:9} "
            f"{s.platform}:{s.channel}  next {following} ({zone.key})"
        )
    print(f"\nLedger (latest {rows}; periods in each market's calendar)")
    zone_of = {s.id: zones[s.market] for s in subscriptions}
    for r in runs:
        note = f"  {r.error.splitlines()[0][:80]}" if r.error else ""
        home = zone_of.get(r.subscription_id)
        period = period_label(r.period, home, ENGLISH) if home else r.period
        print(
            f"  {r.id:<6} {r.job:10} #{r.subscription_id:<4} {period:28} {r.status.value:8} "
            f"×{r.attempts}{note}"
        )
    return 0
