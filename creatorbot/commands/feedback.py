"""`feedback` opens the feedback form; `feedback report [campaign:SLUG]` summarises what was
logged; `submit` validates and saves one form submission."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.forms import FEEDBACK, LANGUAGES, RATINGS, TOPICS, FormResult
from creatorbot.commands.i18n import Lang
from creatorbot.commands.lookups import find_campaign
from creatorbot.commands.parsing import did_you_mean, words
from creatorbot.commands.reply import (
    Button,
    Buttons,
    Column,
    Context,
    Fields,
    Header,
    Reply,
    Table,
    Text,
)
from creatorbot.storage.feedback import feedback_summary, save_feedback
from creatorbot.storage.queries.campaigns import campaign_by_slug
from creatorbot.storage.queries.creators import find_creators

USAGE = "feedback | feedback report [campaign:SLUG]"
FORM_ACTION = "form"


@dataclass(frozen=True)
class FeedbackQuery:
    """`feedback` (open the form) or `feedback report` (optionally for one campaign)."""

    report: bool = False
    campaign: str | None = None


def parse(text: str, call: Call) -> FeedbackQuery:
    """No words: open the form. `report` with an optional `campaign:SLUG`."""
    tokens = words(text, call.lang)
    if not tokens:
        return FeedbackQuery()
    if tokens[0].lower() != "report":
        hint = did_you_mean(tokens[0], ["report"], call.lang)
        message = call.lang._("I don't understand “{word}”.").format(word=tokens[0])
        raise UserError(
            " ".join(p for p in (message, hint) if p),
            call.lang._("Usage: {usage}").format(usage=USAGE),
        )
    campaign = None
    for token in tokens[1:]:
        key, _, value = token.partition(":")
        if key.lower() != "campaign" or not value:
            raise UserError(
                call.lang._("I don't understand “{word}”.").format(word=token),
                call.lang._("Usage: {usage}").format(usage=USAGE),
            )
        campaign = value
    return FeedbackQuery(report=True, campaign=campaign)


def answer(query: FeedbackQuery, call: Call) -> Reply:
    """The form's invitation, or the report."""
    lang = call.lang
    if not query.report:
        return Reply(
            (
                Text(lang._("Log what a creator told you after a call or a campaign.")),
                Buttons(
                    (Button(lang._("Open the feedback form"), FORM_ACTION, "feedback", "primary"),)
                ),
            )
        )
    campaign_id = None
    title = lang._("Feedback report")
    if query.campaign:
        campaign = find_campaign(query.campaign, call)
        campaign_id = campaign.id
        title = lang._("Feedback report · {campaign}").format(campaign=campaign.name)
    summary = feedback_summary(session=call.session, campaign_id=campaign_id)
    if summary.count == 0:
        return Reply((Header(title), Text(lang._("No feedback has been logged yet."))))
    topics = ", ".join(
        f"{topic_label(topic, lang)} {lang.number(n)}" for topic, n in summary.topics.items()
    )
    fields = Fields(
        (
            (lang._("Responses"), lang.number(summary.count)),
            (lang._("Average rating"), f"{lang.number(round(summary.average or 0, 1))} / 5"),
            (lang._("Topics"), topics),
        )
    )
    blocks: list[Header | Fields | Table | Context | Text] = [Header(title), fields]
    if summary.recent:
        blocks.append(
            Table(
                (
                    Column(lang._("Date")),
                    Column(lang._("Rating"), "right"),
                    Column(lang._("Topic")),
                    Column(lang._("About")),
                    Column(lang._("Comment")),
                ),
                tuple(
                    (
                        lang.date(c.at.date()),
                        "★" * c.rating,
                        topic_label(c.topic, lang),
                        " · ".join(
                            f"@{x}" if x == c.creator else x for x in (c.creator, c.campaign) if x
                        ),
                        c.comment,
                    )
                    for c in summary.recent
                ),
            )
        )
    return Reply(tuple(blocks), rows=summary.count)


def topic_label(topic: str, lang: Lang) -> str:
    """A topic's name in the user's language."""
    return next((lang._(label) for value, label in TOPICS if value == topic), topic)


def submit(values: Mapping[str, str], call: Call) -> FormResult:
    """Validate a filled feedback form and save it; every problem is reported per field."""
    lang = call.lang
    errors: dict[str, str] = {}
    clean = {name: (values.get(name) or "").strip() for name in (f.name for f in FEEDBACK.fields)}
    creator_id = campaign_id = None
    if not clean["creator"] and not clean["campaign"]:
        errors["creator"] = lang._("Name a creator, a campaign, or both.")
    if clean["creator"]:
        found = find_creators(clean["creator"], session=call.session)
        if len(found) == 1:
            creator_id = found[0].id
        else:
            errors["creator"] = (
                lang._("I can't find a creator called “{name}”.")
                if not found
                else lang._("“{name}” is a creator in more than one market; use the handle.")
            ).format(name=clean["creator"])
    if clean["campaign"]:
        campaign = campaign_by_slug(clean["campaign"], session=call.session)
        if campaign is None:
            errors["campaign"] = lang._("There is no campaign “{slug}”.").format(
                slug=clean["campaign"]
            )
        else:
            campaign_id = campaign.id
    if clean["rating"] not in {value for value, _ in RATINGS}:
        errors["rating"] = lang._("Choose a rating from 1 to 5.")
    if clean["topic"] not in {value for value, _ in TOPICS}:
        errors["topic"] = lang._("Choose a topic.")
    if len(clean["comment"]) > 2000:
        errors["comment"] = lang._("Keep the comment under 2,000 characters.")
    language = clean["language"] if clean["language"] in dict(LANGUAGES) else lang.language
    if errors:
        return FormResult(ok=False, errors=errors)
    save_feedback(
        platform=call.request.platform,
        user_id=call.request.user,
        rating=int(clean["rating"]),
        topic=clean["topic"],
        comment=clean["comment"],
        language=language,
        creator_id=creator_id,
        campaign_id=campaign_id,
        session=call.session,
    )
    return FormResult(ok=True, message=lang._("Saved. Thank you!"))
