"""The sources file: per warehouse, its SQLAlchemy URL, the markets it serves, when it is read,
and per kind the query whose columns are the kind's canonical columns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_AT = dt.time(6, 0)
DEFAULT_CHUNK_ROWS = 50_000
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PARAMETER = re.compile(r"(?<![:\w]):(day|market)\b")


class SourcesError(ValueError):
    """The sources file cannot be used; the message names the source and what is wrong, `at` is
    where in the `sources:` mapping (source name, key, …) and `problem` what, on its own."""

    def __init__(self, message: str, at: tuple[str, ...] = (), problem: str = "") -> None:
        super().__init__(message)
        self.at = at
        self.problem = problem or message


def _refused(source: str, problem: str, *at: str) -> SourcesError:
    return SourcesError(f"source `{source}`: {problem}", (source, *at), problem)


@dataclass(frozen=True)
class Query:
    """What one source reads for one kind: the SQL, and renames of its columns."""

    sql: str
    columns: Mapping[str, str] = field(default_factory=dict)  # the query's name → canonical

    @property
    def parameters(self) -> frozenset[str]:
        """Which of `:day` and `:market` the SQL takes."""
        return frozenset(_PARAMETER.findall(self.sql))


@dataclass(frozen=True)
class Source:
    """A warehouse: `markets` is empty when it serves every market."""

    name: str
    url: str = field(repr=False)  # may hold a password: never logged or shown
    queries: Mapping[str, Query]
    markets: tuple[str, ...] = ()
    at: dt.time = DEFAULT_AT  # the market-local time after which yesterday is read
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    engine_options: Mapping[str, Any] = field(default_factory=dict)

    def serves(self, market: str) -> bool:
        return not self.markets or market in self.markets


def load_sources(path: Path, environ: Mapping[str, str]) -> dict[str, Source]:
    """The sources declared in the YAML file at `path`, `${NAME}` in URLs taken from `environ`."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise SourcesError(f"{path}: not valid YAML ({exc})") from exc
    entries = (document or {}).get("sources") if isinstance(document, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise SourcesError(f"{path}: expected a `sources:` mapping of source names")
    return sources_from(entries, environ)


def sources_from(entries: Mapping[Any, Any], environ: Mapping[str, str]) -> dict[str, Source]:
    """The sources of a `sources:` mapping (the sources file's, or the config file's)."""
    return {str(name): _source(str(name), entry, environ) for name, entry in entries.items()}


def source_of(name: str, entry: Any, environ: Mapping[str, str]) -> Source:
    """One source of a `sources:` mapping; SourcesError when it cannot be used."""
    return _source(name, entry, environ)


def _source(name: str, entry: Any, environ: Mapping[str, str]) -> Source:
    # Here, not at the top: `creatorbot run` without a sources file only needs SourcesError.
    from creatorbot.storage.importers.kinds import KINDS

    if not isinstance(entry, dict):
        raise _refused(name, "expected a mapping with url and kinds")
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise _refused(name, "`url` (a SQLAlchemy URL) is required", "url")
    kinds = entry.get("kinds")
    if not isinstance(kinds, dict) or not kinds:
        raise _refused(name, f"`kinds` must name at least one of {', '.join(KINDS)}", "kinds")
    markets = entry.get("markets", entry.get("market", ()))
    markets = (markets,) if isinstance(markets, str) else tuple(str(m) for m in markets or ())
    queries = {str(kind): _query(name, str(kind), spec, markets) for kind, spec in kinds.items()}
    chunk_rows = entry.get("chunk_rows", DEFAULT_CHUNK_ROWS)
    if not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise _refused(name, "`chunk_rows` must be a whole number ≥ 1", "chunk_rows")
    options = entry.get("engine_options", {})
    if not isinstance(options, dict):
        raise _refused(name, "`engine_options` must be a mapping", "engine_options")
    return Source(
        name=name,
        url=_substituted(name, url.strip(), environ),
        queries=queries,
        markets=markets,
        at=_time(name, entry.get("at", DEFAULT_AT)),
        chunk_rows=chunk_rows,
        engine_options=options,
    )


def _query(source: str, kind: str, spec: Any, markets: tuple[str, ...]) -> Query:
    from creatorbot.storage.importers.kinds import KINDS

    if kind not in KINDS:
        raise _refused(source, f"unknown kind {kind!r}; one of {', '.join(KINDS)}", "kinds", kind)
    spec = {"query": spec} if isinstance(spec, str) else spec
    sql = spec.get("query") if isinstance(spec, dict) else None
    if not isinstance(sql, str) or not sql.strip():
        raise _refused(source, f"kind {kind}: `query` (SQL) is required", "kinds", kind)
    columns = spec.get("columns", {})
    if not isinstance(columns, dict):
        raise _refused(source, f"kind {kind}: `columns` must map names to names", "kinds", kind)
    query = Query(sql.strip(), {str(k): str(v) for k, v in columns.items()})
    # Without :market the query's rows are all taken as the one market the source serves.
    if "market" not in query.parameters and len(markets) != 1:
        raise _refused(
            source,
            f"kind {kind}: the query has no :market parameter, so the source must serve exactly "
            "one market (`market: MY`)",
            "kinds",
            kind,
        )
    return query


def _substituted(source: str, url: str, environ: Mapping[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise _refused(source, f"the URL uses ${{{name}}}, which is not set", "url")
        return environ[name]

    return _ENV.sub(value, url)


def _time(source: str, value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads an unquoted 06:00 as 360 (sexagesimal)
        return dt.time(value // 60, value % 60) if 0 <= value < 24 * 60 else _bad_time(source)
    try:
        hours, minutes = str(value).split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        return _bad_time(source)


def _bad_time(source: str) -> dt.time:
    raise _refused(source, '`at` must be a local time as HH:MM, e.g. "06:00"', "at")
