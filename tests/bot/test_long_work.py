"""Imports and syncs of the running bot may rightly take minutes: the statement timeout that
bounds chat answers must not cut them off."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from creatorbot.bot.app import build
from creatorbot.bot.inbox import start_inbox
from creatorbot.bot.scheduling import sync_schedule
from creatorbot.bot.settings import Settings
from tests.jobs.inbox_world import database_url

SOURCES = """
sources:
  dwh:
    url: sqlite:///{path}
    markets: [MY]
    kinds:
      creators: SELECT * FROM creators
"""


def timeout_of(sessions: object) -> str:
    with sessions() as session:  # type: ignore[operator]
        return str(session.execute(text("SHOW statement_timeout")).scalar_one())


def test_the_inbox_and_the_warehouse_sync_run_without_the_answers_statement_timeout(
    pg_engine: Engine, tmp_path: Path
) -> None:
    sources = tmp_path / "sources.yml"
    sources.write_text(SOURCES.format(path=tmp_path / "dwh.sqlite3"), encoding="utf-8")
    app = build(
        Settings(
            DATABASE_URL=database_url(pg_engine),
            CREATORBOT_STATEMENT_TIMEOUT_SECONDS=2,
            CREATORBOT_INBOX=tmp_path / "inbox",
            CREATORBOT_SOURCES=sources,
        )
    )
    (tmp_path / "inbox").mkdir()
    try:
        assert timeout_of(app.sessions) == "2s"  # chat answers stay bounded
        schedule = sync_schedule(app)
        assert schedule is not None
        assert timeout_of(schedule.sessions) == "0"
        jobs = Jobs()
        start_inbox(app, jobs)  # type: ignore[arg-type]
        (poll,) = jobs.added
        assert timeout_of(poll.__self__.sessions) == "0"
    finally:
        app.close()


class Jobs:
    """Stands in for the scheduler: keeps the jobs it is given."""

    def __init__(self) -> None:
        self.added: list = []

    def every(self, seconds: float, name: str, job: object) -> None:
        self.added.append(job)
