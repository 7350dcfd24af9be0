"""Campaigns set up in chat: the form creates and edits them (each refusal named by its field,
edits only as the campaign's phase allows, every change audited with its value before), a filter
or handles enrol creators after a preview, and a channel follows a campaign."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.forms import FORM_ID, FormLink
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.reply import Button, Buttons, Reply
from creatorbot.commands.router import FORM_ERROR, Router
from creatorbot.storage import writer
from creatorbot.storage.grants import grant
from creatorbot.storage.models import (
    AuditEntry,
    Campaign,
    Creator,
    Enrollment,
    Role,
    Subscription,
    SubscriptionKind,
)
from tests.commands.conftest import creator_row, metric_row, seed

NOW = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)  # 09:30 on 24 Nov in Kuala Lumpur
TODAY = dt.date(2026, 11, 24)
LEAD, VIEWER, CM, LEAD_IT = "U_LEAD", "U_VIEW", "U_CM", "U_LEAD_IT"

NEW = {
    "kind": "incentive",
    "name": "Payday Live Sprint",
    "slug": "",
    "market": "MY",
    "starts_on": "2026-11-24",
    "ends_on": "2026-12-03",
    "metric": "gmv",
    "gmv_target": "25,000.50",
    "creator_target": "3",
    "reward_tiers": "500:50; 2000:150",
    "reward_bands": "",
    "budget_cap": "1000",
    "remind_days": "3",
}


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> Router:
    """Five MY creators (three beauty, two fashion) with a week of sales, one IT creator, and
    a lead, a viewer and a CM of MY and a lead of IT on Slack."""
    people = [
        creator_row("amir"),
        creator_row("bella"),
        creator_row("chen"),
        creator_row("dina", category="fashion"),
        creator_row("eko", category="fashion"),
        creator_row("giulia", market="IT", category="moda", tier="oro"),
    ]
    days = [TODAY - dt.timedelta(days=n) for n in range(1, 8)]
    sales = {"amir": 30_000, "bella": 20_000, "chen": 10_000, "dina": 50_000, "eko": 5_000}
    metrics = [metric_row(day, handle, gmv) for day in days for handle, gmv in sales.items()]
    metrics += [metric_row(day, "giulia", 9_000, market="IT") for day in days]
    seed(sessions, people, metrics)
    with sessions.begin() as session:
        for user, role, market in (
            (LEAD, Role.LEAD, "MY"),
            (VIEWER, Role.VIEWER, "MY"),
            (CM, Role.CM, "MY"),
            (LEAD_IT, Role.LEAD, "IT"),
        ):
            grant("slack", user, role, [market], by="setup", now=NOW, session=session)
    return Router(commands(), Services(sessions=sessions, clock=lambda: NOW), forms())


def say(router: Router, text: str, user: str = LEAD, locale: str = "en") -> Reply:
    return router.handle(
        CommandRequest(text=text, platform="slack", user=user, channel="C1", locale=locale)
    )


def submit(router: Router, form: str, values: dict[str, str], user: str = LEAD, locale: str = "en"):  # type: ignore[no-untyped-def]  # noqa: E501
    return router.submit(
        CommandRequest(text="", platform="slack", user=user, channel="C1", locale=locale),
        form,
        values,
    )


def buttons(reply: Reply) -> list[Button]:
    return [b for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons]


def stored(sessions: sessionmaker[Session], slug: str) -> Campaign | None:
    with sessions() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        if campaign is not None:
            _ = campaign.reward_tiers, campaign.reward_bands
            session.expunge_all()
        return campaign


def add_sales(sessions: sessionmaker[Session], rows: list[dict[str, object]]) -> None:
    with sessions.begin() as session:
        writer.write_daily_metrics(pd.DataFrame(rows), session=session)


def enrolled(sessions: sessionmaker[Session], slug: str) -> list[str]:
    with sessions() as session:
        query = (
            select(Creator.handle)
            .join(Enrollment, Enrollment.creator_id == Creator.id)
            .join(Campaign, Campaign.id == Enrollment.campaign_id)
            .where(Campaign.slug == slug)
            .order_by(Creator.handle)
        )
        return list(session.scalars(query))


def audit_lines(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.command == "campaign").order_by(AuditEntry.id)
        )
        return [f"{e.user_id} {e.arguments}" for e in entries]


# --- new -----------------------------------------------------------------------------------


def test_a_lead_creates_a_program_with_a_suggested_slug(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    invitation = say(world, "campaign new")
    (button,) = buttons(invitation)
    assert button.action == "form" and FormLink.parse(button.value).name == "campaign-new"
    result = submit(world, "campaign-new", NEW)
    assert result.ok, result.errors
    assert "my-payday-live-sprint-2026" in result.message
    campaign = stored(sessions, "my-payday-live-sprint-2026")
    assert campaign is not None
    assert campaign.gmv_target == 2_500_050  # RM25,000.50 in sen
    assert [(t.threshold, t.reward) for t in campaign.reward_tiers] == [
        (50_000, 5_000),
        (200_000, 15_000),
    ]
    assert campaign.budget_cap == 100_000 and campaign.remind_days == 3
    assert campaign.creator_target == 3
    assert any(
        line.startswith(f"{LEAD} new my-payday-live-sprint-2026") for line in audit_lines(sessions)
    )


def test_a_competition_keeps_its_prize_bands(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    values = {
        **NEW,
        "kind": "competition",
        "slug": "my-live-cup",
        "reward_tiers": "",
        "reward_bands": "1:300; 2-3:100",
        "budget_cap": "",
    }
    assert submit(world, "campaign-new", values).ok
    campaign = stored(sessions, "my-live-cup")
    assert campaign is not None
    assert [(b.rank_from, b.rank_to, b.reward) for b in campaign.reward_bands] == [
        (1, 1, 30_000),
        (2, 3, 10_000),
    ]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"starts_on": "2026-11-20"}, "starts_on", "in the past"),
        ({"ends_on": "2026-11-23"}, "ends_on", "before the first day"),
        ({"reward_tiers": "2000:150; 500:50"}, "reward_tiers", "must increase"),
        ({"reward_tiers": "500:150; 2000:50"}, "reward_tiers", "must increase"),
        (
            {"kind": "competition", "reward_tiers": "", "reward_bands": "1-3:100; 3-5:50"},
            "reward_bands",
            "overlap",
        ),
        ({"gmv_target": "lots"}, "gmv_target", "not an amount"),
        ({"slug": "My Slug!"}, "slug", "lower-case"),
        ({"remind_days": "30"}, "remind_days", "than the campaign lasts"),
        ({"market": "IT"}, "market", "IT"),
    ],
)
def test_a_bad_value_is_refused_on_its_field(
    world: Router, sessions: sessionmaker[Session], change: dict[str, str], field: str, words: str
) -> None:
    result = submit(world, "campaign-new", {**NEW, **change})
    assert not result.ok
    assert words in result.errors[field]
    assert stored(sessions, "my-payday-live-sprint-2026") is None


def test_a_taken_slug_is_refused(world: Router) -> None:
    assert submit(world, "campaign-new", NEW).ok
    again = submit(world, "campaign-new", {**NEW, "name": "Payday Live Sprint"})
    assert not again.ok
    assert "taken" in again.errors["slug"]


def test_refusals_are_in_the_users_language(world: Router) -> None:
    values = {**NEW, "kind": "competition", "reward_tiers": "", "reward_bands": "1-3:500"}
    result = submit(world, "campaign-new", {**values, "budget_cap": "1000"}, locale="it")
    assert not result.ok
    assert "1.500,00" in result.errors["budget_cap"]  # three prizes of RM500, written in Italian


def test_amounts_are_read_the_way_the_market_writes_them(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    values = {
        **NEW,
        "market": "IT",
        "slug": "it-natale",
        "gmv_target": "1.234,56",
        "reward_tiers": "1.000:50; 2.500,50:120",
        "budget_cap": "10.000",
    }
    with sessions.begin() as session:
        grant("slack", LEAD, Role.LEAD, ["MY", "IT"], by="setup", now=NOW, session=session)
    result = submit(world, "campaign-new", values)
    assert result.ok, result.errors
    campaign = stored(sessions, "it-natale")
    assert campaign is not None
    assert campaign.gmv_target == 123_456  # €1.234,56 in cents
    assert [(t.threshold, t.reward) for t in campaign.reward_tiers] == [
        (100_000, 5_000),
        (250_050, 12_000),
    ]
    assert campaign.budget_cap == 1_000_000


@pytest.mark.parametrize("user", [VIEWER, CM])
def test_a_viewer_or_a_cm_is_refused(
    world: Router, sessions: sessionmaker[Session], user: str
) -> None:
    assert not say(world, "campaign new", user=user).ok
    result = submit(world, "campaign-new", NEW, user=user)
    assert not result.ok and FORM_ERROR in result.errors
    assert stored(sessions, "my-payday-live-sprint-2026") is None
    assert not say(world, "campaign enroll my-x @amir", user=user).ok


def test_a_lead_of_another_market_is_refused(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    result = submit(world, "campaign-new", NEW, user=LEAD_IT)
    assert not result.ok
    assert "MY" in result.errors["market"]


# --- edit ----------------------------------------------------------------------------------


def upcoming(world: Router) -> str:
    values = {**NEW, "slug": "my-later", "starts_on": "2026-12-01", "ends_on": "2026-12-10"}
    assert submit(world, "campaign-new", values).ok
    return "my-later"


def edit_link(world: Router, slug: str) -> FormLink:
    (button,) = buttons(say(world, f"campaign edit {slug}"))
    return FormLink.parse(button.value)


def test_the_edit_form_opens_filled_and_audits_each_change(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    slug = upcoming(world)
    link = edit_link(world, slug)
    assert link.name == "campaign-edit"
    assert link.prefill["gmv_target"] == "25000.5"
    assert link.prefill["reward_tiers"] == "500:50; 2000:150"
    values = {**link.prefill, "name": "Payday Sprint", "gmv_target": "30000"}
    result = submit(world, "campaign-edit", values)
    assert result.ok, result.errors
    campaign = stored(sessions, slug)
    assert campaign is not None and campaign.name == "Payday Sprint"
    assert campaign.gmv_target == 3_000_000
    lines = audit_lines(sessions)
    assert f"{LEAD} edit {slug}: gmv_target 2500050 → 3000000" in lines
    assert f"{LEAD} edit {slug}: name Payday Live Sprint → Payday Sprint" in lines


def test_a_running_campaign_takes_only_safe_changes(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-now"}).ok  # starts today
    link = edit_link(world, "my-now")
    refused = submit(world, "campaign-edit", {**link.prefill, "reward_tiers": "500:60; 2000:150"})
    assert not refused.ok and "started" in refused.errors["reward_tiers"]
    earlier = submit(world, "campaign-edit", {**link.prefill, "ends_on": "2026-12-01"})
    assert not earlier.ok and "later" in earlier.errors["ends_on"]
    lower = submit(world, "campaign-edit", {**link.prefill, "budget_cap": "900"})
    assert not lower.ok and "go up" in lower.errors["budget_cap"]
    safe = {**link.prefill, "ends_on": "2026-12-05", "budget_cap": "1500", "remind_days": "2"}
    assert submit(world, "campaign-edit", safe).ok
    campaign = stored(sessions, "my-now")
    assert campaign is not None
    assert (campaign.ends_on, campaign.budget_cap, campaign.remind_days) == (
        dt.date(2026, 12, 5),
        150_000,
        2,
    )
    assert f"{LEAD} edit my-now: budget_cap 100000 → 150000" in audit_lines(sessions)


def test_an_ended_campaign_cannot_be_edited(world: Router, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        old = [
            {
                "slug": "my-old",
                "name": "Old",
                "market": "MY",
                "kind": "mega_sale",
                "starts_on": dt.date(2026, 11, 1),
                "ends_on": dt.date(2026, 11, 11),
                "metric": "gmv",
                "gmv_target": None,
                "creator_target": None,
                "reward_tiers": [],
            }
        ]
        writer.write_campaigns(pd.DataFrame(old), session=session)
    answer = say(world, "campaign edit my-old")
    assert not answer.ok
    assert "ended" in render(answer)


def test_the_budget_cap_is_not_below_what_qualified_creators_earned(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-now", "budget_cap": ""}).ok
    enrolled = say(world, "campaign enroll my-now confirm @amir @bella @chen")
    assert enrolled.ok, render(enrolled)
    # Today's sales: amir RM2,500 (the RM2,000 tier: RM150), bella RM800 (RM500: RM50),
    # chen RM100 (none) — RM200 owed.
    today = (("amir", 250_000), ("bella", 80_000), ("chen", 10_000))
    add_sales(sessions, [metric_row(TODAY, h, g) for h, g in today])
    link = edit_link(world, "my-now")
    low = submit(world, "campaign-edit", {**link.prefill, "budget_cap": "199.99"})
    assert not low.ok and "RM200.00" in low.errors["budget_cap"]
    assert submit(world, "campaign-edit", {**link.prefill, "budget_cap": "200"}).ok


def test_handles_typed_with_confirm_name_the_unknown_ones(world: Router) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-now", "budget_cap": ""}).ok
    enrolled = render(say(world, "campaign enroll my-now confirm @amir @nobody.here"))
    assert enrolled.startswith("Enrolled 1 creator in ")
    assert "Unknown:" in enrolled and "nobody.here" in enrolled


# --- enrol, follow, and the round trip -----------------------------------------------------


def test_the_round_trip_create_enrol_by_filter_and_see_it_everywhere(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    other = {
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
    joined = [{"campaign": "my-other", "handle": "bella", "enrolled_on": TODAY}]
    with sessions.begin() as session:
        writer.write_campaigns(pd.DataFrame([other]), session=session)
        writer.write_enrollments(pd.DataFrame(joined), session=session)
    preview = say(world, "campaign enroll my-sprint category:beauty top 3")
    shown = render(preview)
    # beauty by GMV over 30 days: amir, bella, chen; bella is in the overlapping my-other
    assert "@amir" in shown and "@chen" in shown
    assert "bella (my-other)" in shown
    assert "dina" not in shown
    (confirm,) = [b for b in buttons(preview) if b.action == "run"]
    assert "2" in confirm.label
    assert enrolled(sessions, "my-sprint") == []  # a preview writes nothing
    done = say(world, confirm.value)
    assert enrolled(sessions, "my-sprint") == ["amir", "chen"]
    assert done.ok, render(done)
    again = say(world, confirm.value)  # pressed twice: nothing more
    assert "has 2 now" in render(again)
    add_sales(sessions, [metric_row(TODAY, h, g) for h, g in (("amir", 70_000), ("chen", 20_000))])
    listing = render(say(world, "campaign list MY"))
    assert "my-sprint" in listing
    status = render(say(world, "campaign my-sprint"))
    assert "Payday Live Sprint" in status and "2 / 3" in status
    board = render(say(world, "leaderboard campaign:my-sprint"))
    assert board.index("@amir") < board.index("@chen")
    assert "@bella" not in board and "@dina" not in board
    assert any("enroll my-sprint: +2" in line for line in audit_lines(sessions))


def test_handles_preview_names_the_unknown_and_the_already_enrolled(world: Router) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    assert say(world, "campaign enroll my-sprint confirm @amir").ok
    shown = render(say(world, "campaign enroll my-sprint @amir bella nobody99"))
    assert "@nobody99" in shown
    assert "Already enrolled" in shown
    assert "To add" in shown and "@bella" in shown


def test_unenroll_takes_creators_out_and_the_stats_follow(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    assert say(world, "campaign enroll my-sprint confirm @amir @bella").ok
    add_sales(sessions, [metric_row(TODAY, h, 10_000) for h in ("amir", "bella")])
    assert "2 / 3" in render(say(world, "campaign my-sprint"))
    out = say(world, "campaign unenroll my-sprint @bella @chen")
    assert "Took 1 creator out" in render(out)
    assert "Not in the campaign: @chen" in render(out)
    status = render(say(world, "campaign my-sprint"))
    assert "1 / 3" in status and "RM100.00" in status
    assert any("unenroll my-sprint: -1 @bella" in line for line in audit_lines(sessions))


def test_a_channel_follows_a_campaign_listed_and_managed_by_digest(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    assert submit(world, "campaign-new", {**NEW, "slug": "my-sprint"}).ok
    followed = say(world, "campaign follow my-sprint at 10:00")
    assert followed.ok, render(followed)
    with sessions() as session:
        (subscription,) = session.scalars(select(Subscription))
        assert subscription.kind is SubscriptionKind.CAMPAIGN
        assert subscription.campaign_id is not None and subscription.at_time == "10:00"
        number = subscription.id
    admin = CommandRequest(text="digest list", platform="slack", user="U_ADMIN", channel="C1")
    with sessions.begin() as session:
        grant("slack", "U_ADMIN", Role.ADMIN, [None], by="setup", now=NOW, session=session)
    listing = render(world.handle(admin))
    assert "campaign posts · my-sprint" in listing
    paused = world.handle(
        CommandRequest(
            text=f"digest pause {number}", platform="slack", user="U_ADMIN", channel="C1"
        )
    )
    assert "Paused" in render(paused)
    assert not say(world, "campaign follow my-sprint").ok  # already
    assert say(world, "campaign unfollow my-sprint").ok
    with sessions() as session:
        assert session.scalars(select(Subscription)).first() is None


def test_the_form_link_carries_the_campaign_to_edit(world: Router) -> None:
    slug = upcoming(world)
    link = edit_link(world, slug)
    number, _, seen = link.prefill[FORM_ID].partition(".")
    assert number.isdigit() and seen  # the campaign, and a stamp of what the form shows
    assert not submit(world, "campaign-edit", {**link.prefill, FORM_ID: "999"}).ok


@pytest.mark.parametrize(
    ("locale", "words"), [("it", "campaign nuova"), ("ms", "kempen baru"), ("en", "campaign new")]
)
def test_the_set_up_words_in_each_language(world: Router, locale: str, words: str) -> None:
    invitation = say(world, words, locale=locale)
    assert [FormLink.parse(b.value).name for b in buttons(invitation)] == ["campaign-new"]
    assert not say(world, words, user=VIEWER, locale=locale).ok
