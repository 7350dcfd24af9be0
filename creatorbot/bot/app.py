"""Builds everything once from the settings: engine, sessions, services and the router."""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot import telemetry
from creatorbot.bot.settings import Settings
from creatorbot.commands.core import Services, utc_now
from creatorbot.commands.link_tokens import LinkKeys
from creatorbot.commands.policy import Principal
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.router import Router
from creatorbot.jobs.posting import Poster
from creatorbot.storage import ranking, segments
from creatorbot.storage.db import (
    current_revision,
    head_revision,
    make_engine,
    make_sessionmaker,
    upgrade,
)
from creatorbot.storage.models import Role

logger = logging.getLogger(__name__)
_ALIASES = "creatorbot.storage.importers.native.aliases"


class Wakeup:
    """What `digest run` calls once its queued post is committed: the scheduler's `wake`, or at
    the console a run on the spot; nothing until the top floor attaches one."""

    def __init__(self) -> None:
        self.target: Callable[[], None] | None = None

    def __call__(self) -> None:
        if self.target is not None:
            self.target()


class FailureCount:
    """What a failed part of an answer or post calls: the errors metric once the web front is
    wired (`serve.wire`), nothing before."""

    def __init__(self) -> None:
        self.target: Callable[[str, str], None] | None = None

    def __call__(self, platform: str, stage: str) -> None:
        if self.target is not None:
            self.target(platform, stage)


class People:
    """What an owner lookup calls (`Services.lookup_user`): the poster of each platform this
    process runs, once wired; a platform not wired is one that cannot be asked."""

    def __init__(self) -> None:
        self.posters: dict[str, Poster] = {}

    def __call__(self, platform: str, workspace: str, email: str) -> str | None:
        poster = self.posters.get(platform)
        if poster is None:
            raise LookupError(f"no {platform} connection in this process")
        return poster.user_by_email(workspace, email)


class SchemaOutOfDate(RuntimeError):
    """The database needs `creatorbot db upgrade` before the bot can use it."""


@dataclass
class App:
    """The wired bot: what every platform and job is given."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    services: Services
    router: Router
    wake_jobs: Wakeup
    failures: FailureCount
    people: People = field(default_factory=People)
    _long: tuple[Engine, sessionmaker[Session]] | None = field(default=None, repr=False)

    @property
    def long_sessions(self) -> sessionmaker[Session]:
        """Sessions for work that may rightly take minutes (the inbox's imports, the warehouse
        sync): on connections of their own, without the statement timeout of chat answers."""
        if self.engine.dialect.name == "sqlite" or not self.settings.statement_timeout_seconds:
            return self.sessions
        if self._long is None:
            engine = make_engine(self.settings.resolved_database_url)
            self._long = (engine, make_sessionmaker(engine))
        return self._long[1]

    def close(self) -> None:
        """Release database connections."""
        if self._long is not None:
            self._long[0].dispose()
        self.engine.dispose()


def build(settings: Settings, clock: Callable[[], dt.datetime] = utc_now) -> App:
    """Wire the bot. A SQLite database is created and migrated on first use; PostgreSQL must
    be migrated explicitly (`creatorbot db upgrade`), so replicas never race on a migration."""
    segments.configure(settings.segment_rules)  # before an upgrade may compute them
    engine = make_engine(
        settings.resolved_database_url,
        statement_timeout=settings.statement_timeout_seconds or None,
    )
    if engine.dialect.name == "sqlite":
        with one_at_a_time(engine):
            upgrade(engine)
    else:
        check_schema(engine)
    sessions = make_sessionmaker(engine)
    ranking.configure(settings.ranking_cache_mb)
    if settings.header_aliases or _ALIASES in sys.modules:  # the importers load pandas: only
        from creatorbot.storage.importers.native import aliases as native_aliases  # if needed

        native_aliases.configure(settings.header_aliases)
    wake_jobs = Wakeup()
    failures = FailureCount()
    people = People()
    services = Services(
        sessions=sessions,
        clock=clock,
        default_market=settings.default_market,
        staff=settings.staff,
        lookup_user=people,
        wake_jobs=wake_jobs,
        admins=settings.admin_ids,
        roles=file_roles(settings),
        rate_limit_per_minute=settings.rate_limit_per_minute,
        rate_limit_exempt=settings.rate_limit_exempt_ids,
        failed=failures,
        links=_link_keys(settings),
        traced=telemetry.traced,
    )
    router = Router(commands(), services, forms())
    return App(settings, engine, sessions, services, router, wake_jobs, failures, people)


def file_roles(settings: Settings) -> dict[str, Principal]:
    """The roles the config file's `staff:` gives, by chat user id."""
    return {
        user: Principal(user, Role(given.role), frozenset(given.markets) or None)
        for user, given in settings.staff_roles.items()
    }


@contextmanager
def one_at_a_time(engine: Engine) -> Iterator[None]:
    """Hold a lock beside the SQLite file (an `flock`, freed when its holder dies): the worker
    processes of one `creatorbot run` starting together migrate it one after another."""
    path = engine.url.database
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.migrate.lock", "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _link_keys(settings: Settings) -> LinkKeys | None:
    """The form links' keys; none (links off) when the secret is unusable: `creatorbot run`
    refuses to start over it (serve.wire), the console only goes without links."""
    try:
        return settings.link_keys
    except ValueError as exc:
        logger.warning("creators' form links are off", extra={"reason": str(exc)})
        return None


def check_schema(engine: Engine) -> None:
    """Raise `SchemaOutOfDate` unless the database is at the latest migration."""
    head = head_revision()
    current = current_revision(engine)
    if current != head:
        raise SchemaOutOfDate(
            f"the database is at migration {current or 'none'}, the bot needs {head}: "
            "run `creatorbot db upgrade`"
        )
