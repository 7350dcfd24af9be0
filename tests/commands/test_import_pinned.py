"""The Import button writes the file as its preview described it: a native export whose market
came from the uploader's one market is not written into another market if their access changed
between the preview and the click."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands import import_actions
from creatorbot.commands.imports import receive, run_import
from creatorbot.commands.router import Router
from creatorbot.storage.grants import grant, revoke
from creatorbot.storage.models import Creator, DailyMetric, Role
from tests.commands.conftest import NOW, creator_row, seed
from tests.commands.test_import_drop import Upload, buttons, clock, request, router

__all__ = ["clock", "router"]  # the fixtures, used by name
EXPORT = b"Date,Creator username,Affiliate GMV\n2026-11-21,alice,10.00\n2026-11-21,carla,20.00\n"


def markets_written(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        query = (
            select(Creator.market)
            .join(DailyMetric, DailyMetric.creator_id == Creator.id)
            .where(DailyMetric.date == dt.date(2026, 11, 21))
        )
        return sorted(set(session.scalars(query)))


def test_a_click_after_the_uploaders_market_changed_writes_nothing(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    # alice and carla in both markets: the export would be read in either
    seed(sessions, [creator_row("alice", "IT"), creator_row("carla")], [])
    upload = Upload(EXPORT, name="performance.csv")
    reply = receive(router, request("lead_my"), upload.dropped)
    assert reply.ok, render(reply)
    assert "Malaysia" in render(reply)
    token = buttons(reply)[import_actions.IMPORT].value
    with sessions.begin() as session:
        revoke("slack", "lead_my", session=session)
        grant("slack", "lead_my", Role.LEAD, ["IT"], by="setup", now=NOW, session=session)
    outcome = run_import(router, request("lead_my"), token, lambda reply: None)
    assert not outcome.reply.ok, render(outcome.reply)
    assert "Malaysia" in render(outcome.reply)
    assert markets_written(sessions) == []
