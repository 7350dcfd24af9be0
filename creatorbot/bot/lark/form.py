"""Forms as Lark cards: a form container whose submit button carries the form's link, the
values a submission brings back, and the "thanks" card the form turns into once saved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from creatorbot.bot.lark.api import Card
from creatorbot.bot.lark.card import escape
from creatorbot.commands.forms import Form, FormField, FormLink
from creatorbot.commands.i18n import Lang

SUBMIT = "submit"  # the action a form's submit button carries
LABEL_MAX = 100


def _plain(text: str, limit: int = LABEL_MAX) -> dict[str, str]:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"tag": "plain_text", "content": text or " "}


def form_card(form: Form, lang: Lang, link: FormLink) -> Card:
    """The card for `form`, in the user's language, its fields pre-filled from `link` (a
    choice only with one of its values); the link comes back with the submission."""
    elements: list[dict[str, Any]] = [
        _input(f, lang, link.prefill.get(f.name, "")) for f in form.fields
    ]
    elements.append(
        {
            "tag": "button",
            "name": SUBMIT,
            "text": _plain(lang._(form.submit)),
            "type": "primary_filled",
            "form_action_type": "submit",
            "behaviors": [{"type": "callback", "value": {"action": SUBMIT, "value": str(link)}}],
        }
    )
    return {
        "schema": "2.0",
        "config": {"update_multi": True},
        "header": {"title": _plain(lang._(form.title)), "template": "blue"},
        "body": {"elements": [{"tag": "form", "name": form.name, "elements": elements}]},
    }


def _input(form_field: FormField, lang: Lang, initial: str) -> dict[str, Any]:
    label = _plain(lang._(form_field.label))
    if form_field.kind == "choice":
        if not initial and form_field.name == "language":
            initial = lang.language
        element: dict[str, Any] = {
            "tag": "select_static",
            "name": form_field.name,
            "placeholder": _plain(lang._(form_field.label)),
            "options": [
                {"text": _plain(lang._(text)), "value": value} for value, text in form_field.choices
            ],
            "required": form_field.required,
        }
        if any(value == initial for value, _ in form_field.choices):
            element["initial_option"] = initial
        return {"tag": "column_set", "columns": [_labelled(label, element)]}
    element = {
        "tag": "input",
        "name": form_field.name,
        "label": label,
        "label_position": "top",
        "required": form_field.required,
        "max_length": form_field.max_length,
    }
    if form_field.kind == "long_text":
        element.update(input_type="multiline_text", rows=4, auto_resize=True)
    if form_field.placeholder:
        element["placeholder"] = _plain(lang._(form_field.placeholder))
    if initial:
        element["default_value"] = initial[: form_field.max_length]
    return element


def _labelled(label: dict[str, str], element: dict[str, Any]) -> dict[str, Any]:
    """A select with its label above it (selects have no label of their own)."""
    heading = {"tag": "markdown", "content": f"**{escape(label['content'])}**"}
    return {"tag": "column", "width": "weighted", "weight": 1, "elements": [heading, element]}


def submitted(form: Form, form_value: Mapping[str, Any]) -> dict[str, str]:
    """The values a user entered, by field name; fields left empty come back as ""."""
    values: dict[str, str] = {}
    for form_field in form.fields:
        value = form_value.get(form_field.name)
        if isinstance(value, list):  # a multi-select; ours are single
            value = value[0] if value else ""
        values[form_field.name] = "" if value is None else str(value).strip()
    return values


def thanks_card(form: Form, lang: Lang, message: str) -> Card:
    """What the form card turns into once the submission is saved."""
    return {
        "schema": "2.0",
        "config": {"update_multi": True},
        "header": {"title": _plain(lang._(form.title)), "template": "green"},
        "body": {"elements": [{"tag": "markdown", "content": f"✅ {escape(message)}"}]},
    }
