"""The floors: every import points down (bot → jobs → commands → storage → analytics), and only
the platform adapters import a messenger's SDK."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "creatorbot"
FLOORS = ["bot", "jobs", "commands", "storage", "analytics"]
# Commands may use analytics directly as well as through storage.
SDKS = {"slack_bolt": "bot/slack", "slack_sdk": "bot/slack", "lark_oapi": "bot/lark"}


def imports_of(path: Path, package: Path = PACKAGE) -> set[str]:
    """Every module `path` imports, relative imports (`from ..storage import x`) resolved
    against where the file lies, so that they point down too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = [package.name, *path.relative_to(package).parent.parts]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - (node.level - 1)]
            if node.module:
                found.add(".".join([*base, node.module]))
            else:
                found.update(".".join([*base, alias.name]) for alias in node.names)
    return found


def test_relative_imports_are_read_as_the_modules_they_name(tmp_path: Path) -> None:
    module = tmp_path / "creatorbot" / "storage" / "queries" / "x.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from . import boards\nfrom .. import db\nfrom ...commands.reply import Reply\n"
        "from ...bot import app\nimport json\n",
        encoding="utf-8",
    )
    assert imports_of(module, tmp_path / "creatorbot") == {
        "creatorbot.storage.queries.boards",
        "creatorbot.storage.db",
        "creatorbot.commands.reply",
        "creatorbot.bot",
        "json",
    }


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    relative = path.relative_to(PACKAGE)
    if len(relative.parts) < 2:
        return
    floor = FLOORS.index(relative.parts[0])
    for module in imports_of(path):
        parts = module.split(".")
        if parts[0] == "creatorbot" and len(parts) > 1 and parts[1] in FLOORS:
            target = FLOORS.index(parts[1])
            assert target >= floor, f"{relative} imports {module}: an upward import"
        sdk_home = SDKS.get(parts[0])
        if sdk_home:
            assert str(relative).startswith(sdk_home), f"{relative} imports {parts[0]}"


def test_analytics_is_pure() -> None:
    for path in (PACKAGE / "analytics").rglob("*.py"):
        for module in imports_of(path):
            assert not module.startswith("creatorbot.") or module.startswith(
                "creatorbot.analytics"
            ), f"{path.name} imports {module}"
            assert module.split(".")[0] not in {"sqlalchemy", "requests", "socket", "urllib"}


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert not missing, f"modules without a docstring: {missing}"
