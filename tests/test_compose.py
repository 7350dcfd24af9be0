"""compose.yaml (PostgreSQL, two bot replicas, nginx) agrees with the bot it starts: every
setting it gives is one the bot reads, the replicas reach the database the compose file creates,
their health check asks /readyz on the port they listen on, and nginx sends to each of them.
(Docker is not needed: the file is read, not run.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from creatorbot.bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def bots(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services running the bot itself (`creatorbot run`: the image's default command)."""
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("build") == "." and "command" not in service
    }


def setting_names() -> set[str]:
    return {
        str(field.validation_alias)
        for field in Settings.model_fields.values()
        if isinstance(field.validation_alias, str)
    }


def test_it_starts_a_database_two_replicas_a_migration_and_a_load_balancer(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert len(bots(compose)) == 2
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["lb"]["image"].startswith("nginx:")
    assert (ROOT / "Dockerfile").is_file()
    for name, bot in bots(compose).items():
        needs = bot["depends_on"]
        assert needs["migrate"]["condition"] == "service_completed_successfully", name
    assert set(services["lb"]["depends_on"]) == set(bots(compose))


def test_the_replicas_settings_are_the_bots_own(compose: dict[str, Any]) -> None:
    known = setting_names()
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name, bot in bots(compose).items():
        given = set(bot["environment"])
        assert given <= known, f"{name}: {sorted(given - known)} are not settings the bot reads"
        assert all(f"{setting}=" in example for setting in given)
        assert int(bot["environment"]["CREATORBOT_PROCESSES"]) >= 1
        Settings(_env_file=None, **bot["environment"])  # each value is one the bot accepts


def test_the_replicas_reach_the_database_compose_creates(compose: dict[str, Any]) -> None:
    db = compose["services"]["db"]["environment"]
    urls = [bot["environment"]["DATABASE_URL"] for bot in bots(compose).values()]
    urls.append(compose["services"]["migrate"]["environment"]["DATABASE_URL"])
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "postgresql"
        assert (parts.hostname, parts.port) == ("db", 5432)
        assert (parts.username, parts.password) == (db["POSTGRES_USER"], db["POSTGRES_PASSWORD"])
        assert parts.path == f"/{db['POSTGRES_DB']}"


def test_the_health_check_asks_readyz_on_the_replicas_port(compose: dict[str, Any]) -> None:
    for name, bot in bots(compose).items():
        port = bot["environment"]["PORT"]
        probe = " ".join(bot["healthcheck"]["test"])
        assert f"http://127.0.0.1:{port}/readyz" in probe, name


def test_nginx_sends_to_each_replica_on_its_port(compose: dict[str, Any]) -> None:
    [mount] = compose["services"]["lb"]["volumes"]
    source, target = mount.split(":")[:2]
    assert target == "/etc/nginx/conf.d/default.conf"
    conf = (ROOT / source).read_text(encoding="utf-8")
    upstream = set(re.findall(r"^\s*server\s+([\w-]+):(\d+)", conf, re.MULTILINE))
    assert upstream == {(name, bot["environment"]["PORT"]) for name, bot in bots(compose).items()}
    assert re.search(r"proxy_pass\s+http://creatorbot;", conf)
    assert "non_idempotent" not in conf  # a delivery already sent is never sent to another
