"""Rate limits counted in the database, on SQLite and PostgreSQL: limiters in two processes
share one count, the minute slides on an injected clock, and a chat user over the limit is told
when to come back whichever process answers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.router import Router
from creatorbot.commands.shared_limits import SharedLimiter
from creatorbot.storage.models import RateHit

MINUTE = 60.0
START = 1_795_000_000 // 60 * 60.0  # the first second of a minute


class Clock:
    """Seconds since 1970, moved by the test."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def pair(
    sessions: sessionmaker[Session], per_minute: int, clock: Clock
) -> tuple[SharedLimiter, SharedLimiter]:
    """One limit as two processes hold it: two limiters over one database."""
    return (
        SharedLimiter(sessions, "commands", per_minute, clock),
        SharedLimiter(sessions, "commands", per_minute, clock),
    )


def test_two_processes_share_one_count(sessions: sessionmaker[Session]) -> None:
    clock = Clock()
    one, other = pair(sessions, 5, clock)
    seen = [one.allow("slack", "U1") for _ in range(3)] + [
        other.allow("slack", "U1") for _ in range(3)
    ]
    assert seen == [True] * 5 + [False]
    assert not one.allow("slack", "U1")
    assert other.allow("slack", "U2")  # someone else has their own count
    assert one.allow("lark", "U1")  # and so has the same id on another platform


def test_hits_at_the_same_moment_from_two_processes_never_pass_the_limit(
    sessions: sessionmaker[Session],
) -> None:
    clock = Clock()
    limiters = pair(sessions, 15, clock)
    allowed: list[bool] = []
    start = threading.Barrier(2)

    def hammer(limiter: SharedLimiter) -> None:
        start.wait(30)
        allowed.extend(limiter.allow("web", "203.0.113.9") for _ in range(20))

    threads = [threading.Thread(target=hammer, args=(limiter,)) for limiter in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(allowed) == 40 and allowed.count(True) == 15


def test_the_minute_slides_on_the_clock(sessions: sessionmaker[Session]) -> None:
    clock = Clock()
    one, other = pair(sessions, 5, clock)
    assert [one.allow("slack", "U1") for _ in range(6)] == [True] * 5 + [False]
    clock.now = START + 59
    assert not other.allow("slack", "U1")
    # The next minute: the five of the minute before weigh as much of it as the sliding minute
    # still covers, so one more fits once 5 × (1 − s/60) + 1 ≤ 5, at s = 12 s.
    clock.now = START + MINUTE + 11
    assert not other.allow("slack", "U1")
    clock.now = START + MINUTE + 13
    assert other.allow("slack", "U1")
    assert not one.allow("slack", "U1")  # 5 × 47/60 + 1 + 1 > 5
    # Two quiet minutes later nothing of it counts any more.
    clock.now = START + 3 * MINUTE
    assert [one.allow("slack", "U1") for _ in range(6)] == [True] * 5 + [False]


@pytest.mark.parametrize("into", [0.0, 30.0, 59.0])
def test_retry_in_is_when_the_next_hit_is_let_through(
    sessions: sessionmaker[Session], into: float
) -> None:
    clock = Clock(START + into)
    one, other = pair(sessions, 4, clock)
    assert [one.allow("slack", "U1") for _ in range(5)] == [True] * 4 + [False]
    wait = other.retry_in("slack", "U1")
    # All four in this minute: the next minute, once 4 × (1 − s/60) + 1 ≤ 4, s = 15 s.
    assert wait == round(MINUTE - into + 15)
    clock.now = START + into + wait - 1
    assert not other.allow("slack", "U1")
    clock.now = START + into + wait
    assert other.allow("slack", "U1")


def test_old_subjects_are_pruned(sessions: sessionmaker[Session]) -> None:
    clock = Clock()
    one = SharedLimiter(sessions, "form-address", 3, clock)
    for address in ("198.51.100.1", "198.51.100.2"):
        assert one.allow("web", address)
    clock.now = START + 2 * MINUTE  # both last seen two minutes ago: nothing of theirs counts
    other = SharedLimiter(sessions, "form-address", 3, clock)
    assert other.allow("web", "198.51.100.3")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(RateHit)) == 1


def test_two_routers_share_a_chat_users_limit(sessions: sessionmaker[Session]) -> None:
    clock = Clock()
    services = Services(sessions=sessions, rate_limit_per_minute=3)

    def router() -> Router:
        return Router(commands(), services, forms(), SharedLimiter(sessions, "commands", 3, clock))

    one, other = router(), router()
    ask = CommandRequest(text="help", user="U1", platform="slack")
    answers = [render(r.handle(ask)) for r in (one, other, one, other)]
    assert all("faster than I can answer" not in a for a in answers[:3])
    # 3 × (1 − s/60) + 1 ≤ 3 at s = 20 s into the next minute: this one's 60 s, then 20.
    assert "Please wait 80 seconds" in answers[3]


def test_the_console_counts_in_memory_and_writes_nothing(sessions: sessionmaker[Session]) -> None:
    router = Router(commands(), Services(sessions=sessions, rate_limit_per_minute=3), forms())
    for _ in range(4):
        router.handle(CommandRequest(text="help", user="operator", platform="console"))
    assert "faster than I can answer" in render(
        router.handle(CommandRequest(text="help", user="operator", platform="console"))
    )
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(RateHit)) == 0
