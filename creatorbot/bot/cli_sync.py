"""`creatorbot sync [KIND] [--day D] [--source NAME]`: run the warehouse sources now (default
day: yesterday in each market's zone); `creatorbot sync status`: the latest runs."""

from __future__ import annotations

import datetime as dt
import os
import sys

from creatorbot.bot.app import App
from creatorbot.jobs.sync import run_sync, yesterday
from creatorbot.storage.importers import KINDS
from creatorbot.storage.models import SyncOutcome
from creatorbot.storage.queries.markets import all_markets
from creatorbot.storage.sync import SourcesError
from creatorbot.storage.sync.runs import recent

NO_SOURCES = (
    "no warehouse sources: add a `sources:` section to the config file named by "
    "CREATORBOT_CONFIG (see creatorbot.example.yaml)"
)


def sync(app: App, kind: str | None, day: dt.date | None, source: str | None) -> int:
    """Sync every (or one) source's kinds for every market it serves; the exit code."""
    try:
        sources = app.settings.warehouse_sources(os.environ)
    except SourcesError as exc:
        print(f"creatorbot: {exc}", file=sys.stderr)
        return 2
    if source is not None:
        if source not in sources:
            known = ", ".join(sources) or "none"
            print(f"creatorbot: no source {source!r} (the sources are: {known})", file=sys.stderr)
            return 2
        sources = {source: sources[source]}
    if not sources:
        print(f"creatorbot: {NO_SOURCES}", file=sys.stderr)
        return 2
    if kind is not None and not any(kind in s.queries for s in sources.values()):
        print(f"creatorbot: no source reads {kind}", file=sys.stderr)
        return 2
    with app.sessions.begin() as session:
        zones = {code: m.timezone for code, m in all_markets(session=session).items()}
    now = app.services.clock()
    code = 0
    for chosen in sources.values():
        for market, zone in sorted(zones.items()):
            if not chosen.serves(market):
                continue
            for name in (k for k in KINDS if k in chosen.queries and kind in (None, k)):
                report = run_sync(
                    app.sessions,
                    chosen,
                    name,
                    market=market,
                    day=day or yesterday(zone, now),
                    clock=app.services.clock,
                )
                assert report is not None  # a run by hand claims no attempt
                ok = report.outcome is SyncOutcome.OK
                print(report.message, file=sys.stdout if ok else sys.stderr)
                code = code if ok else 1
    return code


def status(app: App) -> int:
    """The latest sync runs, newest first."""
    with app.sessions.begin() as session:
        runs = recent(session=session)
        if not runs:
            print("No sync has run yet.")
            return 0
        for run in runs:
            started = run.started_at.strftime("%Y-%m-%d %H:%M")
            rows = "" if run.rows is None else f"{run.rows} rows"
            line = f"{started} UTC  {run.source}  {run.kind}  {run.market} {run.day}"
            print(f"{line}  {run.outcome.value}  {rows or run.error or ''}".rstrip())
    return 0
