"""Fuzz bad rows: files of hostile but well-formed rows (targets of 0 and of the largest amount,
windows of centuries, backwards or at the calendar's ends, the largest metrics, creators with
nothing at all) imported as `creatorbot import` would, then every command asked over what was
accepted; and random small worlds with such rows, where every scheduled post is built for
every market. Nothing raises, nothing is logged as a failure, every answer renders."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import select

from creatorbot.bot.app import App
from creatorbot.commands.core import Call, CommandRequest
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Reply
from creatorbot.jobs.catalog import jobs
from creatorbot.jobs.feedback import CAMPAIGN_KEY, REMINDER_KEY
from creatorbot.jobs.periods import Period
from creatorbot.jobs.registry import JobRun
from creatorbot.storage.demo import DemoSpec
from creatorbot.storage.importers import ImportFailed, import_file
from creatorbot.storage.importers.kinds import BY_NAME, Type
from creatorbot.storage.models import Campaign, FeedbackForm, SubscriptionKind
from creatorbot.storage.queries.metrics import RANKABLE
from creatorbot.storage.subscriptions import subscribe
from tests.commands.hostile import (
    CAMPAIGN_HEADER,
    CREATORS_HEADER,
    END,
    METRICS_HEADER,
    NOW,
    csv_text,
    demo_app,
)
from tests.fuzz.support import check_renders, errors_logged, fuzz, has_text

MARKETS = ("MY", "IT")
KINDS = ("mega_sale", "ip_event", "competition", "incentive")
LOCALES = ("en", "it", "ms")
HOSTILE = "hostile"  # every hostile creator's handle starts with it
CATEGORY = "odd"  # and they share a category of their own


def largest(column: str) -> str:
    """The largest value the import accepts in a metric column (two decimals: MY and IT)."""
    field = next(f for f in BY_NAME["daily_metrics"].fields if f.name == column)
    if field.type is Type.MONEY:
        return "9" * 13 + ".99"
    return str(min(10**15 - 1, field.max_value or 10**15))


NEAR = [END, END - dt.timedelta(days=3), END + dt.timedelta(days=5), END - dt.timedelta(days=365)]
EDGES = [dt.date(2000, 1, 1), dt.date(2000, 1, 2), dt.date(2999, 12, 31)]
REFUSED_DAYS = [dt.date(1900, 1, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31)]
# Most windows are accepted (so that every command meets them), the rest refused.
DAYS = st.sampled_from([*NEAR, *NEAR, *EDGES, *REFUSED_DAYS])
LENGTHS = st.sampled_from([1, 2, 7, 30, 366, 1, 7, 30, 366, 367, 1000, 365 * 900, -1, -30])
AMOUNTS = st.sampled_from(["", "0", "0", "0.01", "1", "9" * 13 + ".99", "9" * 14])
COUNTS = st.sampled_from(["", "0", "1", str(2**31 - 1), "", "0", "1", str(2**31)])
TIERS = st.sampled_from(
    ["", "0:0", "0.01:0.01", "1:1;99999:5", "9999999999999.99:9999999999999.99", "1:0;2:0;3:0"]
)


@st.composite
def window(draw: st.DrawFn, running: bool = False) -> tuple[str, str]:
    """starts_on and ends_on: around the data, at the calendar's ends, long, or backwards; or
    (`running`) a window around the latest day of data, as a post meets it."""
    start = draw(st.sampled_from(NEAR[1:]) if running else DAYS)
    days = draw(st.sampled_from([7, 30, 366]) if running else LENGTHS)
    try:
        end = start + dt.timedelta(days=days - 1 if days > 0 else days)
    except OverflowError:
        end = dt.date.max if days > 0 else dt.date.min
    return start.isoformat(), end.isoformat()


@st.composite
def hostile_files(
    draw: st.DrawFn, serial: int, running: bool = False
) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Creators, their daily metrics, campaigns and enrolments, as the import files hold them
    (`running`: campaigns running on the latest day, mostly mega sales and competitions)."""
    market = draw(st.sampled_from(MARKETS))
    handles = [f"{HOSTILE}{serial}-{n}" for n in range(draw(st.integers(1, 3)))]
    followers = st.sampled_from(["0", "1", str(10**15 - 1)])
    creators = [
        [h, h.title(), market, "gold", CATEGORY, draw(followers), "", "", ""] for h in handles
    ]
    metrics = []
    for handle in handles:
        # all zero, all the largest, or a mix: column by column
        values = st.sampled_from(["zero", "largest", "mixed"])
        days = draw(st.integers(0, 35))
        for offset, shape in zip(range(days), itertools.repeat(draw(values)), strict=False):
            row = [(END - dt.timedelta(days=offset)).isoformat(), market, handle]
            for column in METRICS_HEADER[3:]:
                pick = shape if shape != "mixed" else draw(st.sampled_from(["zero", "largest"]))
                row.append("0" if pick == "zero" else largest(column))
            metrics.append(row)
    campaigns = []
    for n in range(draw(st.integers(1, 3))):
        starts, ends = draw(window(running))
        kind = draw(st.sampled_from([*KINDS, "mega_sale", "competition"] if running else KINDS))
        metric = draw(st.sampled_from(["", *RANKABLE]))
        campaigns.append(
            [f"{HOSTILE}-c{serial}-{n}", f"Campaign {serial}.{n}", market, kind, starts, ends]
            + [metric, draw(AMOUNTS), draw(COUNTS), draw(TIERS)]
        )
    enrolled = [
        [campaign[0], handle, END.isoformat()] for campaign in campaigns for handle in handles
    ]
    return {
        "creators": (CREATORS_HEADER, creators),
        "daily_metrics": (METRICS_HEADER, metrics),
        "campaigns": (CAMPAIGN_HEADER, campaigns),
        "enrollments": (["campaign", "handle", "enrolled_on"], enrolled),
    }


def imported(
    app: App, folder: Path, files: dict[str, tuple[list[str], list[list[str]]]]
) -> list[str]:
    """Import the files as `creatorbot import` does: creators, their metrics, then each campaign
    in a file of its own with its enrolments (one refused campaign leaves the others in); the
    kinds applied. A refused file changes nothing and says which row and column, and why."""
    batches = [(kind, files[kind][1]) for kind in ("creators", "daily_metrics")]
    enrolled = files["enrollments"][1]
    for campaign in files["campaigns"][1]:
        batches.append(("campaigns", [campaign]))
        batches.append(("enrollments", [row for row in enrolled if row[0] == campaign[0]]))
    applied = []
    for kind, rows in batches:
        if not rows:
            continue
        path = folder / f"{kind}.csv"
        path.write_text(csv_text(files[kind][0], rows), encoding="utf-8")
        try:
            with app.sessions.begin() as session:
                import_file(kind, path, session=session)
            applied.append(kind)
        except ImportFailed as failed:
            assert failed.errors and all(e.row is not None for e in failed.errors), failed
            event(f"{kind} refused: {failed.errors[0].problem.split(';')[0][:40]}")
    return applied


def answer(app: App, text: str, locale: str) -> Reply:
    """The router's answer to the console's operator; any error logged fails the example."""
    with errors_logged() as errors:
        reply = app.router.handle(CommandRequest(text=text, user="operator", locale=locale))
    assert not errors, f"{text!r} logged: {[r.getMessage() for r in errors]}"
    assert has_text(reply), f"{text!r} got an empty answer"
    check_renders(reply)
    return reply


# --- (a) hostile rows imported, then every command ------------------------------------------


@pytest.fixture(scope="module")
def imports(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[App, Path, itertools.count[int]]]:
    """One demo world the examples import into, one after the other, as a team's would grow."""
    folder = tmp_path_factory.mktemp("hostile-imports")
    app, _world = demo_app(folder / "db.sqlite3", sqlite_template)
    yield app, folder, itertools.count()
    app.close()


@fuzz(20)
@given(data=st.data(), locale=st.sampled_from(LOCALES))
def test_hostile_rows_imported_then_every_command_answers(
    imports: tuple[App, Path, itertools.count[int]], data: st.DataObject, locale: str
) -> None:
    app, folder, serials = imports
    serial = next(serials)
    files = data.draw(hostile_files(serial), label="files")
    applied = imported(app, folder, files)
    event(f"applied: {'+'.join(applied) or 'nothing'}")
    _, creators = files["creators"]
    market = creators[0][2]
    handle = creators[0][0]
    texts = [
        f"snapshot {market}",
        f"alerts {market}",
        f"match {CATEGORY} {market}",
        f"creator {handle} {market}",
        f"leaderboard video_views 30d {market}",
        f"slots {market}",
    ]
    for row in files["campaigns"][1]:
        texts += [f"campaign {row[0]}", f"leaderboard campaign:{row[0]}"]
    for text in texts:
        reply = answer(app, text, locale)
        event(f"{text.split()[0]}: {'answered' if reply.ok else 'refused'}")


# --- (b) random small worlds, every scheduled post ------------------------------------------

WORLDS = st.builds(
    DemoSpec,
    creators=st.integers(20, 30),
    days=st.sampled_from([1, 2, 8, 29, 45]),
    seed=st.integers(0, 10_000),
    end=st.sampled_from([END, END - dt.timedelta(days=1), END - dt.timedelta(days=20)]),
)


def build_posts(app: App, market: str, locale: str) -> None:
    """Build every job's posts for subscriptions of `market`, as the runner would: each job's
    period at NOW and its extra periods (every campaign's end, a reminder of every prompt),
    in one transaction rolled back afterwards. Charts off: those are drawn in the test above."""
    services = replace(app.services, clock=lambda: NOW, charts=False)
    with app.sessions() as session, session.begin():
        for name, spec in sorted(jobs().items()):
            subscription = subscribe(
                platform="slack",
                workspace="T1",
                channel=f"C-{name}",
                kind=spec.kind,
                market=market,
                at_time="09:00",
                locale=locale,
                created_by="U1",
                now=NOW - dt.timedelta(days=60),
                session=session,
            )
            if spec.kind is SubscriptionKind.CAMPAIGN:  # following the market's first campaign
                subscription.campaign_id = session.scalar(
                    select(Campaign.id).where(Campaign.market == market).order_by(Campaign.id)
                )
            session.flush()
            periods = [Period("today", NOW, END + dt.timedelta(days=1), hourly=spec.war_room)]
            if name == "feedback-campaign":
                ids = session.scalars(select(Campaign.id).where(Campaign.market == market))
                periods = [Period(f"{CAMPAIGN_KEY}{i}", NOW, END) for i in ids]
            elif name == "feedback-reminder":
                ids = session.scalars(select(FeedbackForm.id))
                periods = [Period(f"{REMINDER_KEY}{i}", NOW, END) for i in ids]
            request = CommandRequest(
                text=name, platform="slack", channel=f"C-{name}", user="creatorbot", locale=locale
            )
            call = Call(request, session, services, Lang(locale))
            for period in periods:
                with errors_logged() as errors:
                    post = spec.build(JobRun(subscription, period, call))
                assert not errors, f"{name} {market} logged {[r.getMessage() for r in errors]}"
                if post.reply is not None:
                    assert has_text(post.reply)
                    check_renders(post.reply)
                event(f"{name}: {'posted' if post.reply else 'nothing'}")
        session.rollback()


@fuzz(5)
@given(data=st.data(), spec=WORLDS, locale=st.sampled_from(LOCALES))
def test_every_scheduled_post_is_built_for_every_market_of_a_random_world(
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
    spec: DemoSpec,
    locale: str,
) -> None:
    folder = tmp_path_factory.mktemp("hostile-world")
    app, _world = demo_app(folder / "db.sqlite3", sqlite_template, spec)
    try:
        for serial in range(data.draw(st.integers(1, 2), label="hostile files")):
            files = data.draw(hostile_files(serial, running=True), label=f"files {serial}")
            imported(app, folder, files)
        for market in MARKETS:
            build_posts(app, market, locale)
    finally:
        app.close()
