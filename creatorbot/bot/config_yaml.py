"""The config file's YAML reader: plain values with the line of each key, duplicate keys refused,
size and aliases capped (an alias bomb is refused, never expanded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 1_000_000
MAX_ALIASES = 100
MAX_VALUES = 100_000
MERGE = "tag:yaml.org,2002:merge"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"

Path = tuple[str, ...]


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: `line` (1-based) is None when the file has none to name."""

    line: int | None
    where: str  # the dotted path of the setting, "" for the file as a whole
    message: str

    def said(self, file: str) -> str:
        """One plain line: `file:line: where: message`."""
        place = f"{file}:{self.line}" if self.line else file
        where = f"{self.where}: " if self.where else ""
        return f"{place}: {where}{self.message}"


class YamlRefused(Exception):
    """The text cannot be read at all (not YAML, too big, an alias bomb)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Read:
    """The document as plain values, each key's line, and the duplicate keys left out."""

    value: Any
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Path) -> int | None:
        """The line of `path`, else of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


class _Loader(yaml.SafeLoader):
    """SafeLoader counting aliases as it composes (the pure-Python composer, so it can)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise YamlRefused(
                    Problem(mark.line + 1, "", f"more than {MAX_ALIASES} aliases (*name)")
                )
        return super().compose_node(parent, index)


def read(text: str) -> Read:
    """The document in `text`; YamlRefused when it is not one creatorbot reads."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlRefused(Problem(None, "", f"larger than {MAX_BYTES:,} bytes"))
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlRefused(Problem(line, "", f"not valid YAML: {exc.problem or exc}")) from exc
    except yaml.YAMLError as exc:
        raise YamlRefused(Problem(None, "", f"not valid YAML: {exc}")) from exc
    finally:
        loader.dispose()
    if node is None:
        return Read({}, {(): 1})
    try:
        return _Walk(loader).document(node)
    except yaml.MarkedYAMLError as exc:  # a tag SafeLoader does not construct (!!python/…)
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlRefused(Problem(line, "", f"not valid here: {exc.problem or exc}")) from exc


class _Walk:
    """Turns nodes into plain values, counting them so that aliases cannot multiply them."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.count = 0
        self.result = Read(None)

    def document(self, node: Node) -> Read:
        self.result.lines[()] = node.start_mark.line + 1
        self.result.value = self.value(node, ())
        return self.result

    def value(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise YamlRefused(
                Problem(
                    node.start_mark.line + 1,
                    "",
                    f"more than {MAX_VALUES:,} values once its aliases are expanded",
                )
            )
        if isinstance(node, ScalarNode):
            return self.loader.construct_object(node)
        if node.tag not in (SEQ, MAP):  # a list or map tagged to be made into something else
            raise YamlRefused(
                Problem(node.start_mark.line + 1, "", f"not valid here: the tag {node.tag!r}")
            )
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                here = (*path, str(index))
                self.result.lines.setdefault(here, item.start_mark.line + 1)
                items.append(self.value(item, here))
            return items
        assert isinstance(node, MappingNode)
        return self.mapping(node, path)

    def mapping(self, node: MappingNode, path: Path, *, merging: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        merged: list[MappingNode] = []
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                merged.extend(_merged(value_node))
                continue
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                self.result.problems.append(
                    Problem(line, ".".join(path), "a key must be a plain name, not a list or map")
                )
                continue
            key = self.loader.construct_object(key_node)
            here = (*path, str(key))
            if key in first:
                self.result.problems.append(
                    Problem(line, ".".join(here), f"given twice (first on line {first[key]})")
                )
                continue
            first[key] = line
            if merging:
                self.result.lines.setdefault(here, line)
            else:
                self.result.lines[here] = line
            mapping[key] = self.value(value_node, here)
        for source in merged:  # `<<: *defaults`: the keys written here win over merged ones
            for key, value in self.mapping(source, path, merging=True).items():
                mapping.setdefault(key, value)
        return mapping


def _merged(node: Node) -> list[MappingNode]:
    if isinstance(node, MappingNode):
        return [node]
    if isinstance(node, SequenceNode):
        return [item for item in node.value if isinstance(item, MappingNode)]
    return []
