"""`creatorbot run` with a platform configured: the web front, the platforms, the worker pool."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import SecretStr

from creatorbot.bot.app import App
from creatorbot.bot.health import readiness
from creatorbot.bot.http import Handler, WebApp, make_server, run_until_closed
from creatorbot.bot.inbox import start_inbox
from creatorbot.bot.metrics import Metrics
from creatorbot.bot.pool import WorkPool
from creatorbot.bot.scheduling import start_scheduler
from creatorbot.bot.signals import DatabaseSignals
from creatorbot.bot.web.pages import PREFIX, FormPages
from creatorbot.commands.shared_limits import SharedLimiter
from creatorbot.extras import need
from creatorbot.jobs.posting import Poster
from creatorbot.jobs.scheduler import SchedulerRefused
from creatorbot.storage.db import database_ok
from creatorbot.storage.ranking.warm import start_warming

logger = logging.getLogger(__name__)


@dataclass
class Running:
    """The wired web front and what it drives; `close()` stops it all."""

    web: WebApp
    pool: WorkPool
    metrics: Metrics
    platforms: dict[str, Any] = field(default_factory=dict)

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
    # Chat users' limit counted in the database: every worker process and replica shares it.
    app.router.limiter = SharedLimiter(
        app.sessions,
        "commands",
        settings.rate_limit_per_minute,
        exempt=settings.rate_limit_exempt_ids,
    )
    metrics.pool_tasks.labels(state="running").set_function(pool.running)
    metrics.pool_tasks.labels(state="queued").set_function(pool.queued)
    metrics.registry.register(DatabaseSignals(app.sessions, app.services.clock))
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
    web = WebApp(
        routes,
        metrics,
        health=lambda: database_ok(app.engine),
        pages={PREFIX: pages} if pages else None,
        too_large=pages.too_large if pages else None,
        readiness=lambda: readiness(app.engine, platforms),
    )
    running = Running(web, pool, metrics, platforms)
    app.people.posters.update(running.posters())  # owners looked up through the same clients
    return running


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
    return FormPages(
        replace(app.services, links=keys),
        keys,
        per_address=settings.web_rate_per_minute,
        per_link=settings.link_rate_per_minute,
        trust_proxy=settings.web_trust_proxy,
    )


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


def serve(app: App, host: str = "0.0.0.0") -> int:
    """Run until SIGTERM/SIGINT: Slack's Socket Mode and Lark's long connection in the
    background when configured, and the web front (platform callbacks, /healthz, /metrics, and
    with links set up the creators' form pages under /f/) in the foreground. Settings that
    cannot work stop it before it listens (exit code 2)."""
    try:
        running = wire(app)
    except ValueError as exc:
        logger.error("not starting", extra={"reason": str(exc)})
        return 2
    settings = app.settings
    try:
        scheduler = start_scheduler(app, running.posters())
    except SchedulerRefused as exc:
        logger.error("not starting", extra={"reason": str(exc)})
        running.close()
        return 2
    try:
        start_inbox(app, scheduler)
    except OSError as exc:
        logger.error("not starting", extra={"reason": f"CREATORBOT_INBOX: {exc}"})
        scheduler.shutdown()
        running.close()
        return 2
    slack = running.platforms.get("slack")
    if slack is not None and settings.slack_app_token:
        socket = slack.socket_mode(settings.slack_app_token.get_secret_value())
        threading.Thread(target=socket.connect, name="slack-socket", daemon=True).start()
        logger.info("Slack connected in Socket Mode")
    lark = running.platforms.get("lark")
    if lark is not None and lark.long_connection:
        lark.connect()
        logger.info("Lark long connection started")
    server = make_server(running.web, host, settings.port, threads=settings.http_threads)

    def stop(signum: int, _frame: object) -> None:
        logger.info("stopping", extra={"signal": signum})
        server.close()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info(
        "listening", extra={"port": settings.port, "platforms": ",".join(running.platforms)}
    )
    if settings.ranking_warm:  # after the server listens: ready does not wait for it
        start_warming(app.sessions)
    try:
        run_until_closed(server)
    finally:
        scheduler.shutdown()
        running.close()
    return 0
