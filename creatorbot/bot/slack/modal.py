"""Forms as Slack modals: a Form → a modal view, a submitted view → field values, errors back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from creatorbot.bot.slack.blocks import SlackMessage, escape
from creatorbot.commands.forms import Choice, Form, FormField, label_key
from creatorbot.commands.i18n import Lang

CALLBACK_PREFIX = "cb.form."
TITLE_MAX = 24  # Slack's limit for a modal's title and buttons
ERROR_MAX = 150
OPTION_MAX = 75  # Slack's limit for an option's text
MIN_QUERY = 1  # characters typed before Slack asks for options: the list is never all of them


def _plain(text: str, limit: int = 150) -> dict[str, Any]:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return {"type": "plain_text", "text": text or " ", "emoji": True}


def form_view(
    form: Form, lang: Lang, metadata: Mapping[str, str], prefill: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The modal for `form`, in the user's language, fields filled with `prefill` (by name; a
    choice only with one of its values); `metadata` comes back with the submission."""
    prefill = prefill or {}
    return {
        "type": "modal",
        "callback_id": CALLBACK_PREFIX + form.name,
        "title": _plain(lang._(form.title), TITLE_MAX),
        "submit": _plain(lang._(form.submit), TITLE_MAX),
        "close": _plain(lang._("Cancel"), TITLE_MAX),
        "private_metadata": json.dumps(dict(metadata)),
        "blocks": [_block(f, lang, prefill) for f in form.fields],
    }


def _block(form_field: FormField, lang: Lang, prefill: Mapping[str, str]) -> dict[str, Any]:
    initial = prefill.get(form_field.name, "")
    if form_field.source:
        return _type_ahead(form_field, lang, initial, prefill.get(label_key(form_field.name), ""))
    return _input(form_field, lang, initial)


def _type_ahead(form_field: FormField, lang: Lang, value: str, label: str) -> dict[str, Any]:
    """An external select: Slack asks `on_options` for the choices as the user types; a
    pre-filled one shows the label its link carried (else its value)."""
    element: dict[str, Any] = {
        "type": "external_select",
        "action_id": form_field.name,
        "min_query_length": MIN_QUERY,
    }
    if form_field.placeholder:
        element["placeholder"] = _plain(lang._(form_field.placeholder))
    if value:
        element["initial_option"] = option(Choice(value, label or value))
    return {
        "type": "input",
        "block_id": form_field.name,
        "optional": not form_field.required,
        "label": _plain(lang._(form_field.label)),
        "element": element,
    }


def option(choice: Choice) -> dict[str, Any]:
    """A choice as a Slack option (its value within Slack's 150 characters)."""
    return {"text": _plain(choice.label, OPTION_MAX), "value": choice.value[:150]}


def _input(form_field: FormField, lang: Lang, initial: str = "") -> dict[str, Any]:
    element: dict[str, Any]
    if form_field.kind == "choice":
        element = {
            "type": "static_select",
            "action_id": form_field.name,
            "options": [
                {"text": _plain(lang._(label), 75), "value": value}
                for value, label in form_field.choices
            ],
        }
        if not initial and form_field.name == "language":
            initial = lang.language
        chosen = next((o for o in element["options"] if o["value"] == initial), None)
        if chosen:
            element["initial_option"] = chosen
    else:
        element = {
            "type": "plain_text_input",
            "action_id": form_field.name,
            "multiline": form_field.kind == "long_text",
            "max_length": form_field.max_length,
        }
        if form_field.placeholder:
            element["placeholder"] = _plain(lang._(form_field.placeholder))
        if initial:
            element["initial_value"] = initial[: form_field.max_length]
    return {
        "type": "input",
        "block_id": form_field.name,
        "optional": not form_field.required,
        "label": _plain(lang._(form_field.label)),
        "element": element,
    }


def metadata_of(view: Mapping[str, Any]) -> dict[str, str] | None:
    """The private metadata a form's modal was opened with, its values as text; None when it
    is not the JSON object form_view wrote (another version's modal, or tampered with)."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return None
    if not isinstance(metadata, dict):
        return None
    return {str(k): v for k, v in metadata.items() if isinstance(v, str)}


def submitted_values(view: Mapping[str, Any]) -> dict[str, str]:
    """The values a user entered, by field name (a choice gives its value); anything not of
    the shape Slack documents is left out, for the form's own checks to report as missing."""
    state = view.get("state")
    blocks = state.get("values") if isinstance(state, dict) else None
    values: dict[str, str] = {}
    for block_id, actions in (blocks if isinstance(blocks, dict) else {}).items():
        for element in actions.values() if isinstance(actions, dict) else ():
            if not isinstance(element, dict):
                continue
            if element.get("type") in ("static_select", "external_select"):
                chosen = element.get("selected_option")
                values[block_id] = str(chosen.get("value", "")) if isinstance(chosen, dict) else ""
            else:
                values[block_id] = str(element.get("value") or "")
    return values


def field_errors(form: Form, errors: Mapping[str, str]) -> dict[str, str]:
    """Errors keyed by the modal's block ids; an error about the whole form (FORM_ERROR) goes
    on the first field, where the user sees it."""
    names = {f.name for f in form.fields}
    out: dict[str, str] = {}
    for name, message in errors.items():
        block = name if name in names else form.fields[0].name
        out[block] = (out[block] + " " if block in out else "") + message
    return {block: message[:ERROR_MAX] for block, message in out.items()}


def message_view(title: str, message: SlackMessage) -> dict[str, Any]:
    """A modal that shows an answer (used where there is no conversation to answer in)."""
    return {
        "type": "modal",
        "title": _plain(title, TITLE_MAX),
        "close": _plain("OK", TITLE_MAX),
        "blocks": message.blocks,
    }


def notice_view(message: str, title: str = "creatorbot") -> dict[str, Any]:
    """A modal that says one thing: an answer on its way, or a submission that can't be taken."""
    return {
        "type": "modal",
        "title": _plain(title, TITLE_MAX),
        "close": _plain("OK", TITLE_MAX),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": escape(message)}}],
    }


def thanks_view(form: Form, lang: Lang, message: str) -> dict[str, Any]:
    """What the modal turns into once the submission is saved."""
    return {
        "type": "modal",
        "title": _plain(lang._(form.title), TITLE_MAX),
        "close": _plain(lang._("Close"), TITLE_MAX),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"✅ {escape(message)}"}}
        ],
    }
