"""The form's limits per address and per link hold across replicas, on SQLite and PostgreSQL:
two web fronts over one database share one count."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from tests.bot.web_world import CAMPAIGN, make_web, seed_world

SLUG = str(CAMPAIGN["slug"])


def test_a_flood_from_one_address_spread_over_two_replicas_is_refused(
    sessions: sessionmaker[Session],
) -> None:
    seed_world(sessions)
    one = make_web(sessions, per_address=6, per_link=100)
    other = make_web(sessions, per_address=6, per_link=100)
    path = one.link("giulia", SLUG)
    statuses = [
        web.get(path, remote="203.0.113.9").status for _ in range(4) for web in (one, other)
    ]
    assert statuses == [200] * 6 + [429] * 2
    assert other.get(path, remote="198.51.100.7").status == 200  # another address


def test_a_flood_on_one_link_spread_over_two_replicas_is_refused(
    sessions: sessionmaker[Session],
) -> None:
    seed_world(sessions)
    one = make_web(sessions, per_address=100, per_link=3)
    other = make_web(sessions, per_address=100, per_link=3)
    path = one.link("giulia", SLUG)
    statuses = [
        web.get(path, remote=f"203.0.113.{n}").status
        for n, web in enumerate((one, other, one, other, one))
    ]
    assert statuses == [200] * 3 + [429] * 2
    assert other.get(one.link("marco.live", SLUG)).status == 200  # another link
