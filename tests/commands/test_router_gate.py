"""The router's gate: answers are worked out a bounded number at a time, in turn, so a heavy
answer is not slowed by every other one at once; a refusal never waits for it."""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import Call, CommandRequest, Services
from creatorbot.commands.limits import RateLimiter
from creatorbot.commands.registry import commands
from creatorbot.commands.reply import Reply, Text
from creatorbot.commands.router import Router

CONSOLE = CommandRequest(text="help", platform="console")
WAIT = 5.0  # seconds any event is waited for before the test gives up


def test_with_a_gate_of_one_a_second_answer_starts_only_when_the_first_is_done(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    router = Router(commands(), Services(sessions=sqlite_sessions))
    router.gate = threading.BoundedSemaphore(1)
    first_in, first_may_end, second_in = threading.Event(), threading.Event(), threading.Event()

    def first(_call: Call) -> Reply:
        first_in.set()
        assert first_may_end.wait(WAIT)
        return Reply(blocks=(Text("first"),))

    def second(_call: Call) -> Reply:
        second_in.set()
        return Reply(blocks=(Text("second"),))

    replies: dict[str, Reply] = {}
    one = threading.Thread(target=lambda: replies.update(a=router.run(CONSOLE, first, "help")))
    two = threading.Thread(target=lambda: replies.update(b=router.run(CONSOLE, second, "help")))
    one.start()
    assert first_in.wait(WAIT)
    two.start()
    assert not second_in.wait(0.3)  # held at the gate while the first is worked out
    first_may_end.set()
    assert second_in.wait(WAIT)
    one.join(WAIT)
    two.join(WAIT)
    assert [replies[k].blocks for k in ("a", "b")] == [(Text("first"),), (Text("second"),)]


def test_without_a_gate_answers_are_worked_out_side_by_side(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    router = Router(commands(), Services(sessions=sqlite_sessions))
    both_in = threading.Barrier(2, timeout=WAIT)  # broken, and raising, unless both get in

    def meet(_call: Call) -> Reply:
        both_in.wait()
        return Reply(blocks=(Text("met"),))

    replies: list[Reply] = []
    threads = [
        threading.Thread(target=lambda: replies.append(router.run(CONSOLE, meet, "help")))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert [reply.blocks for reply in replies] == [(Text("met"),)] * 2


def test_someone_over_the_rate_limit_is_told_at_once_even_while_the_gate_is_full(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    router = Router(
        commands(), Services(sessions=sqlite_sessions), limiter=RateLimiter(per_minute=1)
    )
    router.gate = threading.BoundedSemaphore(1)
    asker = CommandRequest(text="help", platform="slack", user="U1")
    assert router.handle(asker).ok  # the one command of this minute
    assert router.gate.acquire(timeout=WAIT)  # every place taken, as by a long answer
    replies: list[Reply] = []
    again = threading.Thread(target=lambda: replies.append(router.handle(asker)))
    try:
        again.start()
        again.join(WAIT)
        told_at_once = not again.is_alive()
    finally:
        router.gate.release()
        again.join(WAIT)
    assert told_at_once
    assert not replies[0].ok
    assert "faster than I can answer" in str(replies[0].blocks)


def test_long_work_does_not_hold_a_place_questions_wait_for(
    sqlite_sessions: sessionmaker[Session],
) -> None:
    router = Router(commands(), Services(sessions=sqlite_sessions))
    router.gate = threading.BoundedSemaphore(1)
    importing, import_may_end = threading.Event(), threading.Event()

    def long_import(_call: Call) -> Reply:
        importing.set()
        assert import_may_end.wait(WAIT)
        return Reply(blocks=(Text("imported"),))

    work = threading.Thread(
        target=router.run, args=(CONSOLE, long_import, "import"), kwargs={"long": True}
    )
    work.start()
    try:
        assert importing.wait(WAIT)
        replies: list[Reply] = []
        question = threading.Thread(
            target=lambda: replies.append(router.run(CONSOLE, lambda _c: Reply(), "help"))
        )
        question.start()
        question.join(WAIT)
        answered_meanwhile = replies != []
    finally:
        import_may_end.set()
        work.join(WAIT)
    assert answered_meanwhile
