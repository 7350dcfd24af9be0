"""The database goes away under a running bot: `/readyz` says so (a load balancer stops sending it
work) while `/livez` stays up (an orchestrator does not kill a bot that would recover), and it is
ready again once the database is back."""

from __future__ import annotations

from tests.bot.slack_harness import SlackBot
from tests.bot.test_health import base, get, until
from tests.faults.proxy import Proxy


def test_readyz_fails_while_the_database_is_down_and_livez_stays_up(
    bot: SlackBot, proxy: Proxy
) -> None:
    ready = {"status": "ready", "database": "ok", "migrations": "ok", "slack": "ok"}
    assert get(base(bot) + "/readyz") == (200, ready)

    proxy.down()

    status, answer = get(base(bot) + "/readyz")
    assert status == 503
    assert answer["status"] == "not ready"
    assert answer["database"] == "unreachable"
    assert get(base(bot) + "/livez") == (200, {"status": "alive"})

    proxy.up()
    until(lambda: get(base(bot) + "/readyz") == (200, ready))
