"""Feedback: the form validates and saves; the report counts, averages and lists comments."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import openpyxl
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.forms import FEEDBACK, FORM_ID, SUBMISSION
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.reply import Buttons, Fields, File, Reply, Table
from creatorbot.commands.router import FORM_ERROR, Router
from creatorbot.storage.feedback import prompt_form
from creatorbot.storage.models import FeedbackResponse
from tests.commands.conftest import creator_row, seed

CAMPAIGN = {
    "slug": "my-1111",
    "name": "11.11",
    "market": "MY",
    "kind": "mega_sale",
    "starts_on": dt.date(2026, 11, 1),
    "ends_on": dt.date(2026, 11, 11),
    "metric": "gmv",
    "gmv_target": None,
    "creator_target": None,
    "reward_tiers": [],
}


@pytest.fixture
def forms_router(sessions: sessionmaker[Session]) -> Router:
    seed(sessions, [creator_row("amir"), creator_row("bella")], [], [CAMPAIGN])
    return Router(commands(), Services(sessions=sessions), forms())


def send(router: Router, values: dict[str, str], locale: str = "en"):  # type: ignore[no-untyped-def]
    return router.submit(CommandRequest(text="", user="U1", locale=locale), "feedback", values)


def count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(FeedbackResponse)) or 0)


def test_a_valid_submission_is_saved(forms_router: Router, sessions: sessionmaker[Session]) -> None:
    result = send(
        forms_router,
        {
            "creator": "@amir",
            "campaign": "my-1111",
            "rating": "4",
            "topic": "payout",
            "comment": "Payout arrived late",
            "language": "en",
        },
    )
    assert result.ok
    assert result.message == "Saved. Thank you!"
    assert count(sessions) == 1


def test_the_same_form_sent_again_with_the_same_answers_is_kept_once(
    forms_router: Router, sessions: sessionmaker[Session]
) -> None:
    answers = {"creator": "amir", "rating": "4", "topic": "payout", "comment": "Late"}
    for _ in range(2):  # a resubmission, after its answer was lost on the way back
        assert send(forms_router, {**answers, SUBMISSION: "V1"}).message == "Saved. Thank you!"
    assert count(sessions) == 1
    # Other answers in the same form, another form, or no form named (the console): new ones.
    assert send(forms_router, {**answers, "comment": "Later", SUBMISSION: "V1"}).ok
    assert send(forms_router, {**answers, SUBMISSION: "V2"}).ok
    assert send(forms_router, answers).ok and send(forms_router, answers).ok
    assert count(sessions) == 5
    # Someone else sending the same answers from a form with the same id is someone else.
    other = CommandRequest(text="", user="U2")
    assert forms_router.submit(other, "feedback", {**answers, SUBMISSION: "V1"}).ok
    assert count(sessions) == 6


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"rating": "4", "topic": "payout"}, "creator", "Name a creator, a campaign, or both."),
        ({"creator": "nobody", "rating": "4", "topic": "payout"}, "creator", "I can't find"),
        ({"campaign": "nope", "rating": "4", "topic": "payout"}, "campaign", "no campaign"),
        ({"creator": "amir", "rating": "9", "topic": "payout"}, "rating", "1 to 5"),
        ({"creator": "amir", "rating": "3", "topic": "gossip"}, "topic", "Choose a topic."),
        (
            {"creator": "amir", "rating": "3", "topic": "other", "comment": "x" * 2001},
            "comment",
            "2,000",
        ),
    ],
)
def test_invalid_submissions_say_which_field_and_store_nothing(
    forms_router: Router,
    sessions: sessionmaker[Session],
    values: dict[str, str],
    field: str,
    message: str,
) -> None:
    result = send(forms_router, values)
    assert not result.ok
    assert message in result.errors[field]
    assert count(sessions) == 0


def test_errors_come_in_the_users_language(forms_router: Router) -> None:
    result = send(forms_router, {"creator": "amir", "rating": "9", "topic": "payout"}, "it")
    assert result.errors["rating"] == "Scegli una valutazione da 1 a 5."


def test_a_database_failure_saves_nothing_and_says_so(
    forms_router: Router, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        session.execute(text("ALTER TABLE feedback_responses RENAME TO feedback_gone"))
    result = send(forms_router, {"creator": "amir", "rating": "5", "topic": "tools"})
    assert not result.ok
    assert "Nothing was saved" in result.errors[FORM_ERROR]
    with sessions.begin() as session:
        session.execute(text("ALTER TABLE feedback_gone RENAME TO feedback_responses"))
    assert count(sessions) == 0


def test_the_report(forms_router: Router, sessions: sessionmaker[Session]) -> None:
    entries = [
        {
            "creator": "amir",
            "campaign": "my-1111",
            "rating": "5",
            "topic": "payout",
            "comment": "Fast payout",
        },
        {
            "creator": "bella",
            "rating": "2",
            "topic": "traffic",
            "comment": "No traffic from the banner",
        },
        {"campaign": "my-1111", "rating": "3", "topic": "payout", "comment": ""},
    ]
    for values in entries:
        assert send(forms_router, values).ok
    reply = forms_router.handle(CommandRequest(text="feedback report"))
    fields = {k: v for b in reply.blocks if isinstance(b, Fields) for k, v in b.items}
    assert fields == {
        "Responses": "3",
        "Average rating": "3.3 / 5",
        "Topics": "Payout 2, Traffic 1",
    }
    table = next(b for b in reply.blocks if isinstance(b, Table))
    assert [row[5] for row in table.rows] == ["No traffic from the banner", "Fast payout"]
    assert [row[4] for row in table.rows] == ["team", "team"]  # logged in chat
    campaign = forms_router.handle(CommandRequest(text="feedback report campaign:my-1111"))
    fields = {k: v for b in campaign.blocks if isinstance(b, Fields) for k, v in b.items}
    assert fields["Responses"] == "2"
    assert fields["Average rating"] == "4 / 5"


def test_feedback_offers_the_form(forms_router: Router) -> None:
    reply: Reply = forms_router.handle(CommandRequest(text="feedback"))
    buttons = next(b for b in reply.blocks if isinstance(b, Buttons)).buttons
    assert [(b.action, b.value) for b in buttons] == [("form", FEEDBACK.name)]


def test_report_before_any_feedback(forms_router: Router, chat: Callable[..., str]) -> None:
    assert "No feedback has been logged yet." in chat("feedback report")


# --- export ---------------------------------------------------------------------------------

EXPORTED = [
    # (who, what they submitted), in the order they submit it
    (
        "U1",
        {
            "creator": "@amir",
            "campaign": "my-1111",
            "rating": "5",
            "topic": "payout",
            "comment": "Pagamento veloce, però è arrivato di sera",
            "language": "it",
        },
    ),
    ("U2", {"creator": "bella", "rating": "2", "topic": "traffic", "comment": "=1+1 no traffic"}),
    ("U1", {"campaign": "my-1111", "rating": "3", "topic": "samples", "comment": ""}),
]
HEADER = [
    "date",
    "user",
    "creator",
    "campaign",
    "rating",
    "topic",
    "language",
    "comment",
    "source",
]
AT = dt.datetime(2026, 11, 24, 1, 30, tzinfo=dt.UTC)


@pytest.fixture
def exporting(sessions: sessionmaker[Session]) -> Router:
    """The router with a frozen clock, after the EXPORTED submissions."""
    seed(sessions, [creator_row("amir"), creator_row("bella")], [], [CAMPAIGN])
    router = Router(commands(), Services(sessions=sessions, clock=lambda: AT), forms())
    for user, values in EXPORTED:
        request = CommandRequest(text="", user=user)
        assert router.submit(request, "feedback", values).ok
    return router


def expected_rows(campaign: str | None = None) -> list[list[str]]:
    """What was submitted, as the export should list it (stored handle, default language)."""
    rows = []
    for user, values in EXPORTED:
        if campaign and values.get("campaign") != campaign:
            continue
        rows.append(
            [
                AT.date().isoformat(),
                user,
                values.get("creator", "").lstrip("@"),
                values.get("campaign", ""),
                values["rating"],
                values["topic"],
                values.get("language", "en"),
                values["comment"],
                "staff",  # logged in chat, not the creator's own
            ]
        )
    return rows


def exported_file(router: Router, text: str) -> File:
    reply = router.handle(CommandRequest(text=text))
    assert reply.ok, reply
    (file,) = [b for b in reply.blocks if isinstance(b, File)]
    return file


def test_export_is_a_csv_of_every_response(exporting: Router) -> None:
    file = exported_file(exporting, "feedback export")
    assert file.name == "feedback-all-2026-11-24.csv"
    assert file.mime == "text/csv"
    assert file.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads "però" right
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"))))
    expected = expected_rows()
    expected[1][7] = "'" + expected[1][7]  # a formula-looking cell stays text in Excel
    assert rows == [HEADER, *expected]


def test_export_as_xlsx(exporting: Router) -> None:
    file = exported_file(exporting, "feedback export xlsx")
    assert file.name.endswith(".xlsx")
    assert file.mime == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(file.content)).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    shown = [
        [day.date().isoformat(), *(("" if c is None else str(c)) for c in rest)]
        for day, *rest in rows[1:]
    ]
    assert shown == expected_rows()  # "=1+1 …" is text here, not a formula
    assert isinstance(rows[1][4], int)


def test_export_of_one_campaign(exporting: Router) -> None:
    file = exported_file(exporting, "feedback export campaign:my-1111")
    assert file.name == "feedback-my-1111-2026-11-24.csv"
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"))))
    assert rows[1:] == expected_rows("my-1111")


def test_export_before_any_feedback(forms_router: Router, chat: Callable[..., str]) -> None:
    assert "No feedback has been logged yet." in chat("feedback export")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("feedback export pdf", "I don't understand “pdf”."),
        ("feedback export campaign:nope", "There is no campaign “nope”."),
        ("feedback report xlsx", "I don't understand “xlsx”."),
        ("feedback exprot", "Did you mean `export`?"),
        ("feedback export campaign:", "I don't understand “campaign:”."),
    ],
)
def test_bad_export_requests_are_answered_clearly(
    forms_router: Router, text: str, said: str
) -> None:
    reply = forms_router.handle(CommandRequest(text=text))
    assert not reply.ok
    assert said in render(reply)
    assert not any(isinstance(b, File) for b in reply.blocks)


# --- answers linked to their prompt ---------------------------------------------------------


@pytest.mark.parametrize(("given", "linked"), [("known", True), ("999999", False), ("x1", False)])
def test_a_submission_links_to_the_prompt_it_answers(
    forms_router: Router, sessions: sessionmaker[Session], given: str, linked: bool
) -> None:
    with sessions.begin() as session:
        form = prompt_form(
            platform="console",
            channel="C1",
            market="MY",
            period="2026-W48",
            campaign_id=None,
            now=AT,
            session=session,
        )
    values = {"creator": "amir", "rating": "4", "topic": "tools", FORM_ID: given}
    if given == "known":
        values[FORM_ID] = str(form.id)
    assert send(forms_router, values).ok
    with sessions() as session:
        stored = session.scalars(select(FeedbackResponse.form_id)).one()
    assert stored == (form.id if linked else None)
