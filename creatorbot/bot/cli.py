"""The `creatorbot` command line: run the bot, the shell, one-off commands, imports, demo data."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from creatorbot.bot import logs
from creatorbot.bot.app import App, SchemaOutOfDate, build
from creatorbot.bot.cli_jobs import parse_moment, platform_posters
from creatorbot.bot.console import ask, shell, show
from creatorbot.bot.scheduling import post_on_demand
from creatorbot.bot.settings import Settings
from creatorbot.commands.i18n import LANGUAGES, Lang, language_of
from creatorbot.storage import segments
from creatorbot.storage.db import make_engine, upgrade
from creatorbot.storage.failures import database_unreachable, disk_full, first_line
from creatorbot.storage.importers import KINDS
from creatorbot.storage.sync import SourcesError

# Verbs an operator watches (with a progress bar and Ctrl-C) whose statements may rightly run
# for minutes (a big import, its board refresh, the demo world): no statement timeout.
LONG_JOBS = ("import", "inbox", "sync", "demo-data", "demo")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `creatorbot` console script."""
    args = parser().parse_args(argv)
    settings = Settings()
    if args.command in LONG_JOBS:
        settings = settings.model_copy(update={"statement_timeout_seconds": 0})
    # At the console, answers are the output: only warnings and errors are logged there.
    quiet = args.command in ("shell", "ask", "demo", "demo-data", "import", "inbox", "sync", "jobs")
    # inbox and sync print each file's or source's outcome themselves: their warnings would
    # say it twice.
    reported = args.command in ("inbox", "sync")
    logs.configure(
        args.log_level or ("ERROR" if reported else "WARNING" if quiet else settings.log_level)
    )
    if args.command == "run" and not args.console:
        refused = start_problems(settings, terminal=sys.stdin.isatty())
        for problem in refused:
            print(f"creatorbot: {problem}", file=sys.stderr)
        if refused:
            return 2
    try:
        if args.command == "db":
            segments.configure(settings.segment_rules)
            upgrade(make_engine(settings.resolved_database_url))
            print("The database is up to date.")
            return 0
        app = build(settings)
    except SchemaOutOfDate as exc:
        print(f"creatorbot: {exc}", file=sys.stderr)
        return 2
    except (ArgumentError, NoSuchModuleError):
        # Not echoed: the URL may hold a password.
        print(f"creatorbot: {BAD_DATABASE_URL}", file=sys.stderr)
        return 2
    except DBAPIError as exc:
        if database_unreachable(exc):
            said = (
                f"the database could not be reached ({first_line(exc)}). "
                "Check that it is running and that DATABASE_URL points at it."
            )
        elif disk_full(exc):
            said = "the disk is full: the database could not be prepared. Free some space."
        else:
            raise
        print(f"creatorbot: {said}", file=sys.stderr)
        return 2
    try:
        return int(HANDLERS[args.command](app, args))
    finally:
        app.close()


BAD_DATABASE_URL = (
    "DATABASE_URL is not a database URL creatorbot can use: give "
    "postgresql://USER:PASSWORD@HOST:5432/NAME (postgres:// works too), "
    "or leave it empty for a SQLite file under CREATORBOT_DATA_DIR."
)
NO_TERMINAL = (
    "no Slack or Lark credentials are configured and there is no terminal to run the console "
    "on: set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, or LARK_APP_ID with "
    "LARK_APP_SECRET (see .env.example); for the console, run `creatorbot shell`."
)


def start_problems(settings: Settings, *, terminal: bool) -> list[str]:
    """Why `creatorbot run` must not start: a platform configured only in part (it would be
    left out, or the bot fall back to a console nobody reads), or no platform at all and no
    terminal (a container would read end of input and exit looking healthy)."""
    problems = settings.platform_problems()
    try:
        settings.warehouse_sources(os.environ)
    except SourcesError as exc:
        problems.append(f"CREATORBOT_SOURCES: {exc}")
    if not problems and not settings.has_platform and not terminal:
        problems.append(NO_TERMINAL)
    return problems


def parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per verb."""
    top = argparse.ArgumentParser(prog="creatorbot", description=__doc__)
    top.add_argument("--log-level", help="DEBUG, INFO, WARNING… (default: LOG_LEVEL or INFO)")
    verbs = top.add_subparsers(dest="command", required=True)
    run = verbs.add_parser(
        "run", help="run the bot on Slack and/or Lark (the console when none is configured)"
    )
    run.add_argument(
        "--console", action="store_true", help="run on the console even if a platform is set up"
    )
    for name, text in (("shell", "an interactive prompt"), ("ask", "answer one command")):
        verb = verbs.add_parser(name, help=text)
        verb.add_argument("--locale", choices=LANGUAGES, help="language of the answers")
        if name == "ask":
            verb.add_argument("text", nargs="+", help="the command, e.g. leaderboard gmv 7d MY")
    importing = verbs.add_parser(
        "import",
        help="import a CSV, XLSX or tab-separated file: canonical, or a TikTok Shop export",
        usage="creatorbot import [KIND] FILE [--day YYYY-MM-DD] [--market M] [--dry-run]",
    )
    importing.add_argument(
        "kind", metavar="KIND", help="creators, daily_metrics, … (omit: recognised from the header)"
    )
    importing.add_argument("file", nargs="?", type=Path, metavar="FILE")
    importing.add_argument(
        "--day", type=dt.date.fromisoformat, help="the day of an export that names none"
    )
    importing.add_argument("--market", help="the market of a TikTok Shop export (e.g. MY)")
    importing.add_argument(
        "--dry-run", action="store_true", help="show what would be imported; write nothing"
    )
    inbox = verbs.add_parser(
        "inbox", help="import what is in the inbox folder once, then exit (for a cron)"
    )
    inbox.add_argument("folder", nargs="?", type=Path, help="default: CREATORBOT_INBOX")
    inbox.add_argument(
        "--settle",
        type=float,
        default=5.0,
        help="seconds between the two looks; a file that changed meanwhile waits (default 5)",
    )
    syncing = verbs.add_parser(
        "sync", help="read the warehouse sources now (CREATORBOT_SOURCES); `sync status`"
    )
    syncing.add_argument(
        "kind", nargs="?", choices=[*KINDS, "status"], help="one kind (default: all), or status"
    )
    syncing.add_argument(
        "--day", type=dt.date.fromisoformat, help="the day (default: yesterday in each market)"
    )
    syncing.add_argument("--source", help="one source of the file (default: all)")
    demo_data = verbs.add_parser("demo-data", help="write the deterministic demo world")
    demo_data.add_argument("--creators", type=int, default=2000)
    demo_data.add_argument("--days", type=int, default=90)
    demo_data.add_argument("--seed", type=int, default=7)
    demo_data.add_argument(
        "--end", type=dt.date.fromisoformat, help="last day (default: yesterday)"
    )
    demo_data.add_argument(
        "--force", action="store_true", help="replace creators that were imported, not generated"
    )
    verbs.add_parser("demo", help="build the demo world and show this morning's posts")
    scheduled = verbs.add_parser("jobs", help="the scheduled posts: their schedule and ledger")
    scheduled.add_argument("action", choices=["list", "tick"])
    scheduled.add_argument(
        "--at",
        type=parse_moment,
        help="tick: the moment to run as (ISO date-time, UTC unless it has an offset)",
    )
    db = verbs.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    return top


def console_locale(requested: str | None, settings: Settings) -> str:
    """--locale, else CREATORBOT_LOCALE, else the terminal's LANG, else English."""
    return language_of(
        requested or settings.locale or os.environ.get("LC_ALL") or os.environ.get("LANG")
    )


def cmd_run(app: App, args: argparse.Namespace) -> int:
    from creatorbot.bot.serve import serve

    if args.console:
        return cmd_shell(app, args)
    if app.settings.has_platform:
        return serve(app)
    print("No Slack or Lark credentials are configured: running on the console.")
    return cmd_shell(app, args)


def cmd_shell(app: App, args: argparse.Namespace) -> int:
    post_on_demand(app, {})
    locale = console_locale(getattr(args, "locale", None), app.settings)
    shell(app.router, app.settings.data_dir / ".shell_history", locale)
    return 0


def cmd_ask(app: App, args: argparse.Namespace) -> int:
    post_on_demand(app, platform_posters(app))
    locale = console_locale(args.locale, app.settings)
    reply = ask(app.router, " ".join(args.text), locale)
    print(show(reply, app.settings.data_dir / "exports", Lang(locale)))
    return 0 if reply.ok else 1


def cmd_import(app: App, args: argparse.Namespace) -> int:
    from creatorbot.bot.cli_import import import_args, run_import

    asked = import_args(args.kind, args.file)
    if isinstance(asked, str):
        print(asked, file=sys.stderr)
        return 2
    market = args.market.upper() if args.market else None
    asked = replace(asked, day=args.day, market=market, dry_run=args.dry_run)
    return run_import(app, asked)


def cmd_inbox(app: App, args: argparse.Namespace) -> int:
    from creatorbot.bot.cli_inbox import run_inbox_once

    return run_inbox_once(app, args.folder, args.settle)


def cmd_sync(app: App, args: argparse.Namespace) -> int:
    from creatorbot.bot.cli_sync import status, sync

    if args.kind == "status":
        return status(app)
    return sync(app, args.kind, args.day, args.source)


def cmd_demo_data(app: App, args: argparse.Namespace) -> int:
    from creatorbot.bot.cli_demo import write_demo

    return write_demo(
        app,
        creators=args.creators,
        days=args.days,
        seed=args.seed,
        end=args.end,
        force=args.force,
    )


def cmd_demo(app: App, args: argparse.Namespace) -> int:
    from creatorbot.bot.cli_demo import morning

    return morning(app)


def cmd_jobs(app: App, args: argparse.Namespace) -> int:
    from creatorbot.bot.cli_jobs import listing, tick

    now = args.at or app.services.clock()
    return tick(app, now) if args.action == "tick" else listing(app, now)


HANDLERS = {
    "run": cmd_run,
    "shell": cmd_shell,
    "ask": cmd_ask,
    "import": cmd_import,
    "inbox": cmd_inbox,
    "sync": cmd_sync,
    "demo-data": cmd_demo_data,
    "demo": cmd_demo,
    "jobs": cmd_jobs,
}
