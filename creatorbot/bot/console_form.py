"""A form at the console: its fields asked one by one (choices numbered, the current value kept
on Enter), submitted like a modal, and the fields refused asked again."""

from __future__ import annotations

from collections.abc import Callable

from creatorbot.commands.core import CommandRequest
from creatorbot.commands.forms import FormField, FormLink
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Reply, Text
from creatorbot.commands.router import FORM_ERROR, Router

CANCEL = ("cancel", "annulla", "batal")
EMPTY = "-"


def fill(
    router: Router,
    link: FormLink,
    read: Callable[[str], str],
    write: Callable[[str], None],
    locale: str = "en",
) -> Reply:
    """Ask the form's fields, submit, and ask again those refused until it is saved or the
    operator cancels; what was saved, or that nothing was."""
    lang = Lang(locale)
    spec = router.forms.get(link.name)
    if spec is None:
        return Reply((Text(lang._("That form no longer exists.")),), ok=False)
    values = dict(link.prefill)
    write(f"{lang._(spec.form.title)}")
    write(lang._("Enter keeps the value in [brackets]; “-” empties it; “cancel” stops."))
    pending = list(spec.form.fields)
    while True:
        for field in pending:
            answer = _ask(field, values.get(field.name, ""), read, write, lang)
            if answer is None:
                return Reply((Text(lang._("Cancelled: nothing was saved.")),), ok=False)
            values[field.name] = answer
        request = CommandRequest(text="", platform="console", locale=locale)
        result = router.submit(request, link.name, values)
        if result.ok:
            return Reply((Text(result.message),))
        if FORM_ERROR in result.errors:
            return Reply((Text(result.errors[FORM_ERROR]),), ok=False)
        for field in spec.form.fields:
            if field.name in result.errors:
                write(f"✗ {lang._(field.label)}: {result.errors[field.name]}")
        pending = [f for f in spec.form.fields if f.name in result.errors] or list(spec.form.fields)


def _ask(
    field: FormField,
    current: str,
    read: Callable[[str], str],
    write: Callable[[str], None],
    lang: Lang,
) -> str | None:
    """One field's answer (None: cancelled); a choice by its number, value or label."""
    label = lang._(field.label) + ("" if field.required else " " + lang._("(optional)"))
    while True:
        if field.choices:
            write(label)
            for number, (value, text) in enumerate(field.choices, start=1):
                mark = " ←" if value == current else ""
                write(f"  {number}. {lang._(text)}{mark}")
        shown = f" [{current}]" if current else ""
        hint = f" ({lang._(field.placeholder)})" if field.placeholder and not current else ""
        prompt = f"> {shown.strip()} " if field.choices else f"{label}{hint}{shown}: "
        try:
            typed = read(prompt).strip()
        except EOFError:
            return None
        if typed.lower() in CANCEL:
            return None
        if not typed:
            return current
        if typed == EMPTY:
            return ""
        if not field.choices:
            return typed
        for number, (value, text) in enumerate(field.choices, start=1):
            if typed in (str(number), value) or typed.casefold() == lang._(text).casefold():
                return value
        write(lang._("Type one of the numbers."))
