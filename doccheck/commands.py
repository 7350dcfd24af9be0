"""Commands in the docs the bot does not know (chat, `creatorbot` verbs, slash) or understand."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from doccheck.known import Known, known
from doccheck.markdown import Page, spans

CLI = re.compile(r"(?:\S+/)?creatorbot")
SLASH = re.compile(r"/[a-z][\w-]*")
CRON = re.compile(r"[\d*/,-]+")
LITERAL = re.compile(r"[a-z][\w-]*(?:\|[a-z][\w-]*)*")
PLACEHOLDERS = {"ID", "N"}

# (text, strict) → the problem with the bot's answer to it, or "" when it was understood. Strict:
# an example, which must also be complete (no usage line); else a mention (`digest resume`),
# whose words must only be known.
Asker = Callable[[str, bool], str]


def runnable(text: str) -> bool:
    """Whether a command text is a real example rather than a pattern (`…`, `[x]`, `SLUG`)."""
    words = text.split()
    return bool(words) and not any(
        "…" in w or "[" in w or "|" in w or w in PLACEHOLDERS or (w.isupper() and len(w) > 2)
        for w in words
    )


def _words(text: str) -> list[str]:
    words = text.split()
    if words[:1] == ["$"]:
        words = words[1:]
    if len(words) > 5 and all(CRON.fullmatch(w) for w in words[:5]):
        words = words[5:]  # a crontab line
    return words


def _cli(words: list[str], text: str, k: Known) -> Iterator[str]:
    verb = words[1]
    if verb.startswith("-"):
        if verb.split("=")[0] not in k.top_options:
            yield f"`creatorbot {verb}`: no such option"
        return
    if not LITERAL.fullmatch(verb):
        return
    if verb not in k.verbs:
        yield f"`creatorbot {verb}`: no such verb"
        return
    spec = k.verbs[verb]
    for word in words[2:]:
        option = word.strip("[]()'\"").split("=")[0]
        if option.startswith("--") and option not in spec.options | k.top_options:
            yield f"`creatorbot {verb} {option}`: no such option"
    second = words[2] if len(words) > 2 else ""
    if spec.choices and LITERAL.fullmatch(second):
        for choice in second.split("|"):
            if choice not in spec.choices:
                yield f"`creatorbot {verb} {choice}`: not one of {', '.join(sorted(spec.choices))}"


def _chat(text: str, k: Known, where: str, actions: bool = True) -> Iterator[str]:
    """A chat command pattern (`digest run|pause ID`): its name and (with `actions`) its first
    literal word, which must be one of the command's actions."""
    words = text.lstrip("/").split()
    if not words or not words[0][0].isalpha() or words[0].isupper():
        return
    name = k.chat(words[0])
    if name is None:
        yield f"{where}: `{text}`: no chat command “{words[0]}”"
        return
    if actions and len(words) > 1 and LITERAL.fullmatch(words[1]):
        for word in words[1].split("|"):
            if not k.action(name, word):
                yield f"{where}: `{text}`: “{word}” is not an action of {name}"


def code_problems(
    text: str, where: str, k: Known, examples: list[tuple[str, str, bool]]
) -> list[str]:
    """The problems of one piece of code; the chat commands it runs are added to `examples`."""
    words = _words(text)
    if not words:
        return []
    first = words[0]
    problems: list[str] = []
    if CLI.fullmatch(first) and len(words) > 1:
        problems += [f"{where}: {p}" for p in _cli(words, text, k)]
        said = re.search(r"\"([^\"]+)\"", text)
        if words[1] == "ask" and said and runnable(said.group(1)):
            examples.append((where, said.group(1), True))
    elif first == "@creatorbot" and len(words) > 1:
        rest = " ".join(words[1:])
        problems += _chat(rest, k, where, actions=False)
        if runnable(rest):
            examples.append((where, rest, True))
    elif SLASH.fullmatch(first) and (first == "/creatorbot" or k.near(first[1:])):
        if first not in k.slash:
            problems.append(f"{where}: `{first}`: no such slash command in manifest.yml")
        elif first == "/creatorbot" and len(words) > 1:
            problems += _chat(" ".join(words[1:]), k, where, actions=False)
        if first in k.slash and runnable(" ".join(words)):
            examples.append((where, " ".join(words), True))
    elif k.chat(first) and len(words) > 1:
        if "|" in words[1]:
            problems += _chat(" ".join(words), k, where)
        if runnable(" ".join(words)):
            examples.append((where, " ".join(words), False))
    return problems


def reference(header: list[str]) -> int | None:
    """The example column of a command reference table (header `command | … | example`)."""
    names = [cell.lower() for cell in header]
    if names and names[0] == "command" and "example" in names:
        return names.index("example")
    return None


def unknown_commands(pages: dict[Path, Page], root: Path, ask: Asker) -> list[str]:
    """A line per command the docs show that the bot does not know or does not understand."""
    k = known()
    problems: list[str] = []
    examples: list[tuple[str, str, bool]] = []
    for path, page in pages.items():
        name = path.relative_to(root)
        for code in page.code:
            problems += code_problems(code.text, f"{name}:{code.line}", k, examples)
        for table in page.tables:
            column = reference(table.header)
            if column is None:
                continue
            for number, row in table.rows:
                where = f"{name}:{number}"
                for text in spans(row[0]):
                    problems += _chat(text, k, where)
                cell = row[column] if column < len(row) else ""
                examples += [(where, text, True) for text in spans(cell)]
    asked: dict[tuple[str, str], bool] = {}
    for where, text, strict in examples:  # an example is asked once, strictly if it is anywhere
        asked[where, text] = asked.get((where, text), False) or strict
    for (where, text), strict in asked.items():
        answer = ask(text, strict)
        if answer:
            problems.append(f"{where}: `{text}`: {answer}")
    return list(dict.fromkeys(problems))
