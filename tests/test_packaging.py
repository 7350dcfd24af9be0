"""What installs ship: the lock files pin every dependency within pyproject's ranges (with
hashes), the image installs from the lock, and the extras split Slack, Lark and PostgreSQL."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ \\]+) \\$", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    """Name → version of each requirement the lock file pins."""
    text = (ROOT / lock).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def requirements(*extras: str) -> list[Requirement]:
    """The base dependencies and those of `extras` (self-references followed)."""
    found = [Requirement(r) for r in PROJECT["dependencies"]]
    todo = list(extras)
    while todo:
        for line in PROJECT["optional-dependencies"][todo.pop()]:
            requirement = Requirement(line)
            if requirement.name == "creatorbot":
                todo.extend(requirement.extras)
            else:
                found.append(requirement)
    return found


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", ("all",)), ("requirements-dev.lock", ("dev",))]
)
def test_the_lock_pins_every_dependency_within_its_range(lock: str, extras: tuple[str]) -> None:
    pinned = pins(lock)
    environment = default_environment()
    for requirement in requirements(*extras):
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{lock} does not pin {name}"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock}: {name}=={pinned[name]} is outside {requirement.specifier}"
        )


def test_every_pin_has_a_hash_and_the_image_and_the_tests_agree() -> None:
    text = (ROOT / "requirements.lock").read_text()
    assert text.count("--hash=sha256:") >= len(pins("requirements.lock"))
    dev = pins("requirements-dev.lock")
    for name, version in pins("requirements.lock").items():
        assert dev.get(name) == version, (
            f"{name}: the image has {version}, the tests {dev.get(name)}"
        )


def test_platforms_and_postgres_are_extras_and_all_takes_each() -> None:
    base = {canonicalize_name(Requirement(r).name) for r in PROJECT["dependencies"]}
    assert not base & {"slack-bolt", "slack-sdk", "lark-oapi", "psycopg"}
    assert {canonicalize_name(r.name) for r in requirements("all")} >= {
        "slack-bolt",
        "slack-sdk",
        "lark-oapi",
        "psycopg",
    }
    assert "creatorbot[all]" in PROJECT["optional-dependencies"]["dev"]


def test_the_image_installs_the_lock_with_hashes_and_checks_readiness() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "--no-deps ." in dockerfile
    assert "/readyz" in dockerfile
