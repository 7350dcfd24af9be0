"""The watched inbox: a settled file is imported once, in one transaction, and filed under done/;
a bad one under failed/ with its reasons; files being written, a crash, the database away and a
second process never make a file imported twice or lost."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.jobs import inbox as inbox_job
from creatorbot.jobs.inbox import IMPORTED, KEPT, RECOVERED, REFUSED, Inbox
from creatorbot.jobs.runner import Runner
from creatorbot.jobs.scheduler import Scheduler
from creatorbot.storage.db import make_sessionmaker
from creatorbot.storage.inbox import InboxFolder
from creatorbot.storage.leader import LeaderLock
from tests.jobs.inbox_world import (
    audited,
    clock,
    creators_file,
    daily_file,
    database_url,
    names,
    stored,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path: Path) -> InboxFolder:
    root = tmp_path / "inbox"
    root.mkdir()
    watched = InboxFolder(root)
    watched.prepare()
    return watched


def claims(folder: InboxFolder) -> list[str]:
    """The claims left in processing/ (its lock for taking turns aside)."""
    return [p.name for p in folder.processing.iterdir() if not p.name.startswith(".")]


def watch(folder: InboxFolder, sessions: sessionmaker[Session]) -> Inbox:
    return Inbox(InboxFolder(folder.root), sessions, clock)


def test_a_good_file_is_imported_once_filed_under_done_and_audited(
    folder: InboxFolder, sessions: sessionmaker[Session]
) -> None:
    creators_file(folder.root / "creators.csv", 40, age=120)
    expected = daily_file(folder.root / "daily.csv", 40, age=60)
    inbox = watch(folder, sessions)

    assert inbox.poll() == []  # first look: nothing is taken before a second one agrees
    assert stored(sessions) == {}
    handled = inbox.poll()

    # The creators file is older and goes first, so the day's figures find their creators.
    assert [(h.name, h.outcome) for h in handled] == [
        ("creators.csv", IMPORTED),
        ("daily.csv", IMPORTED),
    ]
    assert handled[1].said == (
        "daily.csv: imported 40 daily_metrics rows, 40 new, 0 updated → done/daily.csv"
    )
    assert stored(sessions) == expected
    assert names(folder.done) == ["creators.csv", "daily.csv"]
    assert names(folder.root) == [] and names(folder.failed) == []
    assert claims(folder) == []
    assert audited(sessions) == [
        ("inbox", "inbox", "creators creators.csv", "answered", 40),
        ("inbox", "inbox", "daily_metrics daily.csv", "answered", 40),
    ]
    # More polls find nothing more to do: imported once.
    assert inbox.poll() == [] and inbox.poll() == []
    assert len(audited(sessions)) == 2


def test_a_bad_file_lands_in_failed_with_its_reasons_and_writes_nothing(
    folder: InboxFolder, sessions: sessionmaker[Session]
) -> None:
    creators_file(folder.root / "creators.csv", 5, age=120)
    inbox = watch(folder, sessions)
    inbox.poll()
    inbox.poll()
    bad = folder.root / "bad.csv"
    daily_file(bad, 5)
    lines = bad.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split(",")
    fields[3] = "-5.00"  # row 4 of the spreadsheet: a negative GMV
    lines[3] = ",".join(fields)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder.root / "notes.csv").write_text("what,is,this\n1,2,3\n", encoding="utf-8")
    (folder.root / "report.pdf").write_bytes(b"%PDF-1.7")

    inbox.poll()
    handled = inbox.poll()

    assert sorted((h.name, h.outcome) for h in handled) == [
        ("bad.csv", REFUSED),
        ("notes.csv", REFUSED),
        ("report.pdf", REFUSED),
    ]
    assert names(folder.failed) == [
        "bad.csv",
        "bad.csv.txt",
        "notes.csv",
        "notes.csv.txt",
        "report.pdf",
        "report.pdf.txt",
    ]
    reasons = (folder.failed / "bad.csv.txt").read_text(encoding="utf-8")
    assert "bad.csv: 1 problem, nothing was imported" in reasons
    assert 'row 4, column gmv: "-5.00"' in reasons
    assert "matches no kind" in (folder.failed / "notes.csv.txt").read_text(encoding="utf-8")
    assert "only .csv, .xlsx, .xlsm, .txt, .tsv files" in (
        folder.failed / "report.pdf.txt"
    ).read_text(encoding="utf-8")
    assert stored(sessions) == {}  # not one row of the bad file
    assert (folder.failed / "bad.csv").read_text(encoding="utf-8") == "\n".join(lines) + "\n"
    assert sorted(entry[2:4] for entry in audited(sessions)[1:]) == [
        ("bad.csv", "refused"),
        ("notes.csv", "refused"),
        ("report.pdf", "refused"),
    ]


def test_files_still_being_written_are_left_alone(
    folder: InboxFolder, sessions: sessionmaker[Session]
) -> None:
    creators_file(folder.root / "creators.csv", 5)
    inbox = watch(folder, sessions)
    inbox.poll()
    inbox.poll()
    partial = ["daily.csv.part", "daily.tmp", ".daily.csv.swp", "~$daily.xlsx", ".~lock.csv#"]
    for name in partial:
        daily_file(folder.root / name, 5)
    growing = folder.root / "daily.csv"
    expected = daily_file(growing, 5)
    content = growing.read_bytes()
    growing.write_bytes(content[:100])  # the copy has begun

    assert inbox.poll() == []
    with growing.open("ab") as out:  # still coming in between the two looks
        out.write(content[100:200])
    assert inbox.poll() == []
    growing.write_bytes(content)  # complete, but changed since the last look
    assert inbox.poll() == []
    assert inbox.waiting() == ["daily.csv"]
    assert stored(sessions) == {}

    handled = inbox.poll()  # unchanged across two looks: taken

    assert [(h.name, h.outcome) for h in handled] == [("daily.csv", IMPORTED)]
    assert stored(sessions) == expected
    assert sorted(names(folder.root)) == sorted(partial)  # never touched


def test_a_name_already_in_done_or_failed_gets_the_time(
    folder: InboxFolder, sessions: sessionmaker[Session]
) -> None:
    creators_file(folder.root / "creators.csv", 5)
    inbox = watch(folder, sessions)
    inbox.poll()
    inbox.poll()
    for _ in range(2):
        creators_file(folder.root / "creators.csv", 5)
        (folder.root / "x.pdf").write_bytes(b"%PDF")
        inbox.poll()
        inbox.poll()

    assert names(folder.done) == [
        "creators.20261206T093000Z-2.csv",
        "creators.20261206T093000Z.csv",
        "creators.csv",
    ]
    assert names(folder.failed) == [
        "x.20261206T093000Z.pdf",
        "x.20261206T093000Z.pdf.txt",
        "x.pdf",
        "x.pdf.txt",
    ]


CRASH = textwrap.dedent(
    """
    import os, sys
    from creatorbot.jobs import inbox as job
    from creatorbot.storage.db import make_engine, make_sessionmaker
    from creatorbot.storage.inbox import InboxFolder
    from tests.jobs.inbox_world import clock

    real = job.write

    def write_then_die(prepared, *, session):
        real(prepared, session=session)
        session.flush()
        print("written, not committed", flush=True)
        os._exit(9)  # the power goes: no commit, no clean-up

    job.write = write_then_die
    sessions = make_sessionmaker(make_engine(sys.argv[1]))
    inbox = job.Inbox(InboxFolder(sys.argv[2]), sessions, clock)
    inbox.poll()
    inbox.poll()
    """
)


def crash(script: str, engine: Engine, folder: InboxFolder) -> subprocess.CompletedProcess[str]:
    """Run `script` (a bot process that dies on the way) against the database and the inbox."""
    return subprocess.run(
        [sys.executable, "-c", script, database_url(engine), str(folder.root)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def test_a_crash_mid_import_leaves_the_file_in_processing_and_the_next_start_imports_it(
    folder: InboxFolder, sessions: sessionmaker[Session], engine: Engine
) -> None:
    creators_file(folder.root / "creators.csv", 5)
    inbox = watch(folder, sessions)
    inbox.poll()
    inbox.poll()
    expected = daily_file(folder.root / "daily.csv", 5)

    crashed = crash(CRASH, engine, folder)

    assert crashed.returncode == 9, crashed.stderr
    assert "written, not committed" in crashed.stdout
    assert stored(sessions) == {}  # the transaction died with it
    left = [p.name for p in folder.processing.rglob("daily.csv")]
    assert left == ["daily.csv"] and names(folder.root) == []

    restarted = watch(folder, sessions)
    first = restarted.poll()
    assert [(h.name, h.outcome) for h in first] == [("daily.csv", RECOVERED)]
    handled = restarted.poll()

    assert [(h.name, h.outcome) for h in handled] == [("daily.csv", IMPORTED)]
    assert stored(sessions) == expected
    assert names(folder.done) == ["creators.csv", "daily.csv"]
    assert claims(folder) == []


CRASH_AFTER_COMMIT = textwrap.dedent(
    """
    import os, sys
    from creatorbot.jobs import inbox as job
    from creatorbot.storage.db import make_engine, make_sessionmaker
    from creatorbot.storage.inbox import InboxFolder
    from tests.jobs.inbox_world import clock

    def die_before_filing(self, claim, at):
        print("committed, not filed", flush=True)
        os._exit(9)  # the power goes between the commit and the move to done/

    InboxFolder.finish = die_before_filing
    sessions = make_sessionmaker(make_engine(sys.argv[1]))
    inbox = job.Inbox(InboxFolder(sys.argv[2]), sessions, clock)
    inbox.poll()
    inbox.poll()
    """
)


def test_a_crash_after_the_commit_files_the_file_under_done_without_importing_it_again(
    folder: InboxFolder, sessions: sessionmaker[Session], engine: Engine
) -> None:
    creators_file(folder.root / "creators.csv", 5)
    inbox = watch(folder, sessions)
    inbox.poll()
    inbox.poll()
    expected = daily_file(folder.root / "daily.csv", 5)
    once = [
        ("inbox", "inbox", "creators creators.csv", "answered", 5),
        ("inbox", "inbox", "daily_metrics daily.csv", "answered", 5),
    ]

    crashed = crash(CRASH_AFTER_COMMIT, engine, folder)

    assert crashed.returncode == 9, crashed.stderr
    assert "committed, not filed" in crashed.stdout
    assert stored(sessions) == expected  # the import is in, with its audit entry
    assert audited(sessions) == once

    restarted = watch(folder, sessions)
    first = restarted.poll()

    assert [(h.name, h.outcome) for h in first] == [("daily.csv", RECOVERED)]
    assert first[0].said == "daily.csv: had been imported before the restart → done/daily.csv"
    assert names(folder.done) == ["creators.csv", "daily.csv"] and names(folder.root) == []
    assert restarted.poll() == [] and restarted.poll() == []
    assert claims(folder) == []
    assert audited(sessions) == once  # imported once, audited once


def test_a_claim_of_a_live_process_is_not_recovered(
    folder: InboxFolder, sessions: sessionmaker[Session]
) -> None:
    daily_file(folder.root / "daily.csv", 5)
    mine = InboxFolder(folder.root).claim("daily.csv")
    assert mine is not None

    other = watch(folder, sessions)
    assert other.poll() == [] and other.poll() == []

    assert mine.path.exists()
    assert names(folder.root) == []


def unreachable(backend: str, tmp_path: Path) -> sessionmaker[Session]:
    """Sessions on a database that is not there: a SQLite file in no folder, a PostgreSQL port
    nothing listens on."""
    if backend == "sqlite":
        return make_sessionmaker(create_engine(f"sqlite:///{tmp_path}/gone/db.sqlite3"))
    return make_sessionmaker(
        create_engine(
            "postgresql+psycopg://postgres@127.0.0.1:9/test", connect_args={"connect_timeout": 2}
        )
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_database_down_keeps_the_file_for_the_next_poll(
    backend: str, folder: InboxFolder, tmp_path: Path, sqlite_sessions: sessionmaker[Session]
) -> None:
    creators_file(folder.root / "creators.csv", 5, age=120)
    creators_file(folder.root / "more.csv", 5, age=60)
    down = watch(folder, unreachable(backend, tmp_path))
    down.poll()

    handled = down.poll()

    # The first file met the database away; the poll stopped there, nothing failed.
    assert [(h.name, h.outcome) for h in handled] == [("creators.csv", KEPT)]
    assert "kept for the next poll, the database is unavailable" in handled[0].said
    assert names(folder.root) == ["creators.csv", "more.csv"]
    assert names(folder.failed) == [] and names(folder.done) == []
    assert claims(folder) == []
    assert [(h.name, h.outcome) for h in down.poll()] == [("creators.csv", KEPT)]

    down.sessions = sqlite_sessions  # the database is back
    back = down.poll()

    assert [(h.name, h.outcome) for h in back] == [
        ("creators.csv", IMPORTED),
        ("more.csv", IMPORTED),
    ]
    assert names(folder.done) == ["creators.csv", "more.csv"]


def test_two_pollers_that_both_think_they_lead_import_each_file_once(
    folder: InboxFolder, sessions: sessionmaker[Session]
) -> None:
    creators_file(folder.root / "creators.csv", 30)
    setup = watch(folder, sessions)
    setup.poll()
    setup.poll()
    expected = {}
    for day in range(1, 13):
        expected[day] = daily_file(
            folder.root / f"day{day:02d}.csv", 30, seed=day, day=dt.date(2026, 11, day)
        )
    pollers = [watch(folder, sessions), watch(folder, sessions)]
    for poller in pollers:
        poller.poll()
    results: list[list[str]] = [[], []]

    def run(n: int) -> None:
        for _ in range(3):
            results[n] += [h.name for h in pollers[n].poll() if h.outcome == IMPORTED]

    threads = [threading.Thread(target=run, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    taken = results[0] + results[1]
    assert sorted(taken) == [f"day{day:02d}.csv" for day in range(1, 13)]
    imports = [entry[2] for entry in audited(sessions)[1:]]
    assert sorted(imports) == [f"daily_metrics day{day:02d}.csv" for day in range(1, 13)]
    assert names(folder.done) == ["creators.csv"] + [f"day{day:02d}.csv" for day in range(1, 13)]
    for day, figures in expected.items():
        assert stored(sessions, dt.date(2026, 11, day)) == figures


def test_only_the_scheduler_that_leads_polls_the_inbox(
    folder: InboxFolder,
    engine: Engine,
    sessions: sessionmaker[Session],
    make_runner: Callable[..., Runner],
) -> None:
    creators_file(folder.root / "creators.csv", 5)
    leader, standby = (
        Scheduler(make_runner(worker), LeaderLock(engine), sessions, clock, tick_seconds=3600)
        for worker in ("w1", "w2")
    )
    polls = {}
    for name, scheduler in (("leader", leader), ("standby", standby)):
        scheduler.every(3600, "inbox", watch(folder, sessions).poll)
        polls[name] = scheduler.aps.get_job("inbox").func
    assert leader.lock.acquire() and not standby.lock.acquire()
    try:
        for _ in range(3):
            polls["standby"]()
        assert names(folder.root) == ["creators.csv"]  # a standby never touches the inbox
        polls["leader"]()
        polls["leader"]()
        assert names(folder.done) == ["creators.csv"]
        leader.lock.release()  # the leader is gone: the standby takes over
        assert standby.lock.acquire()
        creators_file(folder.root / "more.csv", 5)
        polls["standby"]()
        polls["standby"]()
        assert names(folder.done) == ["creators.csv", "more.csv"]
    finally:
        leader.lock.release()
        standby.lock.release()


def test_a_second_process_waits_for_the_first_so_files_are_imported_in_their_order(
    folder: InboxFolder, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The creators file came first; while one process is still writing it, another must not
    # take the day's figures that name those creators (they would be refused as unknown).
    creators_file(folder.root / "creators.csv", 10, age=120)
    expected = daily_file(folder.root / "daily.csv", 10, age=60)
    first, second = watch(folder, sessions), watch(folder, sessions)
    first.poll()
    second.poll()
    writing, finish = threading.Event(), threading.Event()
    real_write = inbox_job.write

    def slow_write(prepared: Any, **options: Any) -> Any:
        if prepared.preview.kind == "creators":
            writing.set()
            finish.wait(30)
        return real_write(prepared, **options)

    monkeypatch.setattr(inbox_job, "write", slow_write)
    handled: dict[str, list[str]] = {"first": [], "second": []}

    def poll(name: str, inbox: Inbox) -> None:
        handled[name] = [f"{h.name} {h.outcome}" for h in inbox.poll()]

    one = threading.Thread(target=poll, args=("first", first))
    one.start()
    assert writing.wait(30)
    two = threading.Thread(target=poll, args=("second", second))
    two.start()
    two.join(1.0)  # the second process is given time to take the day's file, if it would
    finish.set()
    one.join(30)
    two.join(30)

    assert names(folder.failed) == []
    assert names(folder.done) == ["creators.csv", "daily.csv"]
    assert handled["first"] + handled["second"] == [
        f"creators.csv {IMPORTED}",
        f"daily.csv {IMPORTED}",
    ]
    assert stored(sessions) == expected
