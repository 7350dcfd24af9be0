"""The inbox job: each poll imports the files that have settled in the watched folder, each in one
transaction with its kind recognised from the header, files it under done/ or failed/, and writes
it to the audit log like a command-line import."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import CommandRequest
from creatorbot.commands.trail import entry_of, record_entry
from creatorbot.storage.audit import Audited, append
from creatorbot.storage.events import claim_event, seen
from creatorbot.storage.failures import database_unreachable, disk_full, first_line
from creatorbot.storage.importers import ImportFailed, prepare, write
from creatorbot.storage.inbox import ACCEPTED, Claim, InboxFolder, Seen, accepted

logger = logging.getLogger(__name__)

IMPORTED, REFUSED, KEPT, RECOVERED = "imported", "refused", "kept", "recovered"
PLATFORM = "inbox"  # how the audit log names where these imports came from
UNSUPPORTED = "{name}: not imported: only {types} files are imported from the inbox"
UNEXPECTED = "{name}: not imported: an unexpected error ({reason}); see the bot's log"


@dataclass(frozen=True)
class Handled:
    """What a poll did with one file, as a sentence for the log and the command line."""

    name: str
    outcome: str  # IMPORTED, REFUSED, KEPT (for the next poll) or RECOVERED
    said: str
    moved_to: Path | None = None


class Inbox:
    """The watched folder and what the previous look saw in it (a file is taken only once its
    size and time are the same on two looks: a copy still being written is left alone)."""

    def __init__(
        self,
        folder: InboxFolder,
        sessions: sessionmaker[Session],
        clock: Callable[[], dt.datetime],
        *,
        column_map: Mapping[str, str] | None = None,
    ) -> None:
        self.folder = folder
        self.sessions = sessions
        self.clock = clock
        self.column_map = column_map
        self._seen: Seen = {}

    def poll(self, still_leading: Callable[[], bool] = lambda: True) -> list[Handled]:
        """Recover what a crash left in processing/, then take every settled file while this
        process leads; the database out of reach stops the poll, the file kept for the next."""
        self.folder.prepare()  # processing/, done/ and failed/ again, should someone delete one
        handled = [
            self._recovered(name, where)
            for name, where in self.folder.recover(self.clock(), self._committed)
        ]
        now = self.folder.look()
        ready = self.folder.settled(self._seen, now)
        self._seen = now
        with self.folder.turn():
            for name in ready:
                if not still_leading():
                    break
                done = self.take(name)
                if done is None:
                    continue  # another process took it first
                handled.append(done)
                if done.outcome == KEPT:
                    break  # the next files would meet the same database
                del self._seen[name]  # a new file by the same name is looked at twice again
        return handled

    def waiting(self) -> list[str]:
        """The files seen on the last look and not taken: still being written, or not yet
        looked at twice."""
        return sorted(name for name in self._seen if (self.folder.root / name).exists())

    def take(self, name: str) -> Handled | None:
        """Claim the file, import it in one transaction, and file it where it belongs."""
        claim = self.folder.claim(name)
        if claim is None:
            return None
        started = time.perf_counter()
        if not accepted(name):
            types = ", ".join(ACCEPTED)
            return self._refuse(claim, UNSUPPORTED.format(name=name, types=types), started)
        try:
            with self.sessions.begin() as session:
                prepared = prepare(claim.path, session=session, column_map=self.column_map)
                result = write(prepared, session=session)
                # Committed with the rows: a crash before the file is filed finds them.
                claim_event(PLATFORM, claim.id, self.clock(), session=session)
                arguments = f"{result.kind} {name}"
                append(self._entry(arguments, "answered", result.rows, started), session=session)
        except ImportFailed as exc:
            return self._refuse(claim, str(exc), started)
        except Exception as exc:
            if database_unreachable(exc) or disk_full(exc) or isinstance(exc, OperationalError):
                back = self.folder.give_back(claim, self.clock())
                said = f"{name}: kept for the next poll, the database is unavailable"
                logger.error("inbox: %s", said, extra={"file": name, "error": first_line(exc)})
                return Handled(name, KEPT, f"{said} ({first_line(exc)})", back)
            logger.exception("inbox: import failed", extra={"file": name})
            reason = UNEXPECTED.format(name=name, reason=first_line(exc))
            return self._refuse(claim, reason, started, outcome="failed")
        target = self.folder.finish(claim, self.clock())
        said = (
            f"{name}: imported {result.rows} {result.kind} rows, {result.inserted} new, "
            f"{result.updated} updated → {_shown(target, self.folder)}"
        )
        logger.info(
            "inbox: %s",
            said,
            extra={"file": name, "kind": result.kind, "rows": result.rows, "moved_to": str(target)},
        )
        return Handled(name, IMPORTED, said, target)

    def _refuse(
        self, claim: Claim, reasons: str, started: float, *, outcome: str = "refused"
    ) -> Handled:
        target = self.folder.refuse(claim, reasons, self.clock())
        where = _shown(target, self.folder)
        said = f"{claim.name}: not imported → {where} (the reasons are in {where}.txt)"
        logger.warning(
            "inbox: %s", said, extra={"file": claim.name, "error": reasons.splitlines()[0]}
        )
        self._audit(claim.name, outcome, None, started)
        return Handled(claim.name, REFUSED, said, target)

    def _recovered(self, name: str, where: Path) -> Handled:
        if where.parent == self.folder.root:
            return Handled(name, RECOVERED, f"{name}: recovered from processing/ for the next poll")
        said = f"{name}: had been imported before the restart → {_shown(where, self.folder)}"
        logger.info("inbox: %s", said, extra={"file": name, "moved_to": str(where)})
        return Handled(name, RECOVERED, said, where)

    def _committed(self, claim: str) -> bool:
        """Whether the import of this claim was committed (its file was then never filed)."""
        with self.sessions() as session:
            return seen(PLATFORM, claim, session=session)

    def _audit(self, arguments: str, outcome: str, rows: int | None, started: float) -> None:
        record_entry(self.sessions, self._entry(arguments, outcome, rows, started))

    def _entry(self, arguments: str, outcome: str, rows: int | None, started: float) -> Audited:
        return entry_of(
            CommandRequest(text="", platform=PLATFORM, user=PLATFORM),
            command="import",
            arguments=arguments,
            allowed=True,
            outcome=outcome,
            rows=rows,
            latency_ms=round((time.perf_counter() - started) * 1000),
            at=self.clock(),
        )


def _shown(path: Path, folder: InboxFolder) -> str:
    """`done/x.csv`: where a file went, as seen from the inbox."""
    return str(path.relative_to(folder.root))
