"""The `creatorbot` command line: run the bot, the shell, one-off commands, imports, demo data.

Each verb imports what it needs when it runs (pandas, SQLAlchemy, the SDKs take seconds to
import), so `--help` and `--version` answer at once; tests/bot/test_start_imports.py guards it."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from creatorbot.bot.cli_args import parser
from creatorbot.extras import MissingExtra

if TYPE_CHECKING:
    from creatorbot.bot.app import App
    from creatorbot.bot.settings import Settings

logger = logging.getLogger(__name__)

# Verbs an operator watches (with a progress bar and Ctrl-C) whose statements may rightly run
# for minutes (a big import, its board refresh, the demo world): no statement timeout.
LONG_JOBS = ("import", "inbox", "sync", "demo-data", "demo")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `creatorbot` console script."""
    args = parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # what each worker is started with
    try:
        return run(args, own_process=argv is None)
    except MissingExtra as exc:
        print(f"creatorbot: {exc}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace, *, own_process: bool = False) -> int:
    """Carry out the parsed command; the exit code. As the process's `own_process` command
    (not called from a test), what its start loads is frozen out of the garbage collector's
    passes (collector.py)."""
    if args.command == "config":
        from creatorbot.bot.cli_config import check

        return check(args.path)

    from creatorbot.bot.collector import frozen_after

    with frozen_after(own_process):
        from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

        from creatorbot.bot import logs, telemetry
        from creatorbot.bot.app import SchemaOutOfDate, build
        from creatorbot.bot.config_error import ConfigError
        from creatorbot.bot.settings import DEPRECATED, Settings
        from creatorbot.storage import segments
        from creatorbot.storage.db import make_engine, upgrade
        from creatorbot.storage.failures import database_unreachable, disk_full, first_line

    try:
        settings = Settings()
    except ConfigError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        print("creatorbot: the config file has problems; nothing was started", file=sys.stderr)
        return 2
    if args.command in LONG_JOBS:
        settings = settings.model_copy(update={"statement_timeout_seconds": 0})
    # At the console, answers are the output: only warnings and errors are logged there.
    quiet = args.command in ("shell", "ask", "demo", "demo-data", "import", "inbox", "sync", "jobs")
    # inbox and sync print each file's or source's outcome themselves: their warnings would
    # say it twice.
    reported = args.command in ("inbox", "sync")
    logs.configure(
        args.log_level or ("ERROR" if reported else "WARNING" if quiet else settings.log_level),
        settings.log_format,
    )
    telemetry.start(settings)  # Sentry and traces, when configured
    for name in settings.deprecated:
        logger.warning(
            "%s is deprecated: move it to the config file's `%s:` "
            "(CREATORBOT_CONFIG, see creatorbot.example.yaml)",
            name,
            DEPRECATED[name],
        )
    if args.command == "run" and not args.console:
        refused = start_problems(settings, terminal=sys.stdin.isatty())
        for problem in refused:
            print(f"creatorbot: {problem}", file=sys.stderr)
        if refused:
            return 2
        workers = supervised(settings, getattr(args, "argv", ["run"]))
        if workers is not None:
            return workers
    try:
        if args.command == "db":
            segments.configure(settings.segment_rules)
            upgrade(make_engine(settings.resolved_database_url))
            print("The database is up to date.")
            return 0
        app = build(settings)  # with the collector on: a first start may migrate and refresh
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
    from creatorbot.bot.config_file import problems_of
    from creatorbot.storage.sync import SourcesError, load_sources

    problems = settings.platform_problems()
    if settings.config:  # read once more, now with the sources' ${NAME}s looked up
        problems += problems_of(settings.config, type(settings).model_fields, os.environ)
    try:
        if settings.sources:
            load_sources(settings.sources, os.environ)
    except SourcesError as exc:
        problems.append(f"CREATORBOT_SOURCES: {exc}")
    if not problems and not settings.has_platform and not terminal:
        problems.append(NO_TERMINAL)
    return problems


def supervised(settings: Settings, argv: list[str]) -> int | None:
    """With several worker processes to run (creatorbot/bot/processes.py), supervise them
    until they stop, and their exit code; None when this process is to serve alone (one
    process, or one of the workers)."""
    from creatorbot.bot.processes import Role, process_count

    if not settings.has_platform or Role.from_env(os.environ).supervisor is not None:
        return None
    count = process_count(settings)
    if count == 1:
        return None
    from creatorbot.bot.supervise import supervise

    return supervise(argv, count, settings.port)


def console_locale(requested: str | None, settings: Settings) -> str:
    """--locale, else CREATORBOT_LOCALE, else the terminal's LANG, else English."""
    from creatorbot.commands.i18n import language_of

    return language_of(
        requested or settings.locale or os.environ.get("LC_ALL") or os.environ.get("LANG")
    )


def cmd_run(app: App, args: argparse.Namespace) -> int:
    from creatorbot.bot.serve import serve

    if args.console:
        return cmd_shell(app, args)
    if app.settings.has_platform:
        from creatorbot.bot.processes import Role

        return serve(app, role=Role.from_env(os.environ))
    print("No Slack or Lark credentials are configured: running on the console.")
    return cmd_shell(app, args)


def cmd_shell(app: App, args: argparse.Namespace) -> int:
    from creatorbot.bot.console import shell
    from creatorbot.bot.on_demand import post_on_demand

    post_on_demand(app, {})
    locale = console_locale(getattr(args, "locale", None), app.settings)
    shell(app.router, app.settings.data_dir / ".shell_history", locale)
    return 0


def cmd_ask(app: App, args: argparse.Namespace) -> int:
    from creatorbot.bot.console import ask, show
    from creatorbot.bot.on_demand import platform_posters, post_on_demand
    from creatorbot.commands.i18n import Lang

    post_on_demand(app, platform_posters(app))
    locale = console_locale(args.locale, app.settings)
    text = " ".join(args.text)
    if args.file is not None:
        from creatorbot.bot.cli_enrol import ask_with_file

        return ask_with_file(app, text, args.file, locale)
    reply = ask(app.router, text, locale)
    print(show(reply, app.settings.data_dir / "exports", Lang(locale)))
    return 0 if reply.ok else 1


def cmd_import(app: App, args: argparse.Namespace) -> int:
    from dataclasses import replace

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
