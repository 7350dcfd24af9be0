"""Fuzz every command through the router: command lines built from the grammar and from junk,
sent by the console's operator, a Slack viewer of one market and a Slack user with no access;
random feedback form submissions. Nothing raises, nothing is logged as an error, every answer
says something and renders within every platform's limits."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.render_text import render
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.forms import FEEDBACK, FORM_ID, LANGUAGES, RATINGS, TOPICS
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.reply import Reply, mention_of
from creatorbot.commands.router import FORM_ERROR, Router, split_command
from creatorbot.commands.vocabulary import command_name, forms_of, vocabulary
from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.demo import DemoSpec, World, build_world, write_world
from creatorbot.storage.grants import grant
from creatorbot.storage.models import FeedbackResponse, Role, RoleGrant
from creatorbot.storage.queries.metrics import RANKABLE
from tests.commands.conftest import NOW
from tests.fuzz.support import check_renders, errors_logged, fuzz, has_text, mention_ids, strings_of

T = TypeVar("T")
SPEC = DemoSpec(creators=40, days=40, seed=5, end=NOW.date() - dt.timedelta(days=1))
ADMIN = "UADMIN01"  # a bootstrap admin (CREATORBOT_ADMINS): the no-access answer names them
VIEWER = "UVIEWMY1"  # a viewer of MY only
CM = "UCMMY001"  # a creator manager of MY: may submit feedback
NOBODY = "UNOBODY1"  # no grant at all


@dataclass(frozen=True)
class Asker:
    """Someone sending commands: where from, who, and what they may see (None: everything)."""

    platform: str
    user: str
    markets: frozenset[str] | None
    access: bool = True


OPERATOR = Asker("console", "operator", None)
ASKERS = (
    OPERATOR,
    Asker("slack", ADMIN, None),
    Asker("slack", VIEWER, frozenset({"MY"})),
    Asker("slack", NOBODY, frozenset(), access=False),
)


@dataclass(frozen=True, repr=False)  # a failing example prints its text, not the world
class Fuzzed:
    """The demo world stored once for the module, and a router over it."""

    world: World
    sessions: sessionmaker[Session]
    router: Router


@pytest.fixture(scope="module")
def fuzzed(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """A small seeded demo world, built once: commands that write (digest subscribe, feedback)
    change it as the examples run, as they would a real team's database."""
    path = tmp_path_factory.mktemp("fuzz-world") / "db.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_sessionmaker(engine)
    world = build_world(SPEC)
    with sessions.begin() as session:
        write_world(world, session=session)
    services = Services(
        sessions=sessions,
        clock=lambda: NOW,
        charts=False,  # the renderers are given the Image blocks all the same
        admins=frozenset({ADMIN}),
        rate_limit_per_minute=0,  # the limiter would answer most examples; it has its own tests
    )
    yield Fuzzed(world, sessions, Router(commands(), services, forms()))
    engine.dispose()


def reset_grants(fuzzed: Fuzzed) -> None:
    """The grants every example starts from: an admin's fuzzed `access grant|revoke` of the
    example before must not change who the next example's askers are."""
    with fuzzed.sessions.begin() as session:
        session.execute(delete(RoleGrant))
        grant("slack", VIEWER, Role.VIEWER, ["MY"], by=ADMIN, now=NOW, session=session)
        grant("slack", CM, Role.CM, ["MY"], by=ADMIN, now=NOW, session=session)


def mentionable(fuzzed: Fuzzed, text: str) -> set[str]:
    """Whom an answer may notify: the admins, people with a role (`access list`), and for
    `access` the person the command names."""
    with fuzzed.sessions() as session:
        granted = set(session.scalars(select(RoleGrant.user_id)))
    _, arguments = split_command(text)
    meant = meant_command(fuzzed, text)
    named = set(re.findall(r"[A-Za-z0-9_.-]{2,64}", arguments)) if meant == "access" else set()
    return {ADMIN} | granted | named


# --- command lines --------------------------------------------------------------------------

# Junk users type or paste: markup, mentions, injections, invisible and right-to-left marks.
JUNK = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123>",
    "<#C123|general>",
    "<https://evil.example|click>",
    "@channel",
    mention_of("U0FORGED"),  # the Reply's own mention token, typed: it must stay inert
    "*bold*",
    "_it_",
    "~strike~",
    "`code`",
    "```",
    "> quote",
    "[link](https://evil.example)",
    "<at id=all></at>",
    "'; DROP TABLE creators;--",
    "' OR '1'='1",
    "1; DELETE FROM daily_metrics",
    "%",
    "_",
    "%_%",
    "\\",
    "\\\\'",
    '"',
    "'",
    '"unclosed',
    "\u202ecilbup\u202c",  # right-to-left override
    "مرحبا",
    "שלום",
    "\u200b",
    "\u200d",
    "\ufeff",
    "e\u0301\u0301\u0301",
    "📈",
    "🇮🇹",
    "👩‍💻",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\x85",
    "\u2028",
    "NaN",
    "inf",
    "-0",
    "null",
    "None",
    "{}",
    "{0}",
    "{name}",
    "%s",
    "$(reboot)",
    "../../etc/passwd",
)


def mostly(good: st.SearchStrategy[T], bad: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """`good` about five times in six: a line with one bad word is refused whatever its others
    are, so the words that get a command to its answer must be the common ones."""
    return st.integers(0, 7).flatmap(lambda pick: bad if pick == 0 else good)


METRICS = mostly(
    st.sampled_from([*RANKABLE, *sorted(vocabulary().metrics)]),
    st.sampled_from(["GMV", "Orders", "revenue", "Vendite", "gmv_", "ordine"]),
)
# Periods as people write them in the three languages: numbers of days, the calendar's named
# periods, days and spans of days; and the ones that are refused.
NATURAL = sorted(p for p in vocabulary().periods if "{n}" not in p)
SPANS = ["1-15 nov", "1/11–15/11", "28 dic - 3 gen", "15 Ogos", "2026-11-11", "29/2", "1 - 15 Mac"]
PERIODS = mostly(
    st.one_of(
        st.sampled_from(["1d", "7d", "30d", "mtd", "7g", "7h", "30 giorni", "30 hari lepas"]),
        st.sampled_from(NATURAL),
        st.sampled_from(SPANS),
        st.builds(
            lambda n, form: form.format(n=n),
            st.integers(1, 366),
            st.sampled_from(
                ["last {n} days", "ultimi {n} giorni", "{n} hari terakhir", "{n}g", "{n}h"]
            ),
        ),
    ),
    st.sampled_from(
        ["MTD", "0d", "366d", "367d", "99999999d", "-7d", "400 giorni", "0h", "31/2", "1-15"]
        + ["1/1/2025-15/2/2026", "15/11-1/11/2026", "32 nov", "1/13", "9999-12-31", "last"]
    ),
)
MARKETS = mostly(st.sampled_from(["MY", "IT", "my"]), st.sampled_from(["xx", "ZZ", "EU"]))
HUGE = st.sampled_from(["0", "-1", "-50", "51", "10" * 20, "1e9", "٣", "²", "five", "", "5.5"])
NUMBERS = mostly(
    st.integers(1, 60).map(str), st.one_of(st.integers(-(10**30), 10**30).map(str), HUGE)
)
DATES = st.sampled_from(
    [
        *[st.dates(dt.date(2026, 9, 1), dt.date(2026, 12, 31))] * 3,  # around the world's data
        st.dates(),  # year 1 to 9999
        st.sampled_from([dt.date.min, dt.date(1, 1, 3), dt.date(9999, 12, 30), dt.date.max]),
    ]
).flatmap(lambda days: days.map(str)) | st.sampled_from(
    ["2026-02-30", "2026-13-01", "2026-00-10", "20261123", "23/11/2026", "", "0000-01-01"]
    + ["2026-11-23T00:00", "2026-W47", "+2026-11-23", "२०२६-११-२३"]
)
TIMES = mostly(
    st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}"),
    st.one_of(
        st.tuples(st.integers(-5, 130), st.integers(-5, 130)).map(lambda t: f"{t[0]}:{t[1]}"),
        st.sampled_from(["9:5", "24:00", "00:60", "12", ":", "nine", "٠٩:٠٠"]),
    ),
)
IDS = mostly(
    st.integers(1, 12).map(str),
    st.one_of(NUMBERS, st.sampled_from(["#1", "#", "##2", "id", "-1", "0", "9" * 30])),
)
USERS = st.sampled_from(
    [VIEWER, NOBODY, ADMIN, f"<@{NOBODY}>", f"<@{VIEWER}|viewer>", f"slack:{NOBODY}", "lark:ou_1"]
    + ["@farah", "<@U123>", "<!channel>", "U", "slack:", "ou_" + "x" * 70]
)
ROLES = st.sampled_from([*(role.value for role in Role), "ADMIN", "owner"])
KEYS = st.sampled_from(
    ["tier", "campaign", "category", "as-of", "asof", "as_of", "TIER", "x"]
    + ["livello", "campagna", "categoria", "al", "kempen", "kategori", "sehingga", "tahap"]
)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)
LONG = st.builds(
    lambda piece, n: piece * n, st.sampled_from(["a", "é", "📈", "x "]), st.integers(1, 1100)
)
JUNK_WORDS = st.one_of(
    st.sampled_from(JUNK),
    TEXT,
    LONG,
    st.builds(lambda key, value: f"{key}:{value}", KEYS, st.one_of(TEXT, st.sampled_from(JUNK))),
)


def some(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """Up to four of `parts`, each at most once, in any order."""
    most = min(4, len(parts))
    return st.lists(st.sampled_from(range(len(parts))), unique=True, max_size=most).flatmap(
        lambda chosen: st.tuples(*(parts[i] for i in chosen)).map(list)
    )


def with_market(words: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    """`words` and, most often, a market somewhere among them (without one the console's
    operator is asked which market: a fine answer, but one that stops before the data)."""
    return st.tuples(words, mostly(MARKETS, st.just("")), st.integers(0, 8)).map(
        lambda parts: (
            [*parts[0][: parts[2]], parts[1], *parts[0][parts[2] :]] if parts[1] else parts[0]
        )
    )


def seq(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """`parts` in this order."""
    return st.tuples(*parts).map(list)


COMMAND_WORDS = sorted(vocabulary().commands)


def said(command: str, meant: str) -> st.SearchStrategy[str]:
    """An action of a command, in any of its languages (`list`, `elenco`, `senarai`)."""
    table = vocabulary().actions[command]
    return st.sampled_from(sorted(form for form, action in table.items() if action == meant))


def option_word(key: str, value: str) -> str:
    """`key:value` with the key in any language, drawn by the value's length (deterministic)."""
    forms = forms_of("options", key)
    return f"{forms[len(value) % len(forms)]}:{value}"


def grammar(world: World) -> dict[str, st.SearchStrategy[list[str]]]:
    """The arguments each command takes, as DESIGN.md and its usage line describe them, with
    the world's own handles, slugs, tiers and categories beside unknown ones."""
    handles = mostly(st.sampled_from(sorted(world.creators["handle"])), TEXT)
    names = st.sampled_from(sorted(world.creators["display_name"])).map(lambda n: f'"{n}"')
    slugs = mostly(st.sampled_from(sorted(world.campaigns["slug"])), TEXT)
    tiers = mostly(st.sampled_from(sorted(set(world.creators["tier"]))), TEXT)
    categories = mostly(st.sampled_from(sorted(set(world.creators["category"]))), TEXT)
    top_word = st.sampled_from(["top", "primi", "teratas"])
    top = st.one_of(
        st.builds(lambda word, n: f"{word} {n}", top_word, NUMBERS),
        st.builds(lambda word, n: f"{word}{n}", top_word, NUMBERS),
    )
    as_of = st.builds(
        lambda key, day: f"{key}:{day}",
        st.sampled_from(["as-of", "asof", "al", "sehingga", "hingga"]),
        DATES,
    )
    kinds = st.sampled_from(["snapshot", "alerts", "feedback", "digest", "portfolio"])
    segments = mostly(
        st.sampled_from(["attention", "potential", "level-up", "at-risk", "dormant", "new"]), TEXT
    )
    owners = mostly(
        st.sampled_from(["me", "io", "saya"] + sorted(set(world.creators["cm"].dropna()))), TEXT
    )
    floors = st.sampled_from(
        [
            "at least 5 orders a day",
            "almeno 5 ordini al giorno",
            "at least RM300 a day",
            "sekurang-kurangnya 5 pesanan sehari",
            "at least",
            "at least -3 orders",
            "at least five",
        ]
    )
    action = st.sampled_from(["run", "pause", "resume", "unsubscribe"])
    return {
        "leaderboard": with_market(
            some(
                METRICS,
                PERIODS,
                st.builds(option_word, st.just("tier"), tiers),
                st.builds(option_word, st.just("campaign"), slugs),
                st.builds(option_word, st.just("category"), categories),
                st.builds(option_word, st.just("segment"), segments),
                owners.map(lambda owner: f"cm:{owner}"),
                owners.map(lambda owner: f"am:{owner}"),
                top,
                as_of,
            )
        ),
        "portfolio": with_market(some(owners, owners.map(lambda owner: f"@{owner}"))),
        "tiers": with_market(
            some(owners.map(lambda owner: f"cm:{owner}"), owners.map(lambda owner: f"am:{owner}"))
        ),
        "campaign": st.one_of(
            slugs.map(lambda slug: [slug]),
            seq(said("campaign", "list")),
            seq(said("campaign", "list"), MARKETS),
        ),
        "creator": st.one_of(
            seq(handles), seq(handles, MARKETS), seq(names), seq(names, MARKETS), seq(TEXT)
        ),
        "slots": with_market(some(PERIODS, as_of)),
        "match": st.tuples(
            categories,
            with_market(
                some(
                    top,
                    said("feedback", "export"),
                    owners.map(lambda owner: f"cm:{owner}"),
                    owners.map(lambda owner: f"am:{owner}"),
                )
            ),
        ).map(lambda parts: [parts[0], *parts[1]]),
        "feedback": st.one_of(
            st.just([]),
            seq(said("feedback", "report")),
            seq(said("feedback", "report"), st.builds(option_word, st.just("campaign"), slugs)),
            st.tuples(
                said("feedback", "export"),
                some(
                    st.builds(option_word, st.just("campaign"), slugs),
                    st.sampled_from(["csv", "xlsx"]),
                ),
            ).map(lambda parts: [parts[0], *parts[1]]),
        ),
        "snapshot": with_market(some(as_of)),
        "alerts": st.one_of(
            with_market(
                some(
                    as_of,
                    owners.map(lambda owner: f"cm:{owner}"),
                    owners.map(lambda owner: f"am:{owner}"),
                )
            ),
            seq(st.one_of(said("alerts", "ack"), said("alerts", "snooze")), IDS),
        ),
        "digest": st.one_of(
            st.tuples(
                st.just("subscribe"),
                kinds,
                with_market(
                    some(TIMES.map(lambda t: f"at {t}"), st.just("me"), floors.map(str.strip))
                ),
            ).map(lambda parts: [parts[0], parts[1], *parts[2]]),
            seq(said("digest", "list")),
            seq(action.flatmap(lambda meant: said("digest", meant)), IDS),
            seq(st.just("war-room"), IDS, st.sampled_from(["on", "off", "maybe"])),
        ),
        "access": st.one_of(
            seq(said("access", "list")),
            seq(said("access", "revoke"), USERS),
            st.tuples(said("access", "grant"), USERS, ROLES, st.lists(MARKETS, max_size=3)).map(
                lambda parts: [*parts[:3], *parts[3]]
            ),
        ),
        "audit": some(USERS, NUMBERS, st.sampled_from(["7d", "0d", "3661", "30"])),
        # `help`, `help COMMAND` (by any of its names), and `COMMAND help` below.
        "help": st.one_of(st.lists(JUNK_WORDS, max_size=2), seq(st.sampled_from(COMMAND_WORDS))),
    }


@st.composite
def command_lines(draw: st.DrawFn, world: World) -> str:
    """A command line: mostly a command and arguments from its grammar, spoiled now and then
    by a junk word; sometimes a name nobody registered. Written bare, with `/` or after the
    `creatorbot` umbrella, and now and then padded past the length limits."""
    arguments = grammar(world)
    name = draw(st.sampled_from(sorted(arguments)))
    words = draw(arguments.get(name, st.lists(JUNK_WORDS, max_size=3)))
    # The command by any of its names, in any language; now and then `COMMAND help`.
    name = draw(st.sampled_from([name, *(w for w in COMMAND_WORDS if command_name(w) == name)]))
    if draw(st.integers(0, 11)) == 0:
        words = [draw(st.sampled_from(["help", "aiuto", "bantuan"]))]
    if draw(st.integers(0, 9)) == 0:
        name = draw(st.sampled_from(["import", "", "leaderbord", "HELP", "Creator", "x" * 40]))
    for _ in range(draw(st.sampled_from([0, 0, 0, 0, 0, 0, 1, 2]))):
        words.insert(draw(st.integers(0, len(words))), draw(JUNK_WORDS))
    prefix = draw(st.sampled_from(["", "/", "creatorbot ", "/creatorbot ", "CreatorBot ", " / "]))
    line = " ".join([prefix + name, *words])
    if draw(st.integers(0, 9)) == 0:
        line += " " + draw(LONG)
    return line


def test_every_command_has_a_grammar(fuzzed: Fuzzed) -> None:
    assert set(grammar(fuzzed.world)) == set(commands())


# --- properties -----------------------------------------------------------------------------


def meant_command(fuzzed: Fuzzed, text: str) -> str | None:
    """The command a line runs (`classifica aiuto` runs `help`), None when it names none."""
    name, arguments = split_command(text)
    command = fuzzed.router.commands.get(command_name(name) or name or "help")
    return None if command is None else fuzzed.router.meant(command, arguments)[0].name


def request_of(
    asker: Asker, text: str, locale: str, external: bool = False, public: bool = False
) -> CommandRequest:
    return CommandRequest(
        text=text,
        platform=asker.platform,
        workspace="T1",
        channel="C1",
        user=asker.user,
        locale=locale,
        external=external,
        public=public,
    )


def ask(fuzzed: Fuzzed, request: CommandRequest) -> Reply:
    """The router's answer; any error it logs fails the example."""
    with errors_logged() as errors:
        reply = fuzzed.router.handle(request)
    assert not errors, f"{request.text!r} logged: {[r.getMessage() for r in errors]}"
    return reply


def check_answer(fuzzed: Fuzzed, reply: Reply, request: CommandRequest) -> None:
    """What holds for any answer to anyone: words, every renderer, only the bot's mentions."""
    assert has_text(reply), f"{request.text!r} got an empty answer"
    check_renders(reply)
    forged = mention_ids(reply) - mentionable(fuzzed, request.text)
    assert not forged, f"{request.text!r} mentions {forged}"
    assert "Traceback" not in render(reply)


def other_markets_names(world: World, markets: frozenset[str]) -> dict[str, re.Pattern[str]]:
    """The handles of creators and slugs of campaigns outside `markets`, as whole words."""
    handles = world.creators[~world.creators["market"].isin(sorted(markets))]["handle"]
    slugs = world.campaigns[~world.campaigns["market"].isin(sorted(markets))]["slug"]
    return {
        name: re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])") for name in [*handles, *slugs]
    }


LOCALES = st.sampled_from(["en", "it", "ms", "xx", ""])


@fuzz(400)
@given(
    data=st.data(),
    asker=st.sampled_from(ASKERS),
    locale=LOCALES,
    external=mostly(st.just(False), st.just(True)),  # Slack Connect refuses most commands
    public=st.booleans(),
)
def test_any_command_line_gets_an_answer_that_renders(
    fuzzed: Fuzzed, data: st.DataObject, asker: Asker, locale: str, external: bool, public: bool
) -> None:
    text = data.draw(command_lines(fuzzed.world), label="text")
    request = request_of(asker, text, locale, external, public)
    reset_grants(fuzzed)
    reply = ask(fuzzed, request)
    check_answer(fuzzed, reply, request)
    name = meant_command(fuzzed, text)
    event(f"{name or '(unknown)'}: {reply.ok}")
    if not asker.access:
        # Someone without access gets help or an explanation, never data.
        assert not reply.ok or name == "help", render(reply)
    if asker.markets:
        # A market's viewer sees no creator or campaign of another market, not even in a "did
        # you mean" (unless they typed the name themselves).
        typed = text.lower()
        shown = "\n".join(strings_of(reply))
        leaked = [
            other
            for other, pattern in other_markets_names(fuzzed.world, asker.markets).items()
            if other not in typed and pattern.search(shown)
        ]
        assert not leaked, f"{text!r} showed {leaked} to a viewer of {sorted(asker.markets)}"


@fuzz(60)
@given(
    clock=st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2999, 12, 31),
        timezones=st.just(dt.UTC),
    ),
    name=st.sampled_from(["leaderboard", "classifica", "papan", "slots"]),
    period=PERIODS,
    locale=LOCALES,
)
def test_any_period_on_any_clock_gets_an_answer(
    fuzzed: Fuzzed, clock: dt.datetime, name: str, period: str, locale: str
) -> None:
    # Periods named by the calendar are resolved from the market's today: at any hour of any
    # day (month and year ends, 29 February, the bot's first and last years) they give a
    # window or a clear refusal.
    services = replace(fuzzed.router.services, clock=lambda: clock)
    router = Router(commands(), services, forms())
    request = request_of(OPERATOR, f"{name} MY {period}", locale)
    with errors_logged() as errors:
        reply = router.handle(request)
    assert not errors, f"{request.text!r} at {clock} logged: {[r.getMessage() for r in errors]}"
    check_answer(fuzzed, reply, request)


@fuzz(60)
@given(
    name=st.sampled_from(["leaderboard", "snapshot", "slots", "alerts"]),
    period=st.sampled_from(["", "1d", "30d", "366d", "mtd"]),
    day=st.one_of(
        st.dates(),
        st.dates(max_value=dt.date(1, 12, 31)),  # the calendar's ends, where windows overflow
        st.dates(min_value=dt.date(9999, 1, 1)),
    ),
)
def test_any_day_of_the_calendar_as_of_gets_an_answer(
    fuzzed: Fuzzed, name: str, period: str, day: dt.date
) -> None:
    # Windows end on the day asked and reach back before it: near either end of the calendar
    # that arithmetic overflows unless the day is refused first.
    period = "" if name in ("snapshot", "alerts") else period
    request = request_of(OPERATOR, f"{name} MY {period} as-of:{day}", "en")
    check_answer(fuzzed, ask(fuzzed, request), request)


@fuzz(150)
@given(
    name=st.sampled_from(sorted(commands())),
    parts=st.lists(st.one_of(TEXT, st.sampled_from(JUNK), LONG), min_size=1, max_size=6),
    asker=st.sampled_from(ASKERS),
)
def test_junk_after_every_command_gets_an_answer(
    fuzzed: Fuzzed, name: str, parts: list[str], asker: Asker
) -> None:
    request = request_of(asker, f"/{name} " + " ".join(parts), "en")
    reset_grants(fuzzed)
    check_answer(fuzzed, ask(fuzzed, request), request)


# --- form submissions -----------------------------------------------------------------------

FIELD_VALUES = {
    "rating": mostly(st.sampled_from([value for value, _ in RATINGS]), st.one_of(HUGE, TEXT)),
    "topic": mostly(st.sampled_from([value for value, _ in TOPICS]), TEXT),
    "language": mostly(st.sampled_from([value for value, _ in LANGUAGES]), TEXT),
    "comment": st.one_of(TEXT, st.sampled_from(JUNK), LONG, st.just("x" * 2001)),
}
SUBMITTERS = (OPERATOR, Asker("slack", CM, frozenset({"MY"})), *ASKERS[2:])


@st.composite
def submissions(draw: st.DrawFn, world: World) -> dict[str, str]:
    """A value for each field of the feedback form (now and then none), and a prompt link."""
    strategies = {
        "creator": mostly(st.sampled_from(sorted(world.creators["handle"])), TEXT),
        "campaign": mostly(st.sampled_from(sorted(world.campaigns["slug"])), TEXT),
        **FIELD_VALUES,
    }
    values: dict[str, str] = {}
    for field in FEEDBACK.fields:
        if draw(st.integers(0, 7)):  # most often present
            values[field.name] = draw(mostly(strategies[field.name], st.sampled_from(JUNK)))
    if draw(st.booleans()):
        values[FORM_ID] = draw(st.one_of(IDS, TEXT))
    return values


def stored_feedback(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(FeedbackResponse)) or 0)


@fuzz(150)
@given(data=st.data(), asker=st.sampled_from(SUBMITTERS), locale=LOCALES)
def test_any_feedback_submission_is_saved_or_refused_with_reasons(
    fuzzed: Fuzzed, data: st.DataObject, asker: Asker, locale: str
) -> None:
    values = data.draw(submissions(fuzzed.world), label="values")
    request = request_of(asker, "", locale)
    reset_grants(fuzzed)
    before = stored_feedback(fuzzed.sessions)
    with errors_logged() as errors:
        result = fuzzed.router.submit(request, "feedback", values)
    assert not errors, f"{values!r} logged: {[r.getMessage() for r in errors]}"
    after = stored_feedback(fuzzed.sessions)
    event(f"saved: {result.ok}")
    if result.ok:
        assert result.message.strip()
        assert after == before + 1
    else:
        assert result.errors, f"{values!r} refused without a reason"
        assert set(result.errors) <= {f.name for f in FEEDBACK.fields} | {FORM_ERROR}
        assert all(message.strip() for message in result.errors.values())
        assert after == before, f"{values!r} was refused but stored"
    if asker.user in (VIEWER, NOBODY):
        assert not result.ok, "only a creator manager or above may log feedback"


COMMENTS = st.lists(
    st.one_of(TEXT, st.sampled_from(JUNK), st.just(mention_of(ADMIN)), st.just(mention_of("U9"))),
    min_size=1,
    max_size=6,
).map(" ".join)


@fuzz(30)
@given(data=st.data(), comment=COMMENTS, rating=st.sampled_from([value for value, _ in RATINGS]))
def test_a_saved_comment_shows_as_written_and_mentions_nobody(
    fuzzed: Fuzzed, data: st.DataObject, comment: str, rating: str
) -> None:
    handle = data.draw(st.sampled_from(sorted(fuzzed.world.creators["handle"])), label="handle")
    values = {"creator": handle, "rating": rating, "topic": "other", "comment": comment}
    request = request_of(OPERATOR, "", "en")
    assert fuzzed.router.submit(request, "feedback", values).ok
    # Where people read feedback, a comment's pasted mention markers notify nobody.
    for text in (f"creator {handle}", "feedback report"):
        request = request_of(OPERATOR, text, "en")
        check_answer(fuzzed, ask(fuzzed, request), request)
