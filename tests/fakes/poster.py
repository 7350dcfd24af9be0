"""A poster that keeps what jobs post in memory, and fails on demand."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from creatorbot.commands.reply import Reply
from creatorbot.jobs.posting import PostFailed, Target


@dataclass
class Posted:
    """One message the fake platform holds."""

    target: Target
    reply: Reply
    key: str
    ref: str


@dataclass
class RecordingPoster:
    """Posts land in `posted`; `fail_next(n)` makes the next n posts fail (after storing
    them when `stored` is set: the platform kept the message but the answer was lost)."""

    posted: list[Posted] = field(default_factory=list)
    failures: int = 0
    store_failures: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    updated: list[tuple[str, Reply]] = field(default_factory=list)
    threads: list[tuple[str, Reply]] = field(default_factory=list)
    people: dict[str, str] = field(default_factory=dict)  # email → chat user id

    def fail_next(self, times: int, *, stored: bool = False) -> None:
        """Fail the next `times` posts."""
        self.failures, self.store_failures = times, stored

    def post(self, target: Target, reply: Reply, *, key: str) -> str:
        with self.lock:
            ref = f"{target.channel}:{len(self.posted) + 1}"
            if self.failures:
                self.failures -= 1
                if self.store_failures:
                    self.posted.append(Posted(target, reply, key, ref))
                raise PostFailed("HTTP 500 from the platform")
            self.posted.append(Posted(target, reply, key, ref))
            return ref

    def find(self, target: Target, key: str) -> str | None:
        with self.lock:
            return next((p.ref for p in self.posted if p.key == key), None)

    def update(self, target: Target, ref: str, reply: Reply) -> None:
        with self.lock:
            self.updated.append((ref, reply))

    def reply_in_thread(self, target: Target, ref: str, reply: Reply, *, key: str) -> str:
        with self.lock:
            self.threads.append((ref, reply))
            return f"{ref}:{len(self.threads)}"

    def user_by_email(self, workspace: str, email: str) -> str | None:
        return self.people.get(email.lower())

    def keys(self, channel: str | None = None) -> list[str]:
        """The ledger keys posted, in order (optionally in one channel)."""
        return [p.key for p in self.posted if channel is None or p.target.channel == channel]
