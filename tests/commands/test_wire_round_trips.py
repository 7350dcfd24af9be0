"""Round trips to PostgreSQL, counted on the wire (libpq's trace of every message sent), for a
user's second question: each one is a network wait, and on a quiet machine they cost more than
the work. BEGIN, COMMIT and the pool's liveness check count too, which a count of statements
misses."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from psycopg import pq
from sqlalchemy import Engine, event

from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands
from creatorbot.commands.router import Router
from creatorbot.storage import liveness
from creatorbot.storage.db import make_sessionmaker
from creatorbot.storage.lone import reads_only
from tests.commands.conftest import NOW
from tests.commands.test_slots import plan_rows, write_slots
from tests.conftest import private_schema

ADMIN = "admin"


class Wire:
    """Every connection the engine opens from now on, traced to a file of its own."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.files: list[Path] = []
        self.folder = folder
        engine.dispose()  # the connections already open were not traced: none is reused
        event.listen(engine, "connect", self._trace)

    def _trace(self, dbapi_connection: Any, _record: Any) -> None:
        path = self.folder / f"wire-{len(self.files)}.txt"
        self.files.append(path)
        handle = path.open("w")
        dbapi_connection.pgconn.trace(handle.fileno())
        dbapi_connection.pgconn.set_trace_flags(
            pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE
        )
        dbapi_connection._trace_file = handle  # kept open as long as the connection

    def lines(self) -> list[str]:
        """Every message so far, each connection's in order."""
        found: list[str] = []
        for path in self.files:
            found.extend(path.read_text().splitlines())
        return found

    def round_trips(self, since: int = 0) -> list[str]:
        """The round trips since message `since`: each run of messages from the client, told by
        its first message (a runs's messages go together, then the client waits)."""
        # A statement's text may hold line breaks: only a message's first line says its side.
        sent = [line.split("\t") for line in self.lines()[since:] if line[:2] in ("F\t", "B\t")]
        runs = itertools.groupby(sent, key=lambda fields: fields[0])
        return [" ".join(next(group)[2:]) for side, group in runs if side == "F"]


@pytest.fixture
def wired(tmp_path: Path) -> Iterator[tuple[Router, Wire]]:
    """The router over a PostgreSQL schema of its own, with slot data, its wire traced."""
    with private_schema("creatorbot_wire") as (engine, _schema):
        sessions = make_sessionmaker(engine)
        write_slots(sessions, plan_rows())
        wire = Wire(engine, tmp_path)
        services = Services(sessions=sessions, clock=lambda: NOW, admins={ADMIN})
        yield Router(commands(), services), wire


def asked_again(router: Router, wire: Wire, text: str) -> list[str]:
    """The round trips of the second asking of `text`, as a user's next question."""
    assert router.handle(CommandRequest(text=text, user=ADMIN)).ok
    since = len(wire.lines())
    assert router.handle(CommandRequest(text=text, user=ADMIN)).ok
    return wire.round_trips(since)


def test_slots_is_its_read_and_its_audit_entry(wired: tuple[Router, Wire]) -> None:
    # Before: a ping, BEGIN, the markets, the windows, COMMIT, a ping, the audit entry.
    trips = asked_again(*wired, "slots MY")
    assert len(trips) == 2, trips
    assert "SELECT slot_metrics.slot" in trips[0]
    assert "INSERT INTO audit_log" in trips[1]


def test_a_command_that_writes_still_writes_in_one_transaction(
    wired: tuple[Router, Wire],
) -> None:
    router, wire = wired
    trips = asked_again(router, wire, "digest subscribe snapshot MY at 09:00")
    writes = [n for n, trip in enumerate(trips) if "INSERT INTO subscriptions" in trip]
    assert writes, trips
    begin = next(n for n, trip in enumerate(trips) if '"BEGIN' in trip)
    commit = next(n for n, trip in enumerate(trips) if '"COMMIT"' in trip)
    assert begin < writes[0] < commit, trips


def test_a_connection_idle_for_a_while_is_pinged_first(
    wired: tuple[Router, Wire], monkeypatch: pytest.MonkeyPatch
) -> None:
    router, wire = wired
    monkeypatch.setattr(liveness, "IDLE_PING_SECONDS", 0.0)
    trips = asked_again(router, wire, "slots MY")
    assert trips[0] == 'Query  ";"', trips  # psycopg's ping: an empty statement
    assert len(trips) == 4, trips  # a ping for the command's connection and the audit's


@pytest.mark.parametrize(
    ("statement", "reads"),
    [
        ("SELECT 1", True),
        ("  select max(date) from daily_metrics", True),
        ("SELECT * FROM runs WHERE id = 1 FOR UPDATE", False),
        ("SELECT * FROM runs FOR NO KEY UPDATE SKIP LOCKED", False),
        ("SELECT pg_advisory_xact_lock(1)", False),
        ("SELECT nextval('runs_id_seq')", False),
        ("WITH x AS (DELETE FROM runs RETURNING id) SELECT id FROM x", False),
        ("INSERT INTO audit_log (at) VALUES (now())", False),
        ("SAVEPOINT sa_savepoint_1", False),
    ],
)
def test_only_a_plain_select_goes_without_a_transaction(statement: str, reads: bool) -> None:
    assert reads_only(statement) is reads
