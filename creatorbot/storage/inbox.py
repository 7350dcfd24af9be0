"""The watched inbox folder: which files are ready, claiming one atomically, and where it ends up
(done/, failed/ with its reasons beside it, or back in the inbox for the next poll)."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import itertools
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

logger = logging.getLogger(__name__)

ACCEPTED = (".csv", ".xlsx", ".xlsm", ".txt", ".tsv")
PROCESSING, DONE, FAILED = "processing", "done", "failed"
REASONS = ".txt"  # failed/x.csv has its reasons in failed/x.csv.txt
CLAIM_LOCK = ".claim.lock"
TURN_LOCK = ".turn.lock"  # in processing/, beside the claims (folders)
# An empty claim is a process between making its folder and moving the file in; one this old
# was left by a crash at that moment.
EMPTY_CLAIM_AGE = dt.timedelta(minutes=10)

Seen = dict[str, tuple[int, int]]  # a file's name → (size, mtime in ns) when last looked at


def being_written(name: str) -> bool:
    """Names that sync clients, browsers, scp wrappers and Office give a file still being
    written or a lock beside an open one: never touched."""
    lowered = name.lower()
    return name.startswith((".", "~$")) or lowered.endswith((".part", ".tmp", ".crdownload"))


def accepted(name: str) -> bool:
    """Whether the file's type is one creatorbot imports."""
    return name.lower().endswith(ACCEPTED)


@dataclass
class Claim:
    """A file this process moved into processing/ and alone may finish; the lock says to any
    other process that its owner is alive."""

    name: str  # as it was dropped
    path: Path  # where it is now: processing/<claim>/<name>
    lock: IO[str]

    @property
    def id(self) -> str:
        """The claim's own name (its folder's), unique to this take of the file."""
        return self.path.parent.name


class InboxFolder:
    """The inbox at `root` and its processing/, done/ and failed/ folders."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.processing = self.root / PROCESSING
        self.done = self.root / DONE
        self.failed = self.root / FAILED

    def prepare(self) -> None:
        """Create processing/, done/ and failed/ (the inbox itself must exist)."""
        if not self.root.is_dir():
            raise NotADirectoryError(f"the inbox {self.root} is not a folder")
        for folder in (self.processing, self.done, self.failed):
            folder.mkdir(exist_ok=True)

    def look(self) -> Seen:
        """The files in the inbox now, with their size and modification time; names still being
        written and folders are left out."""
        seen: Seen = {}
        with os.scandir(self.root) as entries:
            for entry in entries:
                if being_written(entry.name) or not entry.is_file(follow_symlinks=False):
                    continue
                with contextlib.suppress(FileNotFoundError):  # taken by another process
                    stat = entry.stat(follow_symlinks=False)
                    seen[entry.name] = (stat.st_size, stat.st_mtime_ns)
        return seen

    @staticmethod
    def settled(before: Seen, now: Seen) -> list[str]:
        """The files whose size and modification time did not change between two looks, the
        oldest first (a creators file dropped before the day's figures is imported first)."""
        same = [name for name, stat in now.items() if before.get(name) == stat]
        return sorted(same, key=lambda name: (now[name][1], name))

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """One process takes files at a time, so files are imported in the order they came (a
        creators file before the figures naming its creators) even beside a cron's pass: a
        second process waits here, then finds the files gone."""
        with (self.processing / TURN_LOCK).open("a", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def claim(self, name: str) -> Claim | None:
        """Move the file into a claim of this process's own, atomically; None when another
        process took it first."""
        box = self.processing / uuid.uuid4().hex
        box.mkdir()
        lock = (box / CLAIM_LOCK).open("w", encoding="utf-8")
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        try:
            os.rename(self.root / name, box / name)  # atomic: of two processes, one wins
        except FileNotFoundError:
            _drop(box, lock)
            return None
        return Claim(name, box / name, lock)

    def finish(self, claim: Claim, at: dt.datetime) -> Path:
        """Imported: to done/ (a name already there gets the time as a suffix)."""
        return self._leave(claim, self.done, at)

    def refuse(self, claim: Claim, reasons: str, at: dt.datetime) -> Path:
        """Not imported: to failed/, with `reasons` in a .txt beside it."""
        return self._leave(claim, self.failed, at, reasons=reasons)

    def give_back(self, claim: Claim, at: dt.datetime) -> Path:
        """Not tried to the end (the database away): back in the inbox for the next poll."""
        return self._leave(claim, self.root, at)

    def recover(
        self, at: dt.datetime, committed: Callable[[str], bool] = lambda claim: False
    ) -> list[tuple[str, Path]]:
        """Put back in the inbox the files of claims whose process is gone (a crash mid-import),
        so the next poll imports them, or under done/ those of a claim whose import was
        `committed` (a crash before the file was filed); claims of a live process are left
        alone. Returns each file's name and where it went."""
        recovered = []
        with os.scandir(self.processing) as boxes:
            for box in boxes:
                if box.is_dir(follow_symlinks=False):
                    recovered += self._recover(Path(box.path), at, committed)
        return recovered

    def _recover(
        self, box: Path, at: dt.datetime, committed: Callable[[str], bool]
    ) -> list[tuple[str, Path]]:
        try:
            lock = (box / CLAIM_LOCK).open("r+", encoding="utf-8")  # never creates one
        except (FileNotFoundError, NotADirectoryError):
            if not _listing(box) and _age(box) > EMPTY_CLAIM_AGE:
                with contextlib.suppress(OSError):
                    box.rmdir()  # a crash before the claim's lock was made
            return []  # else: finished meanwhile
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            return []  # its process is alive and working on it
        files = [p for p in _listing(box) if p.name != CLAIM_LOCK]
        if not files and _age(box) < EMPTY_CLAIM_AGE:
            lock.close()  # a claim being made right now
            return []
        folder = self.done if files and committed(box.name) else self.root
        moved = []
        for path in files:
            moved.append((path.name, _move(path, folder, path.name, at)))
            logger.warning("inbox: recovered a file left in processing", extra={"file": path.name})
        _drop(box, lock)
        return moved

    def _leave(
        self, claim: Claim, folder: Path, at: dt.datetime, *, reasons: str | None = None
    ) -> Path:
        target = _move(claim.path, folder, claim.name, at)
        if reasons is not None:
            target.with_name(target.name + REASONS).write_text(reasons + "\n", encoding="utf-8")
        _drop(claim.path.parent, claim.lock)
        return target


def _move(path: Path, folder: Path, name: str, at: dt.datetime) -> Path:
    """Move `path` into `folder` as `name`, or as `name` with the time (and a counter) before its
    extension when that is taken: never over another file."""
    stem, suffix = os.path.splitext(name)
    stamp = at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in itertools.count():
        candidate = name if n == 0 else f"{stem}.{stamp}{f'-{n}' if n > 1 else ''}{suffix}"
        target = folder / candidate
        if target.exists() or target.with_name(candidate + REASONS).exists():
            continue
        try:
            os.link(path, target)  # fails if the name was taken meanwhile, unlike rename
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links (some network shares)
            os.rename(path, target)
            return target
        os.unlink(path)
        return target
    raise AssertionError("unreachable")


def _drop(box: Path, lock: IO[str]) -> None:
    """Remove a claim's folder, then let go of its lock."""
    with contextlib.suppress(FileNotFoundError):
        (box / CLAIM_LOCK).unlink()
    with contextlib.suppress(OSError):
        box.rmdir()
    lock.close()


def _listing(box: Path) -> list[Path]:
    try:
        return sorted(box.iterdir())
    except FileNotFoundError:
        return []


def _age(path: Path) -> dt.timedelta:
    """How long ago the file system says `path` changed (its own clock, not the bot's)."""
    try:
        return dt.timedelta(seconds=time.time() - path.stat().st_mtime)
    except FileNotFoundError:
        return dt.timedelta(0)
