"""Import problems that remember their wording: the English text, plus the template and values
it was made of, so that chat can say the same thing in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def N_(template: str) -> Message:
    """Mark an import problem's English wording for the catalogs (`make i18n` extracts it)."""
    return Message(template)


class Message(str):
    """An English template of an import problem; `format` keeps what it was made of."""

    def format(self, *args: Any, **params: Any) -> Said:
        if args:  # the wording names every value; positional values could not be translated
            raise TypeError("import messages take named values only")
        return Said(str.format(self, **params), self, params)


class Said(str):
    """A message as written in English, remembering its `template` and `params`."""

    template: Message
    params: dict[str, Any]

    def __new__(cls, text: str, template: Message, params: dict[str, Any]) -> Said:
        said = super().__new__(cls, text)
        said.template = template
        said.params = params
        return said

    def __reduce__(self) -> tuple[Any, ...]:
        return (Said, (str(self), self.template, self.params))


OR = N_(" or ")


class Alternatives(tuple[str, ...]):
    """Values offered as alternatives, written "a or b" in English (and in each language its
    own way)."""

    def __new__(cls, values: Iterable[str]) -> Alternatives:
        return super().__new__(cls, tuple(values))

    def __str__(self) -> str:
        return OR.join(self)
