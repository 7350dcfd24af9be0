"""Relative links and images of the docs that point at no file, or at no heading of a page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from doccheck.markdown import Page, anchor, read

EXTERNAL = ("http://", "https://", "mailto:", "//")


def broken_links(pages: dict[Path, Page], root: Path) -> list[str]:
    """A line per broken link: `file:line: what is wrong`."""
    problems: list[str] = []
    for path, page in pages.items():
        for link in page.links:
            if link.target.startswith(EXTERNAL):
                continue
            where = f"{path.relative_to(root)}:{link.line}"
            file, _, fragment = link.target.partition("#")
            target = (path.parent / unquote(file)).resolve() if file else path
            if not target.exists():
                problems.append(f"{where}: {link.target}: no such file")
                continue
            if not fragment:
                continue
            if target.suffix != ".md":
                problems.append(f"{where}: {link.target}: an anchor into a non-Markdown file")
                continue
            anchors = (pages[target] if target in pages else read(target)).anchors
            if unquote(fragment).lower() not in anchors:
                problems.append(f"{where}: {link.target}: no heading #{fragment} in {target.name}")
    return problems


# Files outside the docs that send people to a page (and a section of it, `docs/x.md, "Title"`).
POINTERS = (".env.example", "manifest.yml", "Dockerfile", "Makefile", "pyproject.toml", ".ci/run")
SOURCES = ("creatorbot/**/*.py", "creatorbot/**/*.po", "bench/**/*.py")
MENTION = re.compile(r"\bdocs/([\w-]+\.md)(?:,? \"([^\"]+)\")?")


def stale_mentions(root: Path) -> list[str]:
    """A line per mention of a docs page, outside the docs, whose page or section is gone."""
    files = [root / name for name in POINTERS if (root / name).is_file()]
    files += sorted(path for pattern in SOURCES for path in root.glob(pattern))
    problems: list[str] = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            for match in MENTION.finditer(line):
                page, section = root / "docs" / match.group(1), match.group(2)
                where = f"{path.relative_to(root)}:{number}"
                if not page.is_file():
                    problems.append(f"{where}: docs/{match.group(1)}: no such file")
                elif section and anchor(section) not in read(page).anchors:
                    problems.append(f"{where}: docs/{match.group(1)}: no section “{section}”")
    return problems
