"""A delivery is claimed once, across sessions (as across replicas), and forgotten when old."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.storage.events import claim_event, forget_events, seen

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def test_an_event_is_claimed_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        assert claim_event("slack", "Ev1", NOW, session=session)
    with sessions.begin() as session:
        assert not claim_event("slack", "Ev1", NOW, session=session)
        assert claim_event("lark", "Ev1", NOW, session=session)  # another platform's id space


def test_old_events_are_forgotten(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        claim_event("slack", "old", NOW - dt.timedelta(days=3), session=session)
        claim_event("slack", "new", NOW, session=session)
    with sessions.begin() as session:
        assert forget_events(NOW - dt.timedelta(days=1), session=session) == 1
    with sessions.begin() as session:
        assert claim_event("slack", "old", NOW, session=session)
        assert not claim_event("slack", "new", NOW, session=session)


def test_an_event_seen_exactly_at_the_cutoff_is_not_older_and_is_kept(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        claim_event("slack", "edge", NOW, session=session)
    with sessions.begin() as session:
        assert forget_events(NOW, session=session) == 0
        assert seen("slack", "edge", session=session)


def test_seen_tells_a_handled_event_until_it_is_forgotten(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        assert not seen("slack", "Ev1", session=session)
        claim_event("slack", "Ev1", NOW, session=session)
    with sessions.begin() as session:
        assert seen("slack", "Ev1", session=session)
        assert not seen("lark", "Ev1", session=session)
        assert not seen("slack", "Ev2", session=session)
        forget_events(NOW + dt.timedelta(seconds=1), session=session)
    with sessions.begin() as session:
        assert not seen("slack", "Ev1", session=session)
