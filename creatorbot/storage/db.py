"""The engine, the session factory and schema upgrades: made once, passed down."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_MMAP_BYTES = 1 << 30
SQLITE_BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another's write to finish


def make_engine(url: str, *, statement_timeout: float | None = None, **kwargs: Any) -> Engine:
    """Create the engine for `url`; a SQLite file's folder is created on first use. On
    PostgreSQL, `statement_timeout` (seconds; None: none of ours) bounds each statement on the
    server, and the wait for any answer on the client (`links.watch`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername != (postgres := postgres_driver(parsed.drivername)):
        parsed = parsed.set(drivername=postgres)
        url = parsed.render_as_string(hide_password=False)
    if parsed.get_driver_name() != "psycopg":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    # Imported here: psycopg takes half a second to import, which a bot on SQLite skips;
    # without the postgres extra, the hint says how to install it.
    from creatorbot.extras import need

    need("postgres", "psycopg")
    from creatorbot.storage import links, liveness, lone

    engine = create_engine(url, **kwargs)
    links.watch(engine, statement_timeout)
    liveness.watch(engine)  # instead of a ping per checkout: a round trip per command
    lone.watch(engine)
    return engine


def postgres_driver(drivername: str) -> str:
    """The dialect and driver SQLAlchemy should load for a URL's scheme: `postgres://` (as
    Heroku, Render and Fly give it) is `postgresql://`, and PostgreSQL without a driver (which
    SQLAlchemy reads as psycopg2, not installed) or with psycopg2 is psycopg 3, the driver we
    ship. Any other scheme is kept."""
    backend, _, driver = drivername.partition("+")
    if backend not in ("postgres", "postgresql"):
        return drivername
    return "postgresql+" + ("psycopg" if driver in ("", "psycopg2") else driver)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Reads through a memory map skip a copy per page; only pages touched become resident.
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """The one session factory; callers open units of work with `with Session.begin() as s:`."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to `engine` (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (idempotent), then make sure what the write path
    maintains (boards, campaign stats) describes the data, so an upgraded database is fast at
    once. At head already (every start of the bot on SQLite) that check is a few index probes;
    after a migration it also counts the kept days' rows (see `stale_days`)."""
    before = current_revision(engine)
    # At head already (every start on SQLite but the first after a release), Alembic is not
    # even imported: reading its scripts and asking it costs a second of a start under load.
    if revision != "head" or before != head_revision():
        from alembic import command

        command.upgrade(alembic_config(engine), revision)
        from creatorbot.storage.queries.markets import forget_markets

        forget_markets()  # a migration may have added or changed one
    if revision == "head":
        migrated = current_revision(engine) != before
        if not migrated:
            from creatorbot.storage.upkeep import anything_stale

            with make_sessionmaker(engine).begin() as session:
                if not anything_stale(session=session):
                    return  # the usual start: the refreshes below (numpy, pandas) not imported
        from creatorbot.storage import campaign_stats, matchpools, segments
        from creatorbot.storage.boards.hooks import refresh_stale
        from creatorbot.storage.stamps import stamp_unstamped

        with make_sessionmaker(engine).begin() as session:
            refreshed = refresh_stale(session=session, counted=migrated)
            stamp_unstamped(session=session)
        if refreshed:
            logger.info("boards refreshed after upgrade", extra={"markets": ",".join(refreshed)})
        with make_sessionmaker(engine).begin() as session:
            pools = matchpools.refresh_stale(session=session)
        if pools:
            logger.info("match pools refreshed after upgrade", extra={"markets": ",".join(pools)})
        with make_sessionmaker(engine).begin() as session:
            segmented = segments.refresh_stale(session=session)
        if segmented:
            logger.info("segments refreshed after upgrade", extra={"markets": ",".join(segmented)})
        with make_sessionmaker(engine).begin() as session:
            campaigns = campaign_stats.refresh_stale(session=session)
        if campaigns:
            logger.info(
                "campaign stats refreshed after upgrade", extra={"campaigns": len(campaigns)}
            )


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None before the first), as Alembic records it."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return next(iter(found), None)


_VERSION = re.compile(r"^(\d{4})_\w+\.py$")


def head_revision() -> str:
    """The latest migration: each is numbered, its file named after its number (`0021_…`),
    so the head is read from the names without loading Alembic (a test holds it to Alembic's
    own answer)."""
    numbers = (_VERSION.match(path.name) for path in (MIGRATIONS / "versions").iterdir())
    return max(found.group(1) for found in numbers if found)


def database_ok(engine: Engine) -> bool:
    """The health check: can the database answer?"""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        logger.exception("health check: database unavailable")
        return False
