"""The Enrol button enrols the creators its preview showed, whatever changed since: a creator
who now matches the filter is not added, one who joined an overlapping campaign meanwhile is
named and left out, and the button works for its asker only, for a day."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.reply import Button
from creatorbot.commands.router import Router
from creatorbot.storage import writer
from creatorbot.storage.grants import grant
from creatorbot.storage.models import Role
from tests.commands.conftest import creator_row, metric_row
from tests.commands.test_campaign_setup import (
    LEAD,
    NEW,
    NOW,
    TODAY,
    add_sales,
    audit_lines,
    buttons,
    enrolled,
    say,
    submit,
    world,
)

__all__ = ["world"]  # the fixture, used by name
OTHER = {
    "slug": "my-other",
    "name": "Other",
    "market": "MY",
    "kind": "competition",
    "starts_on": dt.date(2026, 11, 20),
    "ends_on": dt.date(2026, 11, 30),
    "metric": "gmv",
    "gmv_target": None,
    "creator_target": None,
    "reward_tiers": [],
}


def enrol_button(reply_buttons: list[Button]) -> Button:
    (found,) = [b for b in reply_buttons if b.action == "run"]
    return found


def test_the_click_enrols_the_previewed_set_not_the_filter_run_again(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    preview = say(world, "campaign enroll my-sprint category:beauty top 3")
    # beauty by GMV over 30 days: amir (RM300 a day), bella (RM200), chen (RM100)
    shown = render(preview)
    assert "@amir" in shown and "@bella" in shown and "@chen" in shown
    button = enrol_button(buttons(preview))
    # Between the preview and the click: a new beauty creator outsells them all (the filter
    # would now pick zara, amir, bella), and amir joins an overlapping campaign.
    with sessions.begin() as session:
        writer.write_creators(pd.DataFrame([creator_row("zara")]), session=session)
    add_sales(sessions, [metric_row(TODAY - dt.timedelta(days=1), "zara", 900_000)])
    with sessions.begin() as session:
        writer.write_campaigns(pd.DataFrame([OTHER]), session=session)
        joined = [{"campaign": "my-other", "handle": "amir", "enrolled_on": TODAY}]
        writer.write_enrollments(pd.DataFrame(joined), session=session)
    done = say(world, button.value)
    assert done.ok, render(done)
    assert enrolled(sessions, "my-sprint") == ["bella", "chen"]
    text = render(done)
    assert "@amir" in text and "my-other" in text  # named, not silently dropped
    assert "zara" not in text
    assert any("enroll my-sprint: +2" in line for line in audit_lines(sessions))


def test_a_second_click_adds_nothing_more(world: Router, sessions: sessionmaker[Session]) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    button = enrol_button(buttons(say(world, "campaign enroll my-sprint category:beauty top 2")))
    assert say(world, button.value).ok
    with sessions.begin() as session:
        writer.write_creators(pd.DataFrame([creator_row("zara")]), session=session)
    add_sales(sessions, [metric_row(TODAY - dt.timedelta(days=1), "zara", 900_000)])
    again = say(world, button.value)
    assert enrolled(sessions, "my-sprint") == ["amir", "bella"]
    assert "has 2 now" in render(again)


def test_a_large_set_is_pinned_whatever_the_buttons_size(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    many = [creator_row(f"creator.{n:04d}.with.a.long.handle") for n in range(1200)]
    with sessions.begin() as session:
        writer.write_creators(pd.DataFrame(many), session=session)
    day = TODAY - dt.timedelta(days=1)
    add_sales(sessions, [metric_row(day, row["handle"], 100 + n) for n, row in enumerate(many)])
    preview = say(world, "campaign enroll my-sprint category:beauty top 1200")
    button = enrol_button(buttons(preview))
    assert len(button.value) <= 2000  # Slack's limit for a button's value
    done = say(world, button.value)
    assert done.ok, render(done)
    # the 1,200 best sellers of beauty: amir, bella, chen, then the long handles from the
    # best-selling down (the three that sold least are left out)
    expected = sorted(["amir", "bella", "chen"] + [row["handle"] for row in many[3:]])
    assert enrolled(sessions, "my-sprint") == expected


def test_only_the_asker_can_press_it(world: Router, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        grant("slack", "U_LEAD2", Role.LEAD, ["MY"], by="setup", now=NOW, session=session)
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    button = enrol_button(buttons(say(world, "campaign enroll my-sprint @amir", user=LEAD)))
    other = say(world, button.value, user="U_LEAD2")
    assert not other.ok
    assert "Only the person who asked" in render(other)
    assert enrolled(sessions, "my-sprint") == []


def test_the_button_expires_after_a_day(world: Router, sessions: sessionmaker[Session]) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    button = enrol_button(buttons(say(world, "campaign enroll my-sprint @amir")))
    later = Router(
        world.commands,
        Services(sessions=sessions, clock=lambda: NOW + dt.timedelta(hours=25)),
        world.forms,
    )
    late = later.handle(
        CommandRequest(text=button.value, platform="slack", user=LEAD, channel="C1")
    )
    assert not late.ok
    assert "expired" in render(late)
    assert enrolled(sessions, "my-sprint") == []


def test_an_old_button_that_names_a_filter_shows_the_preview_again(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    old = say(world, "campaign enroll my-sprint confirm category:beauty top 2")
    assert enrolled(sessions, "my-sprint") == []
    assert "preview" in render(old)
    assert any(b.action == "run" for b in buttons(old))
