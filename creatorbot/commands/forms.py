"""Forms as data: the fields a platform renders (a Slack modal, a Lark card form), the link a
button opens one with, and the result of a submission. Labels are catalog message ids."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, urlencode

from creatorbot.commands.i18n import N_

FieldKind = Literal["text", "long_text", "choice"]


@dataclass(frozen=True)
class Choice:
    """One entry of a list: the value a form gets back and what the user reads."""

    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    """One input: its name, label, kind, whether it is required, and its choices."""

    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    placeholder: str = ""
    max_length: int = 200
    # A type-ahead list of choices from commands/pickers.py (`creators`, `campaigns`), where
    # the platform has one; else typed text.
    source: str = ""
    # The label when the person the answer is about fills it in (the creators' web form);
    # empty: `label`.
    own_label: str = ""


@dataclass(frozen=True)
class Form:
    """A form: what it is called, its submit button, its fields."""

    name: str
    title: str
    submit: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class FormResult:
    """The outcome of a submission: saved (with a message) or refused (errors per field)."""

    ok: bool
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)


FORM_ACTION = "form"  # the button that opens the feedback form
FORM_ID = "form"  # the link's key for the prompt a submission answers (a FeedbackForm id)
# The key of the platform's id for the form being submitted (a Slack modal's view id, a Lark
# card's message id): the same form sent again with the same answers is one submission.
SUBMISSION = "_submission"


def label_key(name: str) -> str:
    """The key, in a form link, of the text a pre-filled choice shows (its value is an id)."""
    return f"{name}.label"


def submission_key(values: Mapping[str, str]) -> str | None:
    """What identifies one submission: the form it came from and every answer in it; None
    when the platform named no form (the console)."""
    if not values.get(SUBMISSION):
        return None
    answers = json.dumps(sorted(values.items()), ensure_ascii=False)
    return hashlib.sha256(answers.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class FormLink:
    """What a form button opens: the form's name and its pre-filled values by field name
    (FORM_ID, when present, names the prompt the answer belongs to)."""

    name: str
    prefill: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        """The button value: `feedback`, or `feedback?form=12&campaign=my-1111-2026`."""
        query = urlencode({key: value for key, value in self.prefill.items() if value})
        return f"{self.name}?{query}" if query else self.name

    @classmethod
    def parse(cls, value: str) -> FormLink:
        """The link a button value names; a plain name (or a garbled query) pre-fills nothing."""
        name, _, query = value.strip().partition("?")
        try:
            return cls(name, dict(parse_qsl(query, max_num_fields=20)))
        except ValueError:
            return cls(name)


TOPICS = (
    ("payout", N_("Payout")),
    ("traffic", N_("Traffic")),
    ("tools", N_("Tools")),
    ("policy", N_("Policy")),
    ("samples", N_("Samples")),
    ("other", N_("Other")),
)
RATINGS = tuple((str(n), "★" * n) for n in range(1, 6))
LANGUAGES = (("en", "English"), ("it", "Italiano"), ("ms", "Bahasa Melayu"))

FEEDBACK = Form(
    name="feedback",
    title=N_("Creator feedback"),
    submit=N_("Save"),
    fields=(
        FormField(
            "creator",
            N_("Creator"),
            required=False,
            placeholder=N_("Type a handle or a name"),
            source="creators",
        ),
        FormField(
            "campaign",
            N_("Campaign"),
            required=False,
            placeholder=N_("Type a campaign's name or slug"),
            source="campaigns",
        ),
        FormField(
            "rating",
            N_("Rating"),
            kind="choice",
            choices=RATINGS,
            own_label=N_("How did it go, overall?"),
        ),
        FormField(
            "topic",
            N_("Topic"),
            kind="choice",
            choices=TOPICS,
            own_label=N_("What is it mostly about?"),
        ),
        FormField(
            "comment",
            N_("What did they say?"),
            kind="long_text",
            required=False,
            max_length=2000,
            own_label=N_("Anything you would like to tell us?"),
        ),
        FormField("language", N_("Language of the feedback"), kind="choice", choices=LANGUAGES),
    ),
)
