"""Forms as Lark cards: a form container whose submit button carries the form's link, the
values a submission brings back, and the "thanks" card the form turns into once saved. A field
with a type-ahead source is a select of the busiest choices with a search box under it: Lark's
select has no options callback, so its Search button sends the form back and the card returns
with the choices that match (every other answer kept)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from creatorbot.bot.lark.api import Card
from creatorbot.bot.lark.card import escape
from creatorbot.commands.forms import Choice, Form, FormField, FormLink, label_key
from creatorbot.commands.i18n import Lang

SUBMIT = "submit"  # the action a form's submit button carries
SEARCH = "search"  # the action of a type-ahead field's Search button
SEARCH_SUFFIX = "_q"  # a type-ahead field's search box is named after it with this
LABEL_MAX = 100
# Choices a select shows: two lists of them must fit a card's 200 elements and 28 KB.
MAX_CHOICES = 50


def _plain(text: str, limit: int = LABEL_MAX) -> dict[str, str]:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"tag": "plain_text", "content": text or " "}


def form_card(
    form: Form,
    lang: Lang,
    link: FormLink,
    choices: Mapping[str, Sequence[Choice]] | None = None,
    searched: Mapping[str, str] | None = None,
) -> Card:
    """The card for `form`, in the user's language, its fields pre-filled from `link` (a
    choice only with one of its values); the link comes back with the submission. A field
    with `choices` is a select of them (the pre-filled one first) and a search box holding
    what `searched` says was looked for; without any, typed text."""
    choices = choices or {}
    searched = searched or {}
    elements: list[dict[str, Any]] = []
    for f in form.fields:
        initial = link.prefill.get(f.name, "")
        if f.source and (f.name in choices or initial):
            label = link.prefill.get(label_key(f.name), "") or initial
            offered = _with_chosen(choices.get(f.name, ()), Choice(initial, label))
            elements += _type_ahead(f, lang, offered, initial, searched.get(f.name, ""), link)
        else:
            elements.append(_input(f, lang, initial, searchable=any(g.source for g in form.fields)))
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


def _with_chosen(choices: Sequence[Choice], chosen: Choice) -> list[Choice]:
    """At most MAX_CHOICES choices, the one already chosen (if any) first."""
    rest = [c for c in choices if c.value != chosen.value]
    return ([chosen] if chosen.value else []) + rest[: MAX_CHOICES - bool(chosen.value)]


def _type_ahead(
    form_field: FormField,
    lang: Lang,
    offered: Sequence[Choice],
    initial: str,
    searched: str,
    link: FormLink,
) -> list[dict[str, Any]]:
    """A select of `offered`, then a search box and its Search button side by side; with
    nothing to offer, the field is typed text and says that nothing matched."""
    select: dict[str, Any] = {
        "tag": "select_static",
        "name": form_field.name,
        "placeholder": _plain(lang._(form_field.label)),
        "options": [{"text": _plain(c.label), "value": c.value} for c in offered],
        "required": False,  # a Search with the field empty must reach us
    }
    if initial:
        select["initial_option"] = initial
    box: dict[str, Any] = {
        "tag": "input",
        "name": form_field.name + SEARCH_SUFFIX,
        "placeholder": _plain(lang._(form_field.placeholder or form_field.label)),
        "max_length": 100,
    }
    if searched:
        box["default_value"] = searched[:100]
    button: dict[str, Any] = {
        "tag": "button",
        "name": SEARCH + "_" + form_field.name,
        "text": _plain(lang._("Search")),
        "type": "default",
        "form_action_type": "submit",
        "behaviors": [
            {
                "type": "callback",
                "value": {"action": SEARCH, "value": str(link), "field": form_field.name},
            }
        ],
    }
    label = _plain(lang._(form_field.label))
    chooser: dict[str, Any]
    if offered:
        chooser = {"tag": "column_set", "columns": [_labelled(label, select)]}
    else:
        chooser = _input(form_field, lang, "", searchable=True)
        if searched:
            chooser["placeholder"] = _plain(
                lang._("Nothing matches “{text}”.").format(text=searched)
            )
    search_row = {
        "tag": "column_set",
        "columns": [
            {"tag": "column", "width": "weighted", "weight": 3, "elements": [box]},
            {"tag": "column", "width": "auto", "elements": [button]},
        ],
    }
    return [chooser, search_row]


def searched_of(form: Form, form_value: Mapping[str, Any]) -> dict[str, str]:
    """What each type-ahead field's search box held when the form was sent back."""
    found: dict[str, str] = {}
    for form_field in form.fields:
        value = form_value.get(form_field.name + SEARCH_SUFFIX)
        if form_field.source and isinstance(value, str) and value.strip():
            found[form_field.name] = value.strip()[:100]
    return found


def _input(
    form_field: FormField, lang: Lang, initial: str, searchable: bool = False
) -> dict[str, Any]:
    """A field as a select or a text input. In a form with a Search button nothing is required
    in the card (Lark would hold a Search back until every required field is filled): the
    submission's own checks say what is missing."""
    required = form_field.required and not searchable
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
            "required": required,
        }
        if any(value == initial for value, _ in form_field.choices):
            element["initial_option"] = initial
        return {"tag": "column_set", "columns": [_labelled(label, element)]}
    element = {
        "tag": "input",
        "name": form_field.name,
        "label": label,
        "label_position": "top",
        "required": required,
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
