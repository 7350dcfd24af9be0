"""The command line's grammar: the argument parser, light to import (no pandas, no SQLAlchemy, no
SDK), so that `creatorbot --help` answers at once and each verb imports only what it needs."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from creatorbot import __version__

DESCRIPTION = (
    "The `creatorbot` command line: run the bot, the shell, one-off commands, imports, demo data."
)
# The answers' languages (commands/i18n.py) and the kinds of file (storage/importers): written
# here rather than imported, as their modules pull in Babel and pandas; tests/bot/test_cli_args.py
# holds them equal.
LANGUAGES = ("en", "it", "ms")
KINDS = ("creators", "daily_metrics", "campaigns", "enrollments", "tiers", "slot_metrics")


def parse_moment(value: str) -> dt.datetime:
    """An ISO date-time; without an offset it is read as UTC."""
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per verb."""
    top = argparse.ArgumentParser(prog="creatorbot", description=DESCRIPTION)
    top.add_argument("--version", action="version", version=f"creatorbot {__version__}")
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
            verb.add_argument(
                "--file",
                type=Path,
                metavar="FILE",
                help="a list of creators (CSV, TXT, XLSX) for `campaign enroll SLUG`",
            )
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
        "sync", help="read the warehouse sources now (the config file's sources); `sync status`"
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
    config = verbs.add_parser("config", help="check the config file (CREATORBOT_CONFIG)")
    config.add_argument("action", choices=["check"])
    config.add_argument(
        "path", nargs="?", type=Path, metavar="PATH", help="default: CREATORBOT_CONFIG"
    )
    db = verbs.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    return top
