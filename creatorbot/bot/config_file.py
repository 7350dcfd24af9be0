"""The config file (`CREATORBOT_CONFIG`): read and checked against the settings, every problem
named with its line, secrets refused; what it gives, as the settings' values."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import SecretStr, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from creatorbot.bot.config_error import ConfigError
from creatorbot.bot.config_yaml import Path as KeyPath
from creatorbot.bot.config_yaml import Problem, Read, YamlRefused, read

# commands/policy.py's roles, written here so that reading the file needs no database models
# (tests/bot/test_config_file.py holds them equal).
ROLES = ("admin", "lead", "cm", "am", "viewer")
STAFF_KEYS = ("chat", "role", "markets")
SOURCE_KEYS = ("url", "markets", "market", "at", "chunk_rows", "engine_options", "kinds")
QUERY_KEYS = ("query", "columns")
# Settings whose file value is a list, kept by the settings as a comma-separated string.
LISTS = ("admins", "rate_limit_exempt")
# The settings only the file gives (no environment variable): the inline sources, staff roles,
# the exports' headers.
FILE_ONLY = ("warehouses", "staff_roles", "header_aliases")
NOT_IN_FILE = ("config", "deprecated", *FILE_ONLY)
_MARKET = re.compile(r"[A-Za-z]{2}")
_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@:]*:([^/@]*)@")
_FROM_ENVIRONMENT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")


class _Unchecked(dict[str, str]):
    """An environment in which every `${NAME}` is set: the file read without checking them."""

    def __contains__(self, name: object) -> bool:
        return True

    def __missing__(self, name: str) -> str:
        return ""


@dataclass
class Checked:
    """The settings the file gives (by field name) and what is wrong with it."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def problems_of(
    path: Path, fields: Mapping[str, FieldInfo], environ: Mapping[str, str]
) -> list[str]:
    """Every problem of the file at `path`, one line each (empty: the file is good); the
    sources' `${NAME}`s must be set in `environ`."""
    return [problem.said(str(path)) for problem in check(path, fields, environ).problems]


def load(path: Path, fields: Mapping[str, FieldInfo]) -> dict[str, Any]:
    """The settings the file at `path` gives; ConfigError naming every problem. The sources'
    `${NAME}`s are not looked up: a command that reads no warehouse needs none of them set
    (`creatorbot run` and `config check` check them)."""
    checked = check(path, fields, _Unchecked())
    if checked.problems:
        raise ConfigError([problem.said(str(path)) for problem in checked.problems])
    return checked.values


def check(path: Path, fields: Mapping[str, FieldInfo], environ: Mapping[str, str]) -> Checked:
    """The file at `path` read against the settings' `fields`; `${NAME}`s from `environ`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        return Checked(problems=[Problem(None, "", f"cannot be read ({exc.strerror or exc})")])
    except UnicodeDecodeError:
        return Checked(problems=[Problem(None, "", "not UTF-8 text")])
    try:
        document = read(text)
    except YamlRefused as exc:
        return Checked(problems=[exc.problem])
    return _Checker(document, fields, environ).run()


class _Checker:
    def __init__(
        self, document: Read, fields: Mapping[str, FieldInfo], environ: Mapping[str, str]
    ) -> None:
        self.document = document
        self.fields = fields
        self.environ = environ
        self.checked = Checked(problems=list(document.problems))
        # Each secret setting's environment variable, by the field's name and by its own.
        self.secrets: dict[str, str] = {}
        for name, info in fields.items():
            alias = info.validation_alias
            if _is_secret(info) and isinstance(alias, str):
                self.secrets |= {name: alias, alias: alias}

    def problem(self, path: KeyPath, message: str) -> None:
        self.checked.problems.append(Problem(self.document.line(path), ".".join(path), message))

    def run(self) -> Checked:
        top = self.document.value
        if not isinstance(top, dict):
            self.problem((), "expected settings by name (`staff:`, `sources:`, `locale: it`, …)")
            return self._sorted()
        sections = {
            "staff": self.staff,
            "column_map": self.column_map,
            "header_aliases": self.header_aliases,
            "sources": self.sources,
        }
        for key, value in top.items():
            name = str(key)
            if name in sections:
                sections[name](value)
            elif name in self.secrets:
                self.problem((name,), _secret_said(self.secrets[name]))
            elif name in self.fields and name not in NOT_IN_FILE:
                self.plain(name, value)
            else:
                self.unknown((name,), name, self._known())
        return self._sorted()

    def _sorted(self) -> Checked:
        self.checked.problems.sort(key=lambda p: p.line or 0)
        return self.checked

    # --- plain settings -------------------------------------------------------------------

    def plain(self, name: str, value: Any) -> None:
        if name in LISTS:
            value = self.names((name,), value)
            if value is None:
                return
            value = ",".join(value)
        if name == "database_url" and isinstance(value, str) and _PASSWORD.match(value):
            self.problem((name,), _secret_said("DATABASE_URL", "a database URL with a password"))
            return
        info = self.fields[name]
        kind: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        adapter: TypeAdapter[Any] = TypeAdapter(kind)
        try:
            self.checked.values[name] = adapter.validate_python(value)
        except ValidationError as exc:
            said = exc.errors()[0]["msg"]
            self.problem((name,), f"{value!r} is not valid: {said[:1].lower()}{said[1:]}")

    def names(self, path: KeyPath, value: Any) -> list[str] | None:
        """A list of chat user ids (a single one, or a comma-separated string, also do)."""
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            self.problem(path, f"{value!r} is not valid: expected a list of chat user ids")
            return None
        return [item.strip() for item in items if item.strip()]

    # --- staff ----------------------------------------------------------------------------

    def staff(self, value: Any) -> None:
        if not self._mapping(("staff",), value, "names (as the creators file writes them)"):
            return
        chats: dict[str, str] = {}
        roles: dict[str, dict[str, Any]] = {}
        for key, entry in value.items():
            name, path = str(key), ("staff", str(key))
            if isinstance(entry, str):
                entry = {"chat": entry}
            if not isinstance(entry, dict):
                self.problem(path, f"{entry!r} is not valid: expected a chat user id, or chat/role")
                continue
            self.keys(path, entry, STAFF_KEYS)
            chat = entry.get("chat")
            if chat is not None and not _chat_id(chat):
                self.problem((*path, "chat"), f"{chat!r} is not a chat user id (U0123ABCD, ou_…)")
                continue
            role = entry.get("role")
            if role is not None and role not in ROLES:
                self.problem((*path, "role"), f"{role!r} is not one of {', '.join(ROLES)}")
                continue
            markets = self.markets((*path, "markets"), entry.get("markets"))
            if chat is None:
                self.problem(path, "the chat user id (`chat:`) is missing")
                continue
            chats[name] = chat
            if role is not None and markets is not None:
                roles[chat] = {"role": role, "markets": markets}
            elif markets:
                self.problem((*path, "markets"), "markets are given with a role (`role: cm`)")
        self.checked.values["staff"] = chats
        self.checked.values["staff_roles"] = roles

    def markets(self, path: KeyPath, value: Any) -> list[str] | None:
        items = [value] if isinstance(value, str) else [] if value is None else value
        if not isinstance(items, list) or not all(
            isinstance(item, str) and _MARKET.fullmatch(item) for item in items
        ):
            self.problem(path, f"{value!r} is not valid: expected market codes, e.g. [MY, IT]")
            return None
        return [item.upper() for item in items]

    # --- column maps ----------------------------------------------------------------------

    def column_map(self, value: Any) -> None:
        from creatorbot.storage.importers.kinds import BY_NAME

        if not self._mapping(("column_map",), value, "kinds (daily_metrics, …, or '*')"):
            return
        every = sorted({f.name for kind in BY_NAME.values() for f in kind.fields})
        maps: dict[str, dict[str, str]] = {}
        for key, renames in value.items():
            kind, path = str(key), ("column_map", str(key))
            if kind != "*" and kind not in BY_NAME:
                self.unknown(path, kind, (*BY_NAME, "*"), what="kind")
                continue
            if not self._mapping(path, renames, "your headers to the canonical columns"):
                continue
            columns = every if kind == "*" else [f.name for f in BY_NAME[kind].fields]
            maps[kind] = {}
            for header, column in renames.items():
                here = (*path, str(header))
                if not isinstance(column, str):
                    self.problem(here, f"{column!r} is not valid: expected a column name")
                elif column not in columns:
                    self.unknown(here, column, columns, what="column")
                else:
                    maps[kind][str(header)] = column
        self.checked.values["column_map"] = maps

    # --- TikTok Shop exports' headers -----------------------------------------------------

    def header_aliases(self, value: Any) -> None:
        from creatorbot.storage.importers.native.formats import FORMATS

        if not self._mapping(("header_aliases",), value, "export formats"):
            return
        added: dict[str, dict[str, list[str]]] = {}
        for key, fields in value.items():
            name, path = str(key), ("header_aliases", str(key))
            if name not in FORMATS:
                self.unknown(path, name, FORMATS, what="export format")
                continue
            if not self._mapping(path, fields, "its columns to your headers"):
                continue
            known = [column.field for column in FORMATS[name].columns]
            added[name] = {}
            for field_name, headers in fields.items():
                here = (*path, str(field_name))
                listed = [headers] if isinstance(headers, str) else headers
                if field_name not in known:
                    self.unknown(here, str(field_name), known, what="column")
                elif not isinstance(listed, list) or not all(
                    isinstance(h, str) and h.strip() for h in listed
                ):
                    self.problem(here, f"{headers!r} is not valid: expected a list of headers")
                else:
                    added[name][str(field_name)] = listed
        self.checked.values["header_aliases"] = added

    # --- warehouse sources ----------------------------------------------------------------

    def sources(self, value: Any) -> None:
        from creatorbot.storage.sync.sources import SourcesError, source_of

        if not self._mapping(("sources",), value, "source names"):
            return
        for key, entry in value.items():
            name, path = str(key), ("sources", str(key))
            if isinstance(entry, dict) and not self.source_keys(path, entry):
                continue
            try:
                source_of(name, entry, self.environ)
            except SourcesError as exc:
                self.problem(("sources", *exc.at), exc.problem)
        self.checked.values["warehouses"] = value

    def source_keys(self, path: KeyPath, entry: dict[Any, Any]) -> bool:
        """Report a source's unknown keys; False when its URL holds a password."""
        self.keys(path, entry, SOURCE_KEYS)
        kinds = entry.get("kinds")
        for kind, spec in kinds.items() if isinstance(kinds, dict) else ():
            if isinstance(spec, dict):
                self.keys((*path, "kinds", str(kind)), spec, QUERY_KEYS)
        url = entry.get("url")
        password = _PASSWORD.match(url) if isinstance(url, str) else None
        if password and not _FROM_ENVIRONMENT.fullmatch(password.group(1)):
            said = "a password is a secret: write ${NAME} for it, set NAME in the environment"
            self.problem((*path, "url"), said)
            return False
        return True

    # --- shared ---------------------------------------------------------------------------

    def _mapping(self, path: KeyPath, value: Any, of: str) -> bool:
        if isinstance(value, dict):
            return True
        self.problem(path, f"{value!r} is not valid: expected a mapping of {of}")
        return False

    def keys(self, path: KeyPath, entry: dict[Any, Any], known: tuple[str, ...]) -> None:
        for key in [str(k) for k in entry if k not in known]:
            self.unknown((*path, key), key, known, what="key")

    def unknown(self, path: KeyPath, name: str, known: Any, *, what: str = "setting") -> None:
        known = list(known)
        guess = difflib.get_close_matches(_bare(name), known, n=1, cutoff=0.6)
        if guess:
            hint = f"; did you mean {guess[0]!r}?"
        elif len(known) <= 12:
            hint = f"; one of {', '.join(known)}"
        else:
            hint = " (creatorbot.example.yaml shows them)"
        self.problem(path, f"unknown {what} {name!r}{hint}")

    def _known(self) -> list[str]:
        return [name for name in self.fields if name not in NOT_IN_FILE + tuple(self.secrets)]


def _is_secret(info: FieldInfo) -> bool:
    return SecretStr in getattr(info.annotation, "__args__", (info.annotation,))


def _secret_said(variable: str, what: str = "a secret") -> str:
    return f"{what} is never read from the file: set {variable} in the environment"


def _bare(name: str) -> str:
    """A name as the settings spell it: `CREATORBOT_DEFAULT_MARKET` → `default_market`."""
    lowered = name.strip().lower()
    return lowered.removeprefix("creatorbot_")


def _chat_id(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not any(c.isspace() for c in value)
