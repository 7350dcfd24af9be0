"""Relative links and images of the docs that point at no file, or at no heading of a page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from doccheck.markdown import Page, read

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
