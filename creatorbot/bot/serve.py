"""`creatorbot run` with a platform configured: the web front, the platforms, the worker pool."""

from __future__ import annotations

import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from creatorbot.bot.app import App
from creatorbot.bot.http import Handler, WebApp, make_server, run_until_closed
from creatorbot.bot.metrics import Metrics
from creatorbot.bot.scheduling import start_scheduler
from creatorbot.jobs.posting import Poster
from creatorbot.jobs.scheduler import SchedulerRefused
from creatorbot.storage.db import database_ok

logger = logging.getLogger(__name__)


@dataclass
class Running:
    """The wired web front and what it drives; `close()` stops it all."""

    web: WebApp
    pool: ThreadPoolExecutor
    metrics: Metrics
    platforms: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        """Let work in flight finish, then stop."""
        self.pool.shutdown(wait=True)

    def posters(self) -> dict[str, Poster]:
        """How scheduled jobs post on each platform that runs."""
        return {name: platform.poster() for name, platform in self.platforms.items()}


def has_platform(app: App) -> bool:
    """Whether Slack (or Lark) credentials are configured."""
    return bool(app.settings.slack_bot_token and app.settings.slack_signing_secret)


def wire(app: App) -> Running:
    """Build the platforms the settings configure and the routes they answer."""
    settings = app.settings
    metrics = Metrics()
    pool = ThreadPoolExecutor(settings.workers, thread_name_prefix="work")
    routes: dict[str, Handler] = {}
    platforms: dict[str, Any] = {}
    if settings.slack_bot_token and settings.slack_signing_secret:
        from creatorbot.bot.slack.adapter import PATH, SlackPlatform

        slack = SlackPlatform(
            token=settings.slack_bot_token.get_secret_value(),
            signing_secret=settings.slack_signing_secret.get_secret_value(),
            api_url=settings.slack_api_url,
            router=app.router,
            pool=pool,
            metrics=metrics,
            sessions=app.sessions,
            clock=app.services.clock,
        )
        platforms["slack"] = slack
        if not settings.slack_app_token:
            routes[PATH] = slack.handle_http
    web = WebApp(routes, metrics, health=lambda: database_ok(app.engine))
    return Running(web, pool, metrics, platforms)


def serve(app: App, host: str = "0.0.0.0") -> int:
    """Run until SIGTERM/SIGINT: Socket Mode in the background when configured, and the web
    front (platform callbacks, /healthz, /metrics) in the foreground."""
    running = wire(app)
    settings = app.settings
    try:
        scheduler = start_scheduler(app, running.posters())
    except SchedulerRefused as exc:
        logger.error("not starting", extra={"reason": str(exc)})
        running.close()
        return 2
    slack = running.platforms.get("slack")
    if slack is not None and settings.slack_app_token:
        socket = slack.socket_mode(settings.slack_app_token.get_secret_value())
        threading.Thread(target=socket.connect, name="slack-socket", daemon=True).start()
        logger.info("Slack connected in Socket Mode")
    server = make_server(running.web, host, settings.port, threads=settings.http_threads)

    def stop(signum: int, _frame: object) -> None:
        logger.info("stopping", extra={"signal": signum})
        server.close()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info(
        "listening", extra={"port": settings.port, "platforms": ",".join(running.platforms)}
    )
    try:
        run_until_closed(server)
    finally:
        scheduler.shutdown()
        running.close()
    return 0
