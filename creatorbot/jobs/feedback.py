"""Feedback prompts: a weekly one, one the day after a campaign ends, and a reminder two days
later to the owners who have not answered."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from creatorbot.commands.core import Call
from creatorbot.commands.forms import FEEDBACK, FORM_ACTION, FORM_ID, FormLink, label_key
from creatorbot.commands.owners import owner_mention, owner_user
from creatorbot.commands.pickers import campaign_choice
from creatorbot.commands.reply import Button, Buttons, Header, Reply, Text
from creatorbot.jobs.periods import Period, as_utc, instant, local_days, parse_at
from creatorbot.jobs.registry import JobRun, Post, job
from creatorbot.storage.feedback import (
    answered_by,
    campaigns_ended,
    form_by_id,
    owner_names,
    posted_prompts,
    prompt_form,
)
from creatorbot.storage.models import Campaign, FeedbackForm, Market, Subscription, SubscriptionKind

PROMPT_JOBS = ("feedback", "feedback-campaign")
CAMPAIGN_KEY = "campaign:"
REMINDER_KEY = "reminder:"
REMINDER_DAYS = 2  # local days after the prompt, at the subscription's time


# --- periods --------------------------------------------------------------------------------


def ended_campaigns(
    subscription: Subscription, start: dt.datetime, end: dt.datetime, session: Session
) -> list[Period]:
    """`campaign:<id>` for each campaign of the market that ended, due at the subscription's
    time on the local day after its last day."""
    zone, at = _zone(subscription, session), parse_at(subscription.at_time)
    days = list(local_days(start, end, zone))
    one = dt.timedelta(days=1)
    found = []
    for campaign in campaigns_ended(
        subscription.market, days[0] - one, days[-1] - one, session=session
    ):
        day = campaign.ends_on + one
        period = Period(f"{CAMPAIGN_KEY}{campaign.id}", instant(day, at, zone), day)
        if start < period.due <= end:
            found.append(period)
    return found


def reminders(
    subscription: Subscription, start: dt.datetime, end: dt.datetime, session: Session
) -> list[Period]:
    """`reminder:<form id>` for each prompt this subscription posted, due at its time two
    local days after the post (whether anyone is still to answer is decided then)."""
    zone, at = _zone(subscription, session), parse_at(subscription.at_time)
    since = start - dt.timedelta(days=REMINDER_DAYS + 2)  # a margin for the time of day
    found = []
    for form_id, posted_at in posted_prompts(
        subscription.id, PROMPT_JOBS, since=since, session=session
    ):
        day = as_utc(posted_at).astimezone(zone).date() + dt.timedelta(days=REMINDER_DAYS)
        period = Period(f"{REMINDER_KEY}{form_id}", instant(day, at, zone), day)
        if start < period.due <= end:
            found.append(period)
    return found


# --- posts ----------------------------------------------------------------------------------


@job("feedback", SubscriptionKind.FEEDBACK, cadence="weekly")
def weekly_prompt(run: JobRun) -> Post:
    """Monday's prompt: log what the market's creators said this week."""
    lang = run.call.lang
    form = _form(run, None)
    title = lang._("Creator feedback · {market}").format(
        market=lang.market_name(run.subscription.market)
    )
    text = lang._("How are your creators doing? Log what they told you this week.")
    return Post(_prompt(title, text, _link(form, None), run.call))


@job("feedback-campaign", SubscriptionKind.FEEDBACK, cadence=None, extra=ended_campaigns)
def campaign_prompt(run: JobRun) -> Post:
    """The day after a campaign ends: how did it go? The form opens with the campaign filled in."""
    campaign = run.call.session.get(Campaign, _numbered(run.period.key, CAMPAIGN_KEY))
    if campaign is None:
        return Post(None)  # deleted since it ended
    lang = run.call.lang
    form = _form(run, campaign)
    title = lang._("Feedback · {campaign}").format(campaign=campaign.name)
    text = lang._("{campaign} has ended. How did it go for your creators? Log what they said.")
    return Post(
        _prompt(title, text.format(campaign=campaign.name), _link(form, campaign), run.call)
    )


@job("feedback-reminder", SubscriptionKind.FEEDBACK, cadence=None, extra=reminders)
def reminder(run: JobRun) -> Post:
    """Two days after a prompt: mention the owners who should answer it and have not."""
    session = run.call.session
    form = form_by_id(_numbered(run.period.key, REMINDER_KEY), session=session)
    if form is None:
        return Post(None)
    waiting = still_to_answer(form, run.call)
    if not waiting:
        return Post(None)
    lang = run.call.lang
    campaign = session.get(Campaign, form.campaign_id) if form.campaign_id else None
    names = ", ".join(owner_mention(name, run.call) for name in waiting)
    if campaign is not None:
        text = lang._("{names}: what did your creators say about {campaign}?").format(
            names=names, campaign=campaign.name
        )
    else:
        text = lang._("{names}: what did your creators say this week?").format(names=names)
    title = lang._("Reminder: creator feedback")
    return Post(_prompt(title, text, _link(form, campaign), run.call))


def still_to_answer(form: FeedbackForm, call: Call) -> list[str]:
    """The owners (CM, AM) of the creators a prompt is about who have a chat user (found by
    email on the platform, or in the staff list) and have not answered it, by name; one name
    per user. A creator who answered for themselves since the prompt (by link) is nobody's to
    chase: an owner whose creators all did is not reminded."""
    session = call.session
    owners = owner_names(
        session=session,
        market=form.market or "",
        campaign_id=form.campaign_id,
        answered_since=as_utc(form.created_at),
    )
    answered = answered_by(form.id, form.platform, session=session)
    waiting: dict[str, str] = {}
    for name in sorted(owners):
        user = owner_user(name, call)
        if user and user not in answered and user not in waiting:
            waiting[user] = name
    return list(waiting.values())


# --- helpers --------------------------------------------------------------------------------


def _form(run: JobRun, campaign: Campaign | None) -> FeedbackForm:
    subscription = run.subscription
    return prompt_form(
        platform=subscription.platform,
        channel=subscription.channel,
        market=subscription.market,
        period=run.period.key,
        campaign_id=campaign.id if campaign else None,
        now=run.call.services.clock(),
        session=run.call.session,
    )


def _link(form: FeedbackForm, campaign: Campaign | None) -> str:
    prefill = {FORM_ID: str(form.id)}
    if campaign is not None:
        prefill |= {
            "campaign": campaign.slug,
            label_key("campaign"): campaign_choice(campaign).label,
        }
    return str(FormLink(FEEDBACK.name, prefill))


def _prompt(title: str, text: str, link: str, call: Call) -> Reply:
    button = Button(call.lang._("Open the feedback form"), FORM_ACTION, link, "primary")
    return Reply((Header(title), Text(text), Buttons((button,))))


def _numbered(key: str, prefix: str) -> int:
    """The id a period key such as `campaign:12` names (0, which no row has, for any other)."""
    number = key.removeprefix(prefix)
    return int(number) if key.startswith(prefix) and number.isascii() and number.isdigit() else 0


def _zone(subscription: Subscription, session: Session) -> ZoneInfo:
    market = session.get(Market, subscription.market)
    return ZoneInfo(market.timezone if market else "UTC")
