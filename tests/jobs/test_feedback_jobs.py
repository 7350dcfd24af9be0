"""Feedback prompts under an injected clock: weekly on Mondays, once the day after a campaign ends
(the campaign pre-filled), a reminder two days later to exactly the owners still to answer, and
one form per prompt even when the post is rebuilt after a crash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.forms import FORM_ID, FormLink
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.reply import Buttons, Header, Reply, Text, mention_of
from creatorbot.commands.router import Router
from creatorbot.jobs.catalog import jobs
from creatorbot.jobs.posting import Posters, Target
from creatorbot.jobs.runner import Runner
from creatorbot.storage.models import (
    Campaign,
    Creator,
    FeedbackForm,
    Run,
    RunStatus,
    Subscription,
    SubscriptionKind,
)
from tests.commands.conftest import creator_row, seed
from tests.fakes.poster import RecordingPoster
from tests.jobs.conftest import GRACE, every, utc

KL = ZoneInfo("Asia/Kuala_Lumpur")
HOUR = dt.timedelta(hours=1)
STAFF = {"Farah": "UF", "Daniel": "UD", "Siti": "US", "Wei": "UW"}
SINCE = utc(2026, 11, 9, 12)  # Monday 20:00 in Kuala Lumpur, after that day's prompt time

CAMPAIGN = {
    "slug": "my-1111",
    "name": "11.11 Mega Sale",
    "market": "MY",
    "kind": "mega_sale",
    "starts_on": dt.date(2026, 11, 1),
    "ends_on": dt.date(2026, 11, 11),
    "metric": "gmv",
    "gmv_target": None,
    "creator_target": None,
    "reward_tiers": [],
}


def campaign(slug: str, market: str, ends_on: dt.date) -> dict[str, Any]:
    return {**CAMPAIGN, "slug": slug, "name": slug, "market": market, "ends_on": ends_on}


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> None:
    """MY creators and their owners; 11.11 enrolls amir, bella and dina (whose CM the staff
    directory does not know), not chen. An IT campaign ends the same day."""
    seed(
        sessions,
        [
            creator_row("amir", cm="Farah", am="Daniel"),
            creator_row("bella", cm="Farah", am="Siti"),
            creator_row("chen", cm="Wei", am="Daniel"),
            creator_row("dina", cm="Nobody Mapped", am=None),
            creator_row("giulia", "IT", cm="Marco", am="Wei"),
        ],
        [],
        [CAMPAIGN, campaign("it-1111", "IT", dt.date(2026, 11, 11))],
        [
            {"campaign": "my-1111", "handle": h, "enrolled_on": dt.date(2026, 10, 20)}
            for h in ("amir", "bella", "dina")
        ],
    )


@dataclass
class Clock:
    """Ticks a feedback-only runner through time; remembers when each key was posted."""

    runner: Runner
    posted_at: dict[str, dt.datetime]

    def run(self, start: dt.datetime, end: dt.datetime, step: dt.timedelta = HOUR) -> None:
        for moment in every(start, end, step):
            for key in self.runner.tick(moment).posted:
                self.posted_at[key] = moment


def feedback_runner(sessions: sessionmaker[Session], poster: Any, worker: str = "w1") -> Runner:
    feedback = {n: s for n, s in jobs().items() if s.kind is SubscriptionKind.FEEDBACK}
    assert set(feedback) == {"feedback", "feedback-campaign", "feedback-reminder"}
    return Runner(
        Services(sessions=sessions, staff=STAFF),
        Posters({"slack": poster}),
        feedback,
        worker=worker,
        grace=GRACE,
    )


@pytest.fixture
def clock(sessions: sessionmaker[Session], poster: RecordingPoster) -> Clock:
    return Clock(feedback_runner(sessions, poster), {})


@pytest.fixture
def subscription(add_subscription: Callable[..., Subscription], world: None) -> Subscription:
    return add_subscription("C1", "MY", "09:00", since=SINCE, kind=SubscriptionKind.FEEDBACK)


def job_of(key: str) -> str:
    return key.split(":")[1]


def posts(poster: RecordingPoster, job: str) -> list[tuple[str, Reply]]:
    """(ledger period, reply) of the job's posts, in order."""
    return [(p.key.split(":", 3)[3], p.reply) for p in poster.posted if job_of(p.key) == job]


def posted_at(clock: Clock, poster: RecordingPoster, job: str) -> list[dt.datetime]:
    """When the job's posts went out, in Kuala Lumpur time."""
    return [clock.posted_at[p.key].astimezone(KL) for p in poster.posted if job_of(p.key) == job]


def link(reply: Reply) -> FormLink:
    buttons = next(b for b in reply.blocks if isinstance(b, Buttons)).buttons
    assert [b.action for b in buttons] == ["form"]
    return FormLink.parse(buttons[0].value)


def text_of(reply: Reply) -> str:
    return "\n".join(b.text for b in reply.blocks if isinstance(b, Header | Text))


def answer(sessions: sessionmaker[Session], user: str, form_id: int | str) -> None:
    """`user` submits the form from a prompt's button (the platform passes the form id on)."""
    # the owners answering are admins here: who may submit is tests/commands/test_access.py's
    router = Router(commands(), Services(sessions=sessions, admins=frozenset({user})), forms())
    request = CommandRequest(text="", platform="slack", user=user)
    values = {"campaign": "my-1111", "rating": "4", "topic": "payout", FORM_ID: str(form_id)}
    assert router.submit(request, "feedback", values).ok


def the_campaign_prompt(clock: Clock, poster: RecordingPoster) -> int:
    """Run through the end of 11.11; the id of the form its prompt opens."""
    clock.run(utc(2026, 11, 10), utc(2026, 11, 13))
    ((_, reply),) = posts(poster, "feedback-campaign")
    return int(link(reply).prefill[FORM_ID])


def test_the_weekly_prompt_goes_out_on_mondays_at_local_time(
    subscription: Subscription, clock: Clock, poster: RecordingPoster
) -> None:
    clock.run(SINCE, utc(2026, 11, 24, 12))
    weekly = posts(poster, "feedback")
    assert [period for period, _ in weekly] == ["2026-W47", "2026-W48"]
    when = posted_at(clock, poster, "feedback")
    assert [(m.date(), m.strftime("%A %H:%M")) for m in when] == [
        (dt.date(2026, 11, 16), "Monday 09:00"),
        (dt.date(2026, 11, 23), "Monday 09:00"),
    ]
    links = [link(reply) for _, reply in weekly]
    assert all(x.name == "feedback" and set(x.prefill) == {FORM_ID} for x in links)
    assert links[0].prefill[FORM_ID] != links[1].prefill[FORM_ID]  # a form per week
    assert "Malaysia" in text_of(weekly[0][1])


def test_a_campaign_that_ends_gets_one_prompt_the_day_after_with_the_campaign_filled_in(
    subscription: Subscription,
    clock: Clock,
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    form_id = the_campaign_prompt(clock, poster)
    clock.run(utc(2026, 11, 13, 1), utc(2026, 11, 13, 12))
    ((period, reply),) = posts(poster, "feedback-campaign")  # one, and not IT's campaign
    assert posted_at(clock, poster, "feedback-campaign") == [
        dt.datetime(2026, 11, 12, 9, tzinfo=KL)
    ]
    assert "11.11 Mega Sale" in text_of(reply)
    assert link(reply).prefill == {
        FORM_ID: str(form_id),
        "campaign": "my-1111",
        "campaign.label": "11.11 Mega Sale · MY",
    }
    with sessions.begin() as session:
        form = session.get(FeedbackForm, form_id)
        assert form is not None
        the_campaign = session.scalar(select(Campaign).where(Campaign.slug == "my-1111"))
        assert the_campaign is not None
        assert period == f"campaign:{the_campaign.id}"
        assert (form.platform, form.channel, form.market, form.campaign_id, form.period) == (
            "slack",
            "C1",
            "MY",
            the_campaign.id,
            period,
        )


def test_the_reminder_mentions_exactly_the_owners_who_have_not_answered(
    subscription: Subscription,
    clock: Clock,
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    form_id = the_campaign_prompt(clock, poster)
    answer(sessions, "UF", form_id)  # Farah answered the prompt
    answer(sessions, "US", "")  # Siti logged feedback, but not from this prompt
    answer(sessions, "UW", form_id)  # Wei answered though no enrolled creator is his
    clock.run(utc(2026, 11, 13, 1), utc(2026, 11, 15, 12))
    ((period, reply),) = posts(poster, "feedback-reminder")
    assert period == f"reminder:{form_id}"
    assert posted_at(clock, poster, "feedback-reminder") == [
        dt.datetime(2026, 11, 14, 9, tzinfo=KL)
    ]
    shown = text_of(reply)
    mentioned = {user for user in STAFF.values() if mention_of(user) in shown}
    assert mentioned == {"UD", "US"}  # Daniel (amir's AM) and Siti (bella's AM)
    assert "Nobody" not in shown  # dina's CM has no chat user: left out
    assert "11.11 Mega Sale" in shown
    assert link(reply).prefill == {
        FORM_ID: str(form_id),
        "campaign": "my-1111",
        "campaign.label": "11.11 Mega Sale · MY",
    }


def test_the_reminder_finds_an_owner_written_as_an_email_on_the_platform(
    subscription: Subscription, poster: RecordingPoster, sessions: sessionmaker[Session]
) -> None:
    """Owners are people on the platform: a CM the creators file names by email is looked up
    and mentioned, as alerts do; the staff list is only an override."""
    with sessions.begin() as session:
        dina = session.scalars(select(Creator).where(Creator.handle == "dina")).one()
        dina.cm = "nora@example.com"
    directory = {"nora@example.com": "UN"}
    feedback = {n: s for n, s in jobs().items() if s.kind is SubscriptionKind.FEEDBACK}
    services = Services(
        sessions=sessions,
        staff=STAFF,
        lookup_user=lambda platform, workspace, email: directory.get(email),
    )
    runner = Runner(services, Posters({"slack": poster}), feedback, worker="w1", grace=GRACE)
    clock = Clock(runner, {})
    form_id = the_campaign_prompt(clock, poster)
    for user in ("UF", "UD", "US"):
        answer(sessions, user, form_id)
    clock.run(utc(2026, 11, 13, 1), utc(2026, 11, 15, 12))
    ((_, reply),) = posts(poster, "feedback-reminder")
    assert mention_of("UN") in text_of(reply)


def test_no_reminder_when_everyone_has_answered(
    subscription: Subscription,
    clock: Clock,
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    form_id = the_campaign_prompt(clock, poster)
    for user in ("UF", "UD", "US"):
        answer(sessions, user, form_id)
    clock.run(utc(2026, 11, 13, 1), utc(2026, 11, 15, 12))
    assert posts(poster, "feedback-reminder") == []
    with sessions.begin() as session:
        statuses = session.scalars(select(Run.status).where(Run.job == "feedback-reminder"))
        assert list(statuses) == [RunStatus.QUIET]


def test_the_weekly_reminder_asks_the_owners_of_the_markets_creators(
    subscription: Subscription, clock: Clock, poster: RecordingPoster
) -> None:
    clock.run(SINCE, utc(2026, 11, 18, 12))
    ((_, prompt),) = posts(poster, "feedback")
    reminders = dict(posts(poster, "feedback-reminder"))  # the campaign's, and the week's
    reminder = reminders[f"reminder:{link(prompt).prefill[FORM_ID]}"]
    shown = text_of(reminder)
    assert {u for u in STAFF.values() if mention_of(u) in shown} == {"UF", "UD", "US", "UW"}
    assert link(reminder) == link(prompt)


class CrashingPoster(RecordingPoster):
    """The process dies (not an exception the runner handles) on its first post."""

    crashed: bool = False

    def post(self, target: Target, reply: Reply, *, key: str) -> str:
        if not self.crashed:
            self.crashed = True
            raise SystemExit("killed between claim and post")
        return super().post(target, reply, key=key)


def forms_count(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        return int(session.scalar(select(func.count()).select_from(FeedbackForm)) or 0)


def test_a_post_rebuilt_after_a_crash_reuses_its_form(
    subscription: Subscription, sessions: sessionmaker[Session]
) -> None:
    poster = CrashingPoster()
    due = utc(2026, 11, 12, 1)
    with pytest.raises(SystemExit):
        feedback_runner(sessions, poster).tick(due)
    assert forms_count(sessions) == 1  # built and committed before the post was attempted
    report = feedback_runner(sessions, poster, "w2").tick(due + dt.timedelta(minutes=1))
    assert len(report.recovered) == 1
    ((_, reply),) = posts(poster, "feedback-campaign")
    assert forms_count(sessions) == 1
    with sessions.begin() as session:
        form_id = session.scalar(select(FeedbackForm.id))
    assert link(reply).prefill[FORM_ID] == str(form_id)


def test_a_retried_post_reuses_its_form(
    subscription: Subscription, sessions: sessionmaker[Session], poster: RecordingPoster
) -> None:
    poster.fail_next(2)
    clock = Clock(feedback_runner(sessions, poster), {})
    clock.run(utc(2026, 11, 12, 1), utc(2026, 11, 12, 1, 30), dt.timedelta(minutes=1))
    ((_, reply),) = posts(poster, "feedback-campaign")
    assert forms_count(sessions) == 1
    with sessions.begin() as session:
        form_id = session.scalar(select(FeedbackForm.id))
    assert link(reply).prefill[FORM_ID] == str(form_id)


def answer_by_link(sessions: sessionmaker[Session], handle: str, at: dt.datetime) -> None:
    """The creator opens their link to the 11.11 form at `at` and sends an answer."""
    from creatorbot.commands import own_answers
    from creatorbot.commands.link_tokens import LinkKeys
    from creatorbot.storage.form_links import issue_links

    keys = LinkKeys(b"k" * 32, None, "https://forms.example.com")
    with sessions.begin() as session:
        creator = session.scalars(select(Creator).where(Creator.handle == handle)).one()
        the_campaign = session.scalars(select(Campaign).where(Campaign.slug == "my-1111")).one()
        issued = issue_links(
            [creator.id],
            the_campaign.id,
            now=at,
            expires_at=at + dt.timedelta(days=14),
            reuse_after=at,
            created_by="UF",
            session=session,
        )[creator.id]
    token = keys.link_token(issued.link_id, issued.expires_at)
    services = Services(sessions=sessions, clock=lambda: at, links=keys)
    ticket = own_answers.show(token, services, keys).ticket
    values = {"csrf": ticket, "rating": "5", "topic": "payout"}
    assert own_answers.submit(token, values, services, keys).kind == "thanks"


def test_an_owner_whose_creators_answered_by_link_is_not_chased(
    subscription: Subscription,
    clock: Clock,
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    form_id = the_campaign_prompt(clock, poster)
    answer(sessions, "UF", form_id)  # Farah answered the prompt in chat
    answer_by_link(sessions, "amir", utc(2026, 11, 12, 6))  # after the prompt: Daniel's only one
    clock.run(utc(2026, 11, 13, 1), utc(2026, 11, 15, 12))
    ((_, reply),) = posts(poster, "feedback-reminder")
    shown = text_of(reply)
    assert {u for u in STAFF.values() if mention_of(u) in shown} == {"US"}  # bella's AM only


def test_an_answer_by_link_before_the_prompt_does_not_count(
    subscription: Subscription,
    clock: Clock,
    poster: RecordingPoster,
    sessions: sessionmaker[Session],
) -> None:
    answer_by_link(sessions, "amir", utc(2026, 11, 9, 6))  # before 11.11 ended
    form_id = the_campaign_prompt(clock, poster)
    answer(sessions, "UF", form_id)
    clock.run(utc(2026, 11, 13, 1), utc(2026, 11, 15, 12))
    ((_, reply),) = posts(poster, "feedback-reminder")
    shown = text_of(reply)
    assert {u for u in STAFF.values() if mention_of(u) in shown} == {"UD", "US"}
