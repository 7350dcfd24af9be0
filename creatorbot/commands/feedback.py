"""`feedback` opens the feedback form; `feedback report [campaign:SLUG]` summarises what was
logged; `feedback export [campaign:SLUG] [csv|xlsx]` attaches every response as a file;
`feedback link|links|revoke` hand out creators' own links (commands/creator_links.py);
`submit` validates and saves one form submission."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from creatorbot.commands.core import Call
from creatorbot.commands.creator_links import LINK_ACTIONS, LinkQuery, answer_links, parse_links
from creatorbot.commands.forms import (  # noqa: F401 (FORM_ACTION's old home)
    FEEDBACK,
    FORM_ACTION,
    FORM_ID,
    LANGUAGES,
    RATINGS,
    TOPICS,
    FormResult,
    submission_key,
)
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.lookups import creators_meant, find_campaign
from creatorbot.commands.parsing import unknown_word, words
from creatorbot.commands.reply import (
    Button,
    Buttons,
    Column,
    Context,
    Fields,
    File,
    Header,
    Reply,
    Table,
    Text,
)
from creatorbot.commands.spreadsheet import CSV_MIME, XLSX_MIME, Cell, csv_bytes, xlsx_bytes
from creatorbot.commands.vocabulary import option
from creatorbot.storage.feedback import (
    CREATOR,
    ExportRow,
    already_saved,
    feedback_rows,
    feedback_summary,
    form_by_id,
    save_feedback,
)
from creatorbot.storage.handles import shown
from creatorbot.storage.models import Campaign
from creatorbot.storage.queries.campaigns import campaign_by_slug

USAGE = N_(
    "feedback | feedback report [campaign:SLUG] | feedback export [campaign:SLUG] [csv|xlsx] "
    "| feedback link @creator [campaign:SLUG] | feedback links campaign:SLUG [cm:me] [export]"
)
ACTIONS = ("report", "export", *LINK_ACTIONS)
FORMATS = ("csv", "xlsx")
# `source`: staff (logged in chat) or creator (their own answer, by link).
EXPORT_COLUMNS = (
    "date",
    "user",
    "creator",
    "campaign",
    "rating",
    "topic",
    "language",
    "comment",
    "source",
)
MAX_COMMENT = 2000
SAFE_NAME = re.compile(r"[^A-Za-z0-9_.]+")

Action = Literal["form", "report", "export", "links"]


@dataclass(frozen=True)
class FeedbackQuery:
    """`feedback` (open the form), `feedback report` or `feedback export`, optionally for one
    campaign; an export is CSV unless `xlsx` is asked for. `links`: the creators' links."""

    action: Action = "form"
    campaign: str | None = None
    xlsx: bool = False
    links: LinkQuery | None = None


def parse(text: str, call: Call) -> FeedbackQuery:
    """No words: open the form. `report` or `export`, with an optional `campaign:SLUG`; an
    export also takes `csv` (the default) or `xlsx`."""
    tokens = words(text, call.lang)
    if not tokens:
        return FeedbackQuery()
    action = tokens[0].lower()
    if action not in ACTIONS:
        raise unknown_word(tokens[0], ACTIONS, call.lang, USAGE)
    if action in LINK_ACTIONS:
        return FeedbackQuery("links", links=parse_links(action, tokens[1:], call))
    campaign = None
    xlsx = False
    for token in tokens[1:]:
        key, _, value = token.partition(":")
        if option(key) == "campaign" and value:
            campaign = value
        elif action == "export" and token.lower() in FORMATS:
            xlsx = token.lower() == "xlsx"
        else:
            allowed = ("campaign:SLUG", *FORMATS) if action == "export" else ("campaign:SLUG",)
            raise unknown_word(token, allowed, call.lang, USAGE)
    return FeedbackQuery("report" if action == "report" else "export", campaign, xlsx)


def answer(query: FeedbackQuery, call: Call) -> Reply:
    """The form's invitation, the report, or the export."""
    lang = call.lang
    if query.links is not None:
        return answer_links(query.links, call)
    if query.action == "export":
        return export(query, call)
    if query.action == "form":
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
    summary = feedback_summary(
        session=call.session, campaign_id=campaign_id, markets=call.principal.markets
    )
    if summary.count == 0:
        return Reply((Header(title), Text(lang._("No feedback has been logged yet."))))
    topics = ", ".join(
        f"{topic_label(topic, lang)} {lang.number(n)}" for topic, n in summary.topics.items()
    )
    count = lang.number(summary.count)
    if summary.from_creators:
        count = lang._("{count} ({own} from creators)").format(
            count=count, own=lang.number(summary.from_creators)
        )
    fields = Fields(
        (
            (lang._("Responses"), count),
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
                    Column(lang._("From")),
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
                        source_label(c.source, lang),
                        c.comment,
                    )
                    for c in summary.recent
                ),
            )
        )
    return Reply(tuple(blocks), rows=summary.count)


def export(query: FeedbackQuery, call: Call) -> Reply:
    """Every response (or one campaign's) as an attached CSV or XLSX file."""
    lang = call.lang
    campaign: Campaign | None = None
    title = lang._("Feedback export")
    if query.campaign:
        campaign = find_campaign(query.campaign, call)
        title = lang._("Feedback export · {campaign}").format(campaign=campaign.name)
    rows = feedback_rows(
        session=call.session,
        campaign_id=campaign.id if campaign else None,
        markets=call.principal.markets,
    )
    if not rows:
        return Reply((Header(title), Text(lang._("No feedback has been logged yet."))))
    scope = SAFE_NAME.sub("-", campaign.slug).strip("-") if campaign else "all"
    name = f"feedback-{scope or 'campaign'}-{call.today().isoformat()}"
    if query.xlsx:
        file = File(f"{name}.xlsx", export_xlsx(rows), XLSX_MIME, title)
    else:
        file = File(f"{name}.csv", export_csv(rows), CSV_MIME, title)
    line = lang.n_(
        "The {count} response is in the attached file.",
        "All {count} responses are in the attached file.",
        len(rows),
    )
    return Reply(
        (Header(title), Text(line.format(count=lang.number(len(rows)))), file), rows=len(rows)
    )


def export_cells(row: ExportRow) -> tuple[Cell, ...]:
    """One response's cells, in EXPORT_COLUMNS order: its day (UTC), then ids and values as
    stored (topic and language codes, not their labels)."""
    at = row.at if row.at.tzinfo is None else row.at.astimezone(dt.UTC)  # SQLite: naive UTC
    return (
        at.date(),
        row.user_id,
        row.creator or "",
        row.campaign or "",
        row.rating,
        row.topic,
        row.language,
        row.comment,
        row.source,
    )


def export_csv(rows: Sequence[ExportRow]) -> bytes:
    """The responses as CSV (commands/spreadsheet.py: text quoted and never run as a formula,
    the rating a bare number, days as YYYY-MM-DD)."""
    return csv_bytes(EXPORT_COLUMNS, (export_cells(row) for row in rows))


def export_xlsx(rows: Sequence[ExportRow]) -> bytes:
    """The responses as one XLSX sheet: the day as a date, the rating as a number, every text
    cell stored as text (never run as a formula)."""
    return xlsx_bytes("feedback", EXPORT_COLUMNS, (export_cells(row) for row in rows))


def source_label(source: str, lang: Lang) -> str:
    """Who gave an answer: the creator themselves (by link), or the team in chat."""
    return lang._("creator") if source == CREATOR else lang._("team")


def answer_errors(clean: Mapping[str, str], lang: Lang) -> dict[str, str]:
    """What is wrong with the answers themselves (rating, topic, comment), per field; the
    same checks whoever fills the form."""
    errors = {}
    if clean.get("rating") not in {value for value, _ in RATINGS}:
        errors["rating"] = lang._("Choose a rating from 1 to 5.")
    if clean.get("topic") not in {value for value, _ in TOPICS}:
        errors["topic"] = lang._("Choose a topic.")
    if len(clean.get("comment") or "") > MAX_COMMENT:
        errors["comment"] = lang._("Keep the comment under 2,000 characters.")
    return errors


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
        found = creators_meant(clean["creator"], call)
        if len(found) == 1:
            creator_id = found[0].id
        elif found:  # in several markets, or look-alike handles: never pick one
            choices = lang._(" or ").join(
                f"#{c.id} (@{shown(c.handle)} · {c.market})" for c in found[:5]
            )
            errors["creator"] = lang._(
                "“{name}” may be more than one creator: {choices}. Write the number, e.g. {id}."
            ).format(name=shown(clean["creator"]), choices=choices, id=f"#{found[0].id}")
        else:
            errors["creator"] = lang._("I can't find a creator called “{name}”.").format(
                name=clean["creator"]
            )
    if clean["campaign"]:
        campaign = campaign_by_slug(clean["campaign"], session=call.session)
        if campaign is None or not call.principal.sees(campaign.market):
            errors["campaign"] = lang._("There is no campaign “{slug}”.").format(
                slug=clean["campaign"]
            )
        else:
            campaign_id = campaign.id
    errors.update(answer_errors(clean, lang))
    language = clean["language"] if clean["language"] in dict(LANGUAGES) else lang.language
    if errors:
        return FormResult(ok=False, errors=errors)
    submission = submission_key(values)
    if submission and already_saved(
        call.request.platform, call.request.user, submission, session=call.session
    ):  # sent again after its answer was lost: it is kept once
        return FormResult(ok=True, message=lang._("Saved. Thank you!"))
    save_feedback(
        form_id=answered_prompt(values.get(FORM_ID) or "", call),
        now=call.services.clock(),
        platform=call.request.platform,
        user_id=call.request.user,
        rating=int(clean["rating"]),
        topic=clean["topic"],
        comment=clean["comment"],
        language=language,
        creator_id=creator_id,
        campaign_id=campaign_id,
        submission=submission,
        session=call.session,
    )
    return FormResult(ok=True, message=lang._("Saved. Thank you!"))


def answered_prompt(value: str, call: Call) -> int | None:
    """The prompt (form id) a submission answers, when the link named one that exists; any
    other value is ignored: the answer is saved all the same, linked to no prompt."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        return None
    form = form_by_id(int(value), session=call.session)
    return form.id if form is not None else None
