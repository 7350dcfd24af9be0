"""One bad row must not break a whole answer: campaigns with a GMV target of 0, windows of
centuries, creators with extreme numbers — imported as a user would, then asked about."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import update

from creatorbot.bot.app import App
from creatorbot.bot.render_text import render
from creatorbot.commands import campaign
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.reply import Fields, Reply
from creatorbot.storage import writer
from creatorbot.storage.demo import World
from creatorbot.storage.models import Campaign
from tests.commands.hostile import (
    CAMPAIGN_HEADER,
    CREATORS_HEADER,
    END,
    METRICS_HEADER,
    demo_app,
    import_rows,
)

WRONG = "Something went wrong"
SALE_START = dt.date(2026, 11, 10)
SALE_END = dt.date(2026, 11, 30)


@pytest.fixture
def bot(tmp_path: Path, sqlite_template: Path) -> tuple[App, World]:
    app, world = demo_app(tmp_path / "bot.sqlite3", sqlite_template)
    yield app, world
    app.close()


def ask(app: App, text: str, locale: str = "en") -> Reply:
    return app.router.handle(CommandRequest(text=text, user="operator", locale=locale))


def said(app: App, text: str, caplog: pytest.LogCaptureFixture, locale: str = "en") -> str:
    """What the console shows for `text`; nothing may be logged as a failure on the way."""
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        shown = render(ask(app, text, locale))
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, f"{text!r} logged {failures}"
    assert WRONG not in shown, shown
    return shown


def fields(reply: Reply) -> dict[str, str]:
    return {
        label: value
        for block in reply.blocks
        if isinstance(block, Fields)
        for label, value in block.items
    }


def my_handles(world: World, count: int) -> list[str]:
    return sorted(world.creators.loc[world.creators["market"] == "MY", "handle"])[:count]


def enrol(app: App, folder: Path, slug: str, handles: list[str]) -> None:
    rows = [[slug, handle, SALE_START.isoformat()] for handle in handles]
    code, out = import_rows(app, folder, "enrollments", ["campaign", "handle", "enrolled_on"], rows)
    assert code == 0, out


def gmv_of(world: World, handles: list[str], start: dt.date, end: dt.date) -> int:
    """The enrolled creators' GMV inside the window, from the world's own rows."""
    rows = world.daily_metrics
    inside = rows["handle"].isin(handles) & (rows["market"] == "MY")
    days = pd.to_datetime(rows["date"]).dt.date
    return int(rows.loc[inside & (days >= start) & (days <= end), "gmv"].sum())


def ringgit(minor: int) -> str:
    return f"RM{Decimal(minor).scaleb(-2):,.2f}"


def zero_target_sale(app: App, world: World, folder: Path) -> list[str]:
    """A mega sale whose targets are 0: an import refuses that now, but a database written by an
    earlier release may hold one, and every answer must still stand."""
    row = ["zero-sale", "Zero Sale", "MY", "mega_sale", SALE_START.isoformat()]
    row += [SALE_END.isoformat(), "gmv", "", "", ""]
    code, out = import_rows(app, folder, "campaigns", CAMPAIGN_HEADER, [row])
    assert code == 0, out
    with app.sessions.begin() as session:
        session.execute(
            update(Campaign)
            .where(Campaign.slug == "zero-sale")
            .values(gmv_target=0, creator_target=0)
        )
    handles = my_handles(world, 5)
    enrol(app, folder, "zero-sale", handles)
    return handles


def test_a_gmv_target_of_0_is_no_target_and_the_pacing_is_shown_without_a_percentage(
    bot: tuple[App, World], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, world = bot
    handles = zero_target_sale(app, world, tmp_path)
    said(app, "campaign zero-sale", caplog)
    shown = fields(ask(app, "campaign zero-sale"))
    gmv = gmv_of(world, handles, SALE_START, END)
    assert shown["GMV to date"] == ringgit(gmv)
    # 14 of 21 days elapsed: the end total at that pace.
    assert shown["Projected at the end"] == ringgit(gmv * 21 // 14)
    assert "Of target" not in shown and "GMV target" not in shown
    for locale in ("it", "ms"):
        said(app, "campaign zero-sale", caplog, locale)


def test_the_snapshot_shows_a_zero_target_mega_sale_beside_every_other_section(
    bot: tuple[App, World], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, world = bot
    handles = zero_target_sale(app, world, tmp_path)
    shown = said(app, "snapshot MY", caplog)
    assert "GMV leaderboard · MY" in shown
    assert "Biggest climbers" in shown and "Biggest fallers" in shown
    assert "Zero Sale" in shown
    assert ringgit(gmv_of(world, handles, SALE_START, END)) in shown
    assert "Of target" not in shown


def test_a_campaign_of_centuries_is_refused_by_the_import(
    bot: tuple[App, World], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, _world = bot
    rows = [
        ["ok", "Fine", "MY", "mega_sale", "2026-11-01", "2026-11-30", "gmv", "", "", ""],
        ["ages", "Ages", "MY", "mega_sale", "2000-01-01", "2999-12-31", "gmv", "1000", "", ""],
        ["year", "Long", "MY", "incentive", "2026-01-01", "2027-01-05", "gmv", "", "", "5:1"],
        ["first", "First", "MY", "competition", "0001-01-01", "0001-01-03", "gmv", "", "", ""],
        ["old", "Old", "MY", "mega_sale", "1900-01-01", "2026-11-30", "gmv", "", "", ""],
    ]
    code, out = import_rows(app, tmp_path, "campaigns", CAMPAIGN_HEADER, rows)
    assert code == 1
    assert "5 problems, nothing was imported" in out, out
    lasts = (dt.date(2999, 12, 31) - dt.date(2000, 1, 1)).days + 1
    assert f'row 3, column ends_on: "2999-12-31" — the campaign lasts {lasts:,} days' in out, out
    assert 'row 4, column ends_on: "2027-01-05" — the campaign lasts 370 days' in out, out
    for row, column in ((5, "starts_on"), (5, "ends_on"), (6, "starts_on")):
        assert f"row {row}, column {column}:" in out
    assert "between 2000-01-01 and 2999-12-31" in out
    assert "Fine" not in said(app, "campaign list MY", caplog)


def test_a_campaign_of_centuries_stored_before_is_answered_about(
    bot: tuple[App, World], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Stored by an older version, or another path than the import: every command still answers.
    app, world = bot
    handles = my_handles(world, 4)
    ages = {
        "slug": "ages",
        "name": "Ages",
        "market": "MY",
        "kind": "competition",
        "starts_on": dt.date.min,
        "ends_on": dt.date.max,
        "metric": "live_gmv",
        "gmv_target": 0,
        "creator_target": 0,
        "reward_tiers": [],
    }
    long_sale = {**ages, "slug": "long-sale", "name": "Long Sale", "kind": "mega_sale"}
    long_sale |= {"starts_on": dt.date(1900, 1, 1), "ends_on": dt.date(2999, 12, 31)}
    with app.sessions.begin() as session:
        writer.write_campaigns(pd.DataFrame([ages, long_sale]), session=session)
    enrol(app, tmp_path, "ages", handles)
    enrol(app, tmp_path, "long-sale", handles)
    gmv = ringgit(gmv_of(world, handles, dt.date.min, END))
    for slug in ("ages", "long-sale"):
        assert gmv in said(app, f"campaign {slug}", caplog)
        board = said(app, f"leaderboard campaign:{slug}", caplog)
        assert "campaign window" in board
    snapshot = said(app, "snapshot MY", caplog)
    assert "Ages" in snapshot and "Long Sale" in snapshot
    assert "GMV leaderboard · MY" in snapshot


def test_extreme_numbers_a_creator_can_have_are_answered_about(
    bot: tuple[App, World], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, world = bot
    # The largest figures an import accepts (10**10 - 1 followers, minor units, views).
    creators = [
        ["huge", "Huge", "MY", "gold", "beauty", "9" * 10, "", "", "2025-01-01"],
        ["nought", "Nought", "MY", "gold", "beauty", "0", "", "", ""],
    ]
    code, out = import_rows(app, tmp_path, "creators", CREATORS_HEADER, creators)
    assert code == 0, out
    big = "9" * 8 + ".99"
    metrics = []
    for offset in range(35):
        day = (END - dt.timedelta(days=offset)).isoformat()
        metrics.append([day, "MY", "huge", big, *["9" * 9] * 2, big, big, *["9" * 9] * 2])
        metrics[-1] += ["9" * 9, "9" * 10, "9" * 9]
        metrics.append([day, "MY", "nought", *["0"] * 10])
    code, out = import_rows(app, tmp_path, "daily_metrics", METRICS_HEADER, metrics)
    assert code == 0, out
    sale = ["sale", "Sale", "MY", "mega_sale", SALE_START.isoformat(), SALE_END.isoformat()]
    sale += ["gmv", "9" * 13, "1", "1:1;99999:5"]
    code, out = import_rows(app, tmp_path, "campaigns", CAMPAIGN_HEADER, [sale])
    assert code == 0, out
    enrol(app, tmp_path, "sale", ["huge", "nought", *my_handles(world, 2)])
    for text in (
        "campaign sale",
        "leaderboard campaign:sale",
        "leaderboard video_views 30d MY",
        "snapshot MY",
        "match beauty MY",
        "creator huge",
        "creator nought",
        "alerts MY",
        "slots MY",
    ):
        said(app, text, caplog)


def test_a_part_of_a_campaign_that_fails_is_one_line_and_the_rest_is_shown(
    bot: tuple[App, World],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, world = bot
    handles = zero_target_sale(app, world, tmp_path)

    def broken(*_args: object) -> object:
        raise OverflowError("a chart that cannot be drawn")

    monkeypatch.setattr(campaign, "_chart", broken)
    with caplog.at_level(logging.ERROR):
        shown = render(ask(app, "campaign zero-sale", "it"))
    assert "Grafico: non disponibile stavolta" in shown
    sold = [h for h in handles if gmv_of(world, [h], SALE_START, END) > 0]
    assert sold and all(f"@{handle}" in shown for handle in sold)  # the top creators
    assert "Qualcosa è andato storto" not in shown
    [failure] = [r for r in caplog.records if r.getMessage() == "part failed"]
    assert getattr(failure, "part", None) == "chart"
    assert getattr(failure, "command", None) == "campaign zero-sale"
