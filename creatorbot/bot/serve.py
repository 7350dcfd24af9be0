"""`creatorbot run` with a platform configured: the web front, the platforms, the worker pool."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from creatorbot.bot.app import App
from creatorbot.bot.connections import Relayed, publish
from creatorbot.bot.health import Connected, readiness
from creatorbot.bot.http import Handler, WebApp, make_server, run_until_closed
from creatorbot.bot.inbox import check_inbox, start_inbox
from creatorbot.bot.metrics import Metrics
from creatorbot.bot.pool import WorkPool
from creatorbot.bot.processes import Role
from creatorbot.bot.signals import DatabaseSignals
from creatorbot.commands.chartmemo import share_in
from creatorbot.commands.shared_limits import SharedLimiter
from creatorbot.extras import need
from creatorbot.jobs.posting import Poster
from creatorbot.storage.db import database_ok
from creatorbot.storage.leader import LEADING_ELSEWHERE, LeaderLock

if TYPE_CHECKING:
    from creatorbot.bot.web.pages import FormPages
    from creatorbot.jobs.scheduler import Scheduler

logger = logging.getLogger(__name__)


@dataclass
class Running:
    """The wired web front and what it drives; `close()` stops it all."""

    web: WebApp
    pool: WorkPool
    metrics: Metrics
    platforms: dict[str, Any] = field(default_factory=dict)
    # What /readyz asks of each platform: the platform itself, or in a worker that does not
    # hold a long connection, the primary's word about it (serve()).
    checks: dict[str, Connected] = field(default_factory=dict)

    def close(self) -> None:
        """Close the platforms' connections, let work in flight finish, then stop."""
        for platform in self.platforms.values():
            close = getattr(platform, "close", None)
            if close is not None:
                close()
        self.pool.shutdown(wait=True)

    def posters(self) -> dict[str, Poster]:
        """How scheduled jobs post on each platform that runs."""
        return {name: platform.poster() for name, platform in self.platforms.items()}


def wire(app: App) -> Running:
    """Build the platforms the settings configure and the routes they answer."""
    settings = app.settings
    metrics = Metrics()
    app.failures.target = lambda platform, stage: metrics.errors.labels(
        platform=platform, stage=stage
    ).inc()
    pool = WorkPool(settings.workers, settings.backlog)
    app.router.gate = threading.BoundedSemaphore(settings.answering)
    # Chat users' limit counted in the database: every worker process and replica shares it.
    app.router.limiter = SharedLimiter(
        app.sessions,
        "commands",
        settings.rate_limit_per_minute,
        exempt=settings.rate_limit_exempt_ids,
    )
    if metrics.shared is None:
        metrics.pool_tasks.labels(state="running").set_function(pool.running)
        metrics.pool_tasks.labels(state="queued").set_function(pool.queued)
    else:  # written to the shared files as it changes: each scrape adds up every worker's
        pool.on_change = partial(_count_tasks, metrics, pool)
    metrics.add(DatabaseSignals(app.sessions, app.services.clock))
    routes: dict[str, Handler] = {}
    platforms: dict[str, Any] = {}
    if settings.has_slack:
        need("slack", "slack_bolt")
        from creatorbot.bot.slack.adapter import PATH, SlackPlatform

        slack = SlackPlatform(
            token=_secret(settings.slack_bot_token),
            signing_secret=_secret(settings.slack_signing_secret),
            previous_signing_secret=_secret(settings.slack_previous_signing_secret) or None,
            api_url=settings.slack_api_url,
            router=app.router,
            pool=pool,
            metrics=metrics,
            sessions=app.sessions,
            clock=app.services.clock,
            table_blocks=settings.slack_table_blocks,
        )
        platforms["slack"] = slack
        if not settings.slack_app_token:
            routes[PATH] = slack.handle_http
    if settings.has_lark:
        need("lark", "lark_oapi")
        from creatorbot.bot.lark import adapter as lark

        platform = lark.LarkPlatform(
            app_id=settings.lark_app_id or "",
            app_secret=_secret(settings.lark_app_secret),
            domain=settings.lark_domain,
            verification_token=_secret(settings.lark_verification_token),
            encrypt_key=_secret(settings.lark_encrypt_key),
            long_connection=settings.lark_mode == "websocket",
            router=app.router,
            pool=pool,
            metrics=metrics,
            sessions=app.sessions,
            clock=app.services.clock,
            locale=settings.locale or "en",
        )
        platforms["lark"] = platform
        if not platform.long_connection:
            routes[lark.PATH] = platform.handle_http
    pages = form_pages(app)
    checks: dict[str, Connected] = dict(platforms)
    web = WebApp(
        routes,
        metrics,
        health=lambda: database_ok(app.engine),
        pages={pages.PREFIX: pages} if pages else None,
        too_large=pages.too_large if pages else None,
        readiness=lambda: readiness(app.engine, checks),
    )
    running = Running(web, pool, metrics, platforms, checks)
    app.people.posters.update(running.posters())  # owners looked up through the same clients
    return running


def _count_tasks(metrics: Metrics, pool: WorkPool) -> None:
    metrics.pool_tasks.labels(state="running").set(pool.running())
    metrics.pool_tasks.labels(state="queued").set(pool.queued())


def form_pages(app: App) -> FormPages | None:
    """The creators' form pages, when links are set up (a secret and a public URL); a
    ValueError when they are set up in part or with a secret too short."""
    settings = app.settings
    keys = settings.link_keys
    if keys is None and not settings.public_url:
        return None
    if keys is None or not settings.public_url:
        missing = "CREATORBOT_PUBLIC_URL" if keys is not None else "CREATORBOT_LINK_SECRET"
        raise ValueError(f"{missing} is not set: creators' form links need both it and the other")
    from creatorbot.bot.web.pages import FormPages

    return FormPages(
        replace(app.services, links=keys),
        keys,
        per_address=settings.web_rate_per_minute,
        per_link=settings.link_rate_per_minute,
        trust_proxy=settings.web_trust_proxy,
    )


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


def long_connections(app: App) -> list[str]:
    """The platforms configured to reach the bot over a connection it opens (Slack's Socket
    Mode, Lark's long connection): one process of a bot holds each."""
    settings = app.settings
    held = ["slack"] if settings.has_slack and settings.slack_app_token else []
    return held + (["lark"] if settings.has_lark and settings.lark_mode == "websocket" else [])


def serve(app: App, host: str = "0.0.0.0", role: Role | None = None) -> int:
    """Run until SIGTERM/SIGINT: Slack's Socket Mode and Lark's long connection in the
    background when configured, and the web front (platform callbacks, /livez, /readyz,
    /metrics, and with links set up the creators' form pages under /f/) in the foreground.
    Settings that cannot work stop it before it listens (exit code 2). As one of several
    worker processes (`role`), it serves the socket they share; only the primary worker runs
    the scheduler, the inbox and the long connections.

    Ready comes first: the scheduler, the inbox, the ranking cache's warm-up and the commands'
    modules start in a thread once the server listens (`AfterReady`). What would refuse them
    is checked before: the scheduler's lock on SQLite is taken, the inbox's folders made."""
    role = role or Role()
    try:
        running = wire(app)
    except ValueError as exc:
        logger.error("not starting", extra={"reason": str(exc)})
        return 2
    settings = app.settings
    lock: LeaderLock | None = None
    stopped = threading.Event()
    if role.primary:
        lock = LeaderLock(app.engine)
        if app.engine.dialect.name != "postgresql" and not lock.acquire():
            logger.error("not starting", extra={"reason": LEADING_ELSEWHERE})
            running.close()
            return 2
        try:
            check_inbox(app)
        except OSError as exc:
            logger.error("not starting", extra={"reason": f"CREATORBOT_INBOX: {exc}"})
            lock.release()
            running.close()
            return 2
    else:
        app.wake_jobs.target = role.wake_primary
        if role.run_dir is not None:
            for name in long_connections(app):
                running.checks[name] = Relayed(role.run_dir, name)
    if role.run_dir is not None:  # one of several worker processes: a chart is drawn once
        share_in(role.run_dir / "charts")
    role.watch_supervisor()
    listener = role.listener()
    server = make_server(
        running.web,
        host,
        settings.port,
        threads=settings.http_threads,
        sockets=[listener] if listener is not None else None,
    )

    def stop(signum: int, _frame: object) -> None:
        logger.info("stopping", extra={"signal": signum, "worker": role.index})
        server.close()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = AfterReady(app, running, role, lock, stopped, server.close)
    if role.primary:
        started.connect()
    logger.info(
        "listening",
        extra={
            "port": settings.port,
            "platforms": ",".join(running.platforms),
            "worker": role.index,
        },
    )
    starting = threading.Thread(target=started.run, name="after-ready", daemon=True)
    starting.start()
    try:
        run_until_closed(server)
    finally:
        stopped.set()
        starting.join(timeout=AFTER_READY_JOIN)
        if started.scheduler is not None:
            started.scheduler.shutdown()
        running.close()
    return started.exit_code


AFTER_READY_JOIN = 60.0  # seconds a stop waits for the start of the scheduler to finish


@dataclass
class AfterReady:
    """What starts once the bot listens: on the primary worker, the scheduler (with the lock
    taken before) and the inbox; on every worker, the ranking cache's warm-up and every
    command's module (so no first question waits for it). A failure stops the bot (`stop`)
    with exit code 2."""

    app: App
    running: Running
    role: Role
    lock: LeaderLock | None
    stopped: threading.Event
    stop: Callable[[], None]
    scheduler: Scheduler | None = None
    exit_code: int = 0

    def connect(self) -> None:
        """The primary's long connections (Slack's Socket Mode, Lark's long connection), their
        state shared with the other workers, and the wake-ups those pass on."""
        settings, running, role = self.app.settings, self.running, self.role
        slack = running.platforms.get("slack")
        if slack is not None and settings.slack_app_token:
            socket = slack.socket_mode(settings.slack_app_token.get_secret_value())
            threading.Thread(target=socket.connect, name="slack-socket", daemon=True).start()
            logger.info("Slack connected in Socket Mode")
        lark = running.platforms.get("lark")
        if lark is not None and lark.long_connection:
            lark.connect()
            logger.info("Lark long connection started")
        if role.supervisor is not None:
            # Another worker answered `digest run`: the supervisor passes its SIGUSR1 on here.
            signal.signal(signal.SIGUSR1, lambda _s, _f: self._wake())
        if role.run_dir is not None:
            held: Mapping[str, Connected] = {
                name: running.platforms[name] for name in long_connections(self.app)
            }
            if held:
                publish(role.run_dir, held, self.stopped)

    def _wake(self) -> None:
        scheduler = self.scheduler  # None until it starts: its first tick posts what is due
        if scheduler is not None:
            threading.Thread(target=scheduler.wake, daemon=True).start()

    def run(self) -> None:
        # Imported here, after ready: the jobs floor imports every job's command (pandas).
        from creatorbot.bot.scheduling import start_scheduler
        from creatorbot.commands.registry import load_all
        from creatorbot.jobs.scheduler import SchedulerRefused
        from creatorbot.storage.ranking.warm import start_warming

        if self.lock is not None:
            try:
                self.scheduler = start_scheduler(self.app, self.running.posters(), self.lock)
                start_inbox(self.app, self.scheduler)
            except (SchedulerRefused, OSError) as exc:
                logger.error("stopping", extra={"reason": str(exc)})
                self.exit_code = 2
                self.stop()
                return
            except Exception:
                logger.exception("stopping: the scheduler could not start")
                self.exit_code = 2
                self.stop()
                return
        if self.app.settings.ranking_warm:
            start_warming(self.app.sessions)
        load_all()
