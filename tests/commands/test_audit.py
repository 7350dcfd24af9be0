"""The audit trail and the abuse guards: every command written down (secrets redacted, denials
included), `audit` for admins, retention, the per-user rate limit and the length cap."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.bot.settings import Settings
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.limits import RateLimiter
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.router import Router
from creatorbot.storage.audit import trim
from creatorbot.storage.models import AuditEntry
from tests.commands.conftest import NOW

ADMIN = "UADMIN"


def router_over(sessions: sessionmaker[Session], **services: object) -> Router:
    return Router(
        commands(),
        Services(sessions=sessions, clock=lambda: NOW, admins=frozenset({ADMIN}), **services),
        forms(),
    )


def logged(sessions: sessionmaker[Session]) -> list[AuditEntry]:
    with sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def slack(text: str, user: str = ADMIN) -> CommandRequest:
    return CommandRequest(text=text, platform="slack", workspace="T1", channel="C1", user=user)


def test_every_command_is_written_down_with_who_where_what_and_the_outcome(
    sessions: sessionmaker[Session],
) -> None:
    router = router_over(sessions)
    router.handle(slack("help"))
    router.handle(slack("leaderboard MY", user="U9"))  # no role
    router.handle(slack("leaderboard zzqx"))
    router.handle(slack("nosuchcommand"))
    entries = logged(sessions)
    assert [(e.user_id, e.command, e.allowed, e.outcome) for e in entries] == [
        (ADMIN, "help", True, "answered"),
        ("U9", "leaderboard", False, "denied"),
        (ADMIN, "leaderboard", True, "refused"),
        (ADMIN, "nosuchcommand", True, "refused"),
    ]
    first = entries[0]
    assert (first.platform, first.workspace, first.channel) == ("slack", "T1", "C1")
    assert first.rows == len(commands())  # help lists every command
    assert first.latency_ms is not None and first.latency_ms >= 0
    assert entries[1].arguments == "MY"


def test_secrets_in_arguments_are_redacted(sessions: sessionmaker[Session]) -> None:
    router = router_over(sessions)
    token = "xoxb-1234567890-abcdefghij"
    router.handle(slack(f"creator {token} password=hunter2"))
    (entry,) = logged(sessions)
    assert token not in entry.arguments and "hunter2" not in entry.arguments
    assert entry.arguments.count("[redacted]") == 2


def test_a_form_submission_is_written_down(sessions: sessionmaker[Session]) -> None:
    router = router_over(sessions)
    router.submit(slack("", user="U9"), "feedback", {"creator": "amir"})
    (entry,) = logged(sessions)
    assert (entry.command, entry.allowed, entry.outcome) == ("form:feedback", False, "denied")


def test_audit_shows_admins_the_log_by_person_and_days(sessions: sessionmaker[Session]) -> None:
    router = router_over(sessions)
    router.handle(slack("leaderboard MY", user="U9"))
    router.handle(slack("help", user="U8"))
    seen = render(router.handle(slack("audit U9")))
    assert "U9" in seen and "DENIED" in seen and "U8" not in seen
    everyone = render(router.handle(slack("audit 30")))
    assert "U8" in everyone and "the last 30 days" in everyone
    router.handle(slack("access grant U8 lead"))
    assert "Only an admin can use `audit`" in render(router.handle(slack("audit", user="U8")))


def test_retention_deletes_only_entries_older_than_it(sessions: sessionmaker[Session]) -> None:
    router = router_over(sessions)
    router.handle(slack("help"))
    with sessions.begin() as session:
        assert trim(NOW - dt.timedelta(days=1), session=session) == 0
    with sessions.begin() as session:
        assert trim(NOW + dt.timedelta(seconds=1), session=session) == 1
    assert logged(sessions) == []


def test_a_user_over_the_rate_limit_is_asked_politely_to_wait(
    sessions: sessionmaker[Session],
) -> None:
    router = router_over(sessions, rate_limit_per_minute=3)
    answers = [router.handle(slack("help")) for _ in range(4)]
    assert [a.ok for a in answers] == [True, True, True, False]
    assert "Please wait" in render(answers[3])
    assert router.handle(slack("help", user="U8")).ok  # someone else is not held up
    assert logged(sessions)[3].outcome == "rate_limited"


def test_by_default_thirty_commands_a_minute_pass_and_the_thirty_first_waits(
    sessions: sessionmaker[Session],
) -> None:
    limit = Settings(_env_file=None).rate_limit_per_minute
    router = router_over(sessions, rate_limit_per_minute=limit)
    answers = [router.handle(slack("help")).ok for _ in range(31)]
    assert answers == [True] * 30 + [False]


def test_a_command_is_read_up_to_1000_characters_with_one_message_past_them(
    sessions: sessionmaker[Session],
) -> None:
    # Arguments are not held to a cap of their own: a long paste of handles is read whole.
    router = router_over(sessions)
    name = "creator "
    at_cap = render(router.handle(slack(name + "x" * (1000 - len(name)))))
    over = render(router.handle(slack(name + "x" * (1001 - len(name)))))
    assert "too long" not in at_cap
    assert over == "That is too long for a command (1,001 characters; at most 1,000)."


def test_a_user_exempt_by_the_setting_is_never_limited_but_still_audited(
    sessions: sessionmaker[Session],
) -> None:
    settings = Settings(_env_file=None, CREATORBOT_RATE_LIMIT_EXEMPT=f" bench , {ADMIN}")
    assert settings.rate_limit_exempt_ids == {"bench", ADMIN}
    router = router_over(
        sessions, rate_limit_per_minute=3, rate_limit_exempt=settings.rate_limit_exempt_ids
    )
    assert all(router.handle(slack("help")).ok for _ in range(10))
    assert [e.outcome for e in logged(sessions)] == ["answered"] * 10
    others = [router.handle(slack("help", user="U8")) for _ in range(4)]
    assert [a.ok for a in others] == [True, True, True, False]  # the others still are


def test_the_rate_limit_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.allow("slack", "U1") and limiter.allow("slack", "U1")
    assert not limiter.allow("slack", "U1")
    assert limiter.retry_in("slack", "U1") == 60
    now[0] = 59.5
    assert not limiter.allow("slack", "U1")
    now[0] = 60.0
    assert limiter.allow("slack", "U1")


def test_an_overlong_command_is_refused_before_it_is_parsed(
    sessions: sessionmaker[Session],
) -> None:
    router = router_over(sessions)
    answer = render(router.handle(slack("leaderboard " + "x" * 1000)))
    assert "That is too long for a command (1,012 characters; at most 1,000)." in answer


def test_the_length_cap_is_exactly_a_thousand_characters(
    sessions: sessionmaker[Session],
) -> None:
    """1,000 characters still reach the command; 1,001 are refused unread, the entry naming no
    command."""
    router = router_over(sessions)
    at_cap = "help " + "x" * 995
    over = "help " + "x" * 996
    assert (len(at_cap), len(over)) == (1000, 1001)
    assert "too long for a command" not in render(router.handle(slack(at_cap)))
    assert "(1,001 characters; at most 1,000)" in render(router.handle(slack(over)))
    assert [(e.command, e.outcome) for e in logged(sessions)] == [
        ("help", "answered"),
        ("-", "refused"),
    ]
