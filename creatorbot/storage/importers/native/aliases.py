"""The header aliases of each native export, one TOML file per format and language (aliases/)
and those an operator adds (the config file's `header_aliases:`), and recognising an export's
format and language from its header."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

from creatorbot.storage.importers.native.formats import FORMATS, LANGUAGES, Format


def normal(name: str) -> str:
    """A header as compared: case, surrounding and repeated spaces ignored."""
    return " ".join(str(name).split()).casefold()


@dataclass(frozen=True)
class Aliases:
    """One format's headers in one language: normalised header → column field."""

    format: Format
    language: str
    columns: dict[str, str]
    content_types: dict[str, str]  # normalised content type → "live" or "video"
    statuses: dict[str, str]  # normalised order status → "left_out" (cancelled, unpaid)


# The operator's headers: format → column field → headers, added to every language's.
_ADDED: list[dict[str, dict[str, tuple[str, ...]]]] = [{}]


def configure(added: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
    """Recognise `added` headers too from now on (set once at start, from the settings): per
    format, per column field, headers as the team's exports write them; they win over the
    shipped ones for the same header."""
    _ADDED[0] = {
        name: {field: tuple(headers) for field, headers in fields.items()}
        for name, fields in added.items()
    }
    all_aliases.cache_clear()


@functools.cache
def all_aliases() -> tuple[Aliases, ...]:
    """Every alias file shipped, with the operator's headers added, read once."""
    folder = resources.files(__package__).joinpath("aliases")
    found = []
    for name, spec in FORMATS.items():
        for language in LANGUAGES:
            data = tomllib.loads(folder.joinpath(f"{name}.{language}.toml").read_text("utf-8"))
            known = {column.field for column in spec.columns}
            columns: dict[str, str] = {}
            for field, headers in data["columns"].items():
                if field not in known:
                    raise ValueError(f"{name}.{language}.toml: unknown column {field!r}")
                columns.update({normal(header): field for header in headers})
            for field, headers in _ADDED[0].get(name, {}).items():
                columns.update({normal(header): field for header in headers})
            contents = {
                normal(text): kind
                for kind, texts in data.get("content_types", {}).items()
                for text in texts
            }
            statuses = {
                normal(text): kind
                for kind, texts in data.get("statuses", {}).items()
                for text in texts
            }
            found.append(Aliases(spec, language, columns, contents, statuses))
    return tuple(found)


@dataclass(frozen=True)
class Recognised:
    """A header read as a native export: which of the file's columns is which field."""

    aliases: Aliases
    fields: dict[str, str]  # the file's header (as written) → field, first occurrence
    unmatched: tuple[str, ...]

    @property
    def format(self) -> Format:
        return self.aliases.format

    @property
    def language(self) -> str:
        return self.aliases.language


def recognise(header: list[str]) -> Recognised | None:
    """The format and language whose aliases match most of `header` and all its required
    columns; None when none does. A language is judged by its own words first: on a tie the
    order of LANGUAGES decides (English, whose words other UIs borrow, first)."""
    names = [name for name in header if name]
    best: Recognised | None = None
    for aliases in all_aliases():
        fields: dict[str, str] = {}
        for name in names:
            field = aliases.columns.get(normal(name))
            if field is not None and field not in fields.values():
                fields[name] = field
        if not set(aliases.format.required) <= set(fields.values()):
            continue
        if best is None or len(fields) > len(best.fields):
            unmatched = tuple(name for name in names if name not in fields)
            best = Recognised(aliases, fields, unmatched)
    return best
