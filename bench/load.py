"""Load: the bot as its own process on the S world, driven over loopback by rising numbers of
users sending signed slash commands back to back; prints ack and answer p50/p99, errors and the
bot's CPU and peak RSS per step, and the verdict for 50 users (ack p99 < 1 s, no error); once
with one worker process and once with one per core (`--processes`), then side by side the answer
p99 and answers a second at 50 users (target with 2 cores: p99 ≤ 2 s, ≥ 1.7× one process's).

`creatorbot run` is started as a child process (HTTP mode, a copy of the S world's SQLite file,
the fake Slack Web API of this process), so its memory and CPU (its workers' included) are its
own. The users and the fake Slack share one event loop (`bench/loop_slack.py`): the driver
shares the bot's cores, so it is the one that costs least CPU. Each user is a closed loop: send
a command, wait for its answer on the command's response_url, send the next.
Each load user is granted the viewer role in every market in the copy before the bot starts,
so the real access lookup runs on every command. Each step uses users of its own and sends each
at most a few commands, under the per-user rate limit (set explicitly for the child).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import math
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.commands import DATA, END, database_url, prepare
from bench.loop_slack import LoopSlack, post
from bench.pace import pace_line
from bench.start import ALSO_OURS, OURS, creatorbot
from bench.stats import percentile
from creatorbot.bot.processes import cores
from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.grants import grant
from creatorbot.storage.models import Campaign, Creator, Role
from tests.fakes.loopback import free_port
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import signed_headers, slash_command

# New each run: the bot listens on every interface (serve() has no host setting), so no one else
# can sign a request to it during the run.
SECRET = secrets.token_hex(16)
STEPS = (10, 25, 50, 100)
MAX_USERS = 200  # a step's users are threads of this process: bounded
PER_USER = 10  # commands each user sends in a step, below the per-user rate limit: at 50
# users a step is 500 answers, so its p99 is the 5th slowest, not the 2nd of 200
RATE_LIMIT = 30  # the bot's default per user and minute, set for the child so no .env changes it
TARGET_USERS = 50
TARGET_ACK_P99 = 1.0
ACK_TIMEOUT = 10.0  # as the users' HTTP client waited before
ANSWER_TIMEOUT = 60.0  # an answer later than this counts as missing
STEP_DEADLINE = 45.0  # after this, users of a step start no new command
LOCALES = ("en-GB", "it-IT", "ms-MY")


@dataclass
class Step:
    """What one step measured."""

    users: int
    acks: list[float] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    example: dict[str, str] = field(default_factory=dict)  # the first of each kind of error
    peak_rss_mb: float = 0.0
    peak_heap_mb: float = 0.0
    cpu_cores: float = 0.0
    load_cores: float = 0.0  # this process's: the users and the fake Slack share the machine
    bot_ack_p99: float = float("nan")  # as the bot timed it: the upper bound of its bucket
    wall: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.acks) + self.errors.get("ack", 0)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def count(self, kind: str, example: str = "") -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        self.example.setdefault(kind, example)


def grant_viewers(db_path: Path, users: Sequence[str], now: dt.datetime) -> None:
    """Give each load user the viewer role in every market, as an admin's `access grant` would:
    the bot then looks their role up on every command, as it does for real users."""
    engine = make_engine(f"sqlite:///{db_path}")
    with make_sessionmaker(engine).begin() as session:
        for user in users:
            grant("slack", user, Role.VIEWER, [None], by="bench", now=now, session=session)
    engine.dispose()


def command_mix(db_path: Path) -> list[tuple[str, str]]:
    """Real commands over the world's markets: leaderboards, creators, campaigns, snapshots."""
    engine = make_engine(f"sqlite:///{db_path}")
    with make_sessionmaker(engine)() as session:
        handles = {
            market: list(
                session.scalars(
                    select(Creator.handle)
                    .where(Creator.market == market)
                    .order_by(Creator.id)
                    .limit(3)
                )
            )
            for market in ("MY", "IT")
        }
        campaigns = list(
            session.scalars(
                select(Campaign.slug)
                .order_by(
                    ((Campaign.starts_on <= END) & (Campaign.ends_on >= END)).desc(),
                    Campaign.slug,
                )
                .limit(4)
            )
        )
    engine.dispose()
    mix = [
        ("/leaderboard", "gmv 7d MY"),
        ("/leaderboard", "orders 30d IT top 20"),
        ("/leaderboard", "live_gmv 1d MY"),
        ("/leaderboard", "gmv mtd IT"),
        ("/creatorbot", "snapshot MY"),
        ("/creatorbot", "snapshot IT"),
    ]
    mix += [("/creator", f"{h} {market}") for market, hs in handles.items() for h in hs]
    mix += [("/campaign", slug) for slug in campaigns]
    return mix


def user_id(n: int) -> str:
    return f"U{n:04d}"


@dataclass(frozen=True)
class Figures:
    """A process's resident memory (MB), the part of it that is its own heap rather than pages
    of the memory-mapped database file (MB), and its CPU time so far (s)."""

    rss_mb: float
    heap_mb: float
    cpu_s: float


def tree_figures(pid: int) -> Figures:
    """The figures of process `pid` and its children (a supervisor's workers) together."""
    parts = [proc_figures(n) for n in (pid, *children(pid))]
    return Figures(
        sum(f.rss_mb for f in parts), sum(f.heap_mb for f in parts), sum(f.cpu_s for f in parts)
    )


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, as each of its threads' /proc children list says
    (read every tenth of a second: a scan of all of /proc cost the driver a fifth of its CPU)."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(n) for n in (task / "children").read_text().split()]
    return sorted(found)


def proc_figures(pid: int) -> Figures:
    """The figures of process `pid`, from /proc."""
    kib = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon"):
            kib[name] = int(value.split()[0])
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return Figures(kib.get("VmRSS", 0) / 1024, kib.get("RssAnon", 0) / 1024, cpu)


def own_cpu() -> float:
    """CPU seconds this process (the users and the fake Slack) has used so far."""
    times = os.times()
    return times.user + times.system


def ack_buckets_of(metrics: str) -> dict[float, float]:
    """The Slack ack histogram of the bot's /metrics text: upper bound (s) → requests at or
    below it, cumulative as Prometheus counts."""
    buckets = {}
    for line in metrics.splitlines():
        if line.startswith("creatorbot_ack_seconds_bucket{") and 'platform="slack"' in line:
            labels, _, count = line.rpartition(" ")
            bound = labels.partition('le="')[2].partition('"')[0]
            buckets[float(bound)] = float(count)  # float() reads "+Inf" too
    return buckets


def bucket_percentile(before: dict[float, float], after: dict[float, float], q: float) -> float:
    """The upper bound of the bucket holding the `q` percentile of what was counted between two
    readings of a cumulative histogram; NaN when nothing was."""
    counts = sorted((bound, after[bound] - before.get(bound, 0.0)) for bound in after)
    if not counts or counts[-1][1] <= 0:
        return float("nan")
    wanted = math.ceil(q * counts[-1][1])
    return next(bound for bound, count in counts if count >= wanted)


@contextlib.contextmanager
def running_bot(
    db_path: Path, fake: FakeSlack, tuning: dict[str, str] | None = None
) -> Iterator[Bot]:
    """`creatorbot run` in a child process on `db_path` (no bootstrap admins: the load users
    hold grants); stopped with SIGTERM afterwards. `tuning`: more CREATORBOT_* settings."""
    db_path = db_path.resolve()  # the child runs in another directory
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS) and k not in ALSO_OURS}
    env.update(
        DATABASE_URL=f"sqlite:///{db_path}",
        CREATORBOT_DATA_DIR=str(db_path.parent),
        CREATORBOT_RATE_LIMIT_PER_MINUTE=str(RATE_LIMIT),
        SLACK_BOT_TOKEN="xoxb-load",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        PORT=str(port),
        LOG_LEVEL="WARNING",
        **(tuning or {}),
    )
    log = db_path.with_suffix(".log")
    with log.open("wb") as stderr:
        # cwd beside the database: no .env of the working tree is read by the bot
        child = subprocess.Popen(
            [*creatorbot(), "run"],
            cwd=db_path.parent,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        bot = Bot(child, f"http://127.0.0.1:{port}", log)
        try:
            bot.wait_healthy()
            yield bot
        finally:
            bot.stop()


@dataclass
class Bot:
    """The bot's process and address."""

    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/slack/events"

    def wait_healthy(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited ({self.process.returncode}):\n{self.tail()}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the bot was not healthy within {timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def ack_buckets(self) -> dict[float, float]:
        """The bot's own count of its Slack acks by latency, from /metrics."""
        with urllib.request.urlopen(f"{self.base_url}/metrics", timeout=10) as answer:
            return ack_buckets_of(answer.read().decode())

    def logged(self, level: str) -> list[str]:
        """The lines the bot logged at `level` (ERROR, WARNING)."""
        lines = self.log.read_text(errors="replace").splitlines()
        return [line for line in lines if f" {level} " in line]


def answered_ok(answer: dict[str, Any]) -> bool:
    """A real answer carries the Share button; an error reply or an apology does not."""
    return any(
        element.get("action_id", "").startswith("cb.share.")
        for block in answer.get("blocks") or []
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    )


async def ask(bot: Bot, fake: LoopSlack, user: str, command: tuple[str, str], step: Step) -> None:
    """One command: signed, posted, acked, then waited for on its response_url."""
    url = fake.response_url(user)
    arrival = fake.expect(url)
    body = slash_command(command[0], command[1], user_id=user, response_url=url)
    started = time.perf_counter()
    try:
        posting = post(bot.events_url, body, signed_headers(body, SECRET))
        status, answer = await asyncio.wait_for(posting, ACK_TIMEOUT)
    except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
        status, answer = 0, (str(exc) or type(exc).__name__).encode()
    ack = time.perf_counter() - started
    if status != 200:
        step.count("ack", f"{status} {answer[:80].decode(errors='replace')}")
        return
    step.acks.append(ack)
    try:
        when, said = await asyncio.wait_for(arrival, ANSWER_TIMEOUT)
    except TimeoutError:
        step.count("missing", " ".join(command))
        return
    step.answers.append(when - started)
    if said is None or not answered_ok(said):
        text = str(said.get("text", "")) if said else ""
        step.count("error reply", f"{' '.join(command)} → {text[:100]}")


def run_step(
    bot: Bot,
    fake: LoopSlack,
    users: Sequence[str],
    per_user: int,
    mix: Sequence[tuple[str, str]],
    deadline: float = STEP_DEADLINE,
) -> Step:
    """Every user sends `per_user` commands back to back, all users at once (on the fake's
    event loop); the bot's RSS and CPU are sampled meanwhile."""
    step = Step(len(users))
    done = threading.Event()
    first = tree_figures(bot.process.pid)
    peak = [first.rss_mb, first.heap_mb]

    def sample() -> None:
        while not done.wait(0.1):
            with contextlib.suppress(OSError):
                now = tree_figures(bot.process.pid)
                peak[:] = [max(peak[0], now.rss_mb), max(peak[1], now.heap_mb)]

    sampler = threading.Thread(target=sample, daemon=True)
    buckets_before = bot.ack_buckets()
    sampler.start()
    started = time.perf_counter()
    cpu_before, own_before = first.cpu_s, own_cpu()

    async def user_loop(index: int) -> None:
        for k in range(per_user):
            if time.perf_counter() - started > deadline:
                return
            await ask(bot, fake, users[index], mix[(index * per_user + k) % len(mix)], step)

    async def everyone() -> None:
        await asyncio.gather(*(user_loop(index) for index in range(len(users))))

    fake.run(everyone())
    step.wall = time.perf_counter() - started
    step.cpu_cores = (tree_figures(bot.process.pid).cpu_s - cpu_before) / step.wall
    step.load_cores = (own_cpu() - own_before) / step.wall
    step.bot_ack_p99 = bucket_percentile(buckets_before, bot.ack_buckets(), 0.99)
    done.set()
    sampler.join()
    step.peak_rss_mb, step.peak_heap_mb = peak
    return step


@dataclass
class Run:
    """A whole load run: its steps and what the bot said and used besides."""

    steps: list[Step]
    idle: Figures
    logged_errors: list[str]
    logged_warnings: list[str]
    settings: dict[str, str]


def load(
    db_path: Path,
    steps: Sequence[int],
    per_user: int,
    *,
    warm_up: bool = True,
    tuning: dict[str, str] | None = None,
) -> Run:
    """Run the steps against a bot on `db_path` (modified: pass a copy)."""
    if per_user > RATE_LIMIT:
        raise ValueError(f"{per_user} commands a user would pass the rate limit of {RATE_LIMIT}")
    if not all(0 < users <= MAX_USERS for users in steps):
        raise ValueError(f"a step has 1 to {MAX_USERS} users")
    mix = command_mix(db_path)
    # Each step has users of its own (and the warm-up its own: two per worker process and
    # language, at once, so that the answers of every kind in every language have been worked
    # out before the steps, whatever the number of processes), each granted the viewer role.
    processes = int((tuning or {}).get("CREATORBOT_PROCESSES", "1"))
    warmers = 2 * processes * len(LOCALES) if warm_up else 0
    firsts = [sum(steps[:i]) for i in range(len(steps))]
    everyone = [user_id(n) for n in range(1, sum(steps) + warmers + 1)]
    grant_viewers(db_path, everyone, dt.datetime.now(dt.UTC))
    with LoopSlack() as fake:
        fake.add_channel("C1")
        for n, user in enumerate(everyone):
            fake.add_user(user, locale=LOCALES[n % len(LOCALES)])
        with running_bot(db_path, fake, tuning) as bot:
            idle = tree_figures(bot.process.pid)
            if warm_up:  # the first chart and the first query of each kind load what they need
                run_step(bot, fake, everyone[-warmers:], min(len(mix), RATE_LIMIT), mix)
            results = [
                run_step(bot, fake, everyone[first : first + users], per_user, mix)
                for first, users in zip(firsts, steps, strict=True)
            ]
            errors, warnings = bot.logged("ERROR"), bot.logged("WARNING")
    settings = {"CREATORBOT_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT), **(tuning or {})}
    return Run(results, idle, errors, warnings, settings)


def world_copy(folder: Path) -> Path:
    """The S world (built once under data/bench/, reused), copied so the run cannot change it."""
    prepare("S", "sqlite")
    source = Path(database_url("S", "sqlite").removeprefix("sqlite:///"))
    # Whatever is still in the write-ahead log goes into the file first, or the copy lacks it.
    with contextlib.closing(sqlite3.connect(source)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = folder / "load-S.sqlite3"
    shutil.copyfile(source, target)
    return target


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def verdict(steps: Sequence[Step]) -> str | None:
    """Whether the target holds at TARGET_USERS users, with the figures; None if not measured."""
    target = next((s for s in steps if s.users == TARGET_USERS), None)
    if target is None:
        return None
    p99 = percentile(target.acks, 0.99)
    met = p99 < TARGET_ACK_P99 and target.error_count == 0 and target.requests > 0
    return (
        f"target, {TARGET_USERS} users: ack p99 {ms(p99)} (< {ms(TARGET_ACK_P99)}), "
        f"{target.error_count} errors (0) → {'MET' if met else 'NOT MET'}"
    )


COLUMNS = (
    f"{'users':>5} {'requests':>8} {'ack p50':>8} {'ack p99':>8} {'in bot':>8} "
    f"{'answer p50':>10} {'answer p99':>10} {'errors':>6} {'answers/s':>9} "
    f"{'bot CPU':>7} {'load CPU':>8} {'peak RSS':>8} {'heap':>6}"
)


def report(run: Run) -> str:
    """The table of steps, what the bot logged, and the verdict for the target."""
    lines = [COLUMNS]
    for s in run.steps:
        lines.append(
            f"{s.users:>5} {s.requests:>8} {ms(percentile(s.acks, 0.5)):>8} "
            f"{ms(percentile(s.acks, 0.99)):>8} {'≤' + ms(s.bot_ack_p99):>8} "
            f"{percentile(s.answers, 0.5):>9.2f}s {percentile(s.answers, 0.99):>9.2f}s "
            f"{s.error_count:>6} {len(s.answers) / s.wall if s.wall else 0.0:>9.1f} "
            f"{s.cpu_cores:>6.2f}c {s.load_cores:>7.2f}c {s.peak_rss_mb:>5.0f} MB "
            f"{s.peak_heap_mb:>3.0f} MB"
        )
        for kind, n in s.errors.items():
            lines.append(f"      {n} × {kind}, e.g. {s.example.get(kind, '')}")
    lines.append(
        "ack: sent → HTTP 200, as the users timed it; in bot: p99 of the bot's own ack histogram "
        "(bucket bound, waitress queueing excluded); answer: sent → on the response_url"
    )
    lines.append(
        f"bot RSS when idle after start: {run.idle.rss_mb:.0f} MB (heap {run.idle.heap_mb:.0f} "
        "MB; the rest is pages of the memory-mapped database, shared with the OS cache)"
    )
    lines.append(
        f"the bot logged {len(run.logged_errors)} errors and {len(run.logged_warnings)} "
        f"warnings{by_logger(run.logged_warnings)}"
    )
    lines += [f"  {line[:160]}" for line in run.logged_errors[:5]]
    lines.append("bot settings: " + ", ".join(f"{k}={v}" for k, v in run.settings.items()))
    target = verdict(run.steps)
    if target is not None:
        lines.append(target)
    return "\n".join(lines)


def by_logger(lines: Sequence[str]) -> str:
    """How many of the log lines each logger wrote (` (waitress.queue 12)`); '' for none."""
    counts: dict[str, int] = {}
    for line in lines:
        _, _, rest = line.partition(" WARNING ")
        name = rest.partition(":")[0] or "?"
        counts[name] = counts.get(name, 0) + 1
    shown = ", ".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda c: -c[1]))
    return f" ({shown})" if shown else ""


TARGET_ANSWER_P99 = 2.0  # with every core working, at TARGET_USERS users
TARGET_SPEEDUP = 1.7  # answers a second with 2 processes over 1, on 2 cores


def scaling(runs: dict[int, Run]) -> str:
    """Answer p99 and answers a second at TARGET_USERS users for each number of processes, and
    the most processes' answers a second over one process's, against the targets."""
    lines = [f"{TARGET_USERS} users: processes, answer p99, answers/s"]
    rates = {}
    for count, run in sorted(runs.items()):
        step = next((s for s in run.steps if s.users == TARGET_USERS), None)
        if step is None:
            return f"no step of {TARGET_USERS} users: run with --steps including it"
        rates[count] = len(step.answers) / step.wall if step.wall else 0.0
        p99 = percentile(step.answers, 0.99)
        lines.append(f"  {count:>2} {p99:>6.2f} s {rates[count]:>7.1f}")
    most = max(rates)
    if 1 not in rates or most == 1 or not rates[1]:
        return "\n".join(lines)
    ratio = rates[most] / rates[1]
    step = next(s for s in runs[most].steps if s.users == TARGET_USERS)
    p99 = percentile(step.answers, 0.99)
    met = p99 <= TARGET_ANSWER_P99 and ratio >= TARGET_SPEEDUP
    lines.append(
        f"target, {most} processes: answer p99 {p99:.2f} s (≤ {TARGET_ANSWER_P99:.0f} s), "
        f"{ratio:.2f}× the answers/s of one (≥ {TARGET_SPEEDUP}×) → {'MET' if met else 'NOT MET'}"
    )
    return "\n".join(lines)


def tuning_of(pairs: Sequence[str]) -> dict[str, str]:
    """`NAME=VALUE` settings for the bot (CREATORBOT_WORKERS=8, …)."""
    tuning = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.startswith("CREATORBOT_"):
            raise ValueError(f"not a CREATORBOT_NAME=VALUE setting: {pair}")
        tuning[name] = value
    return tuning


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default=",".join(map(str, STEPS)), help="users per step")
    parser.add_argument("--per-user", type=int, default=PER_USER, help="commands per user")
    parser.add_argument("--quick", action="store_true", help="a short run: 5 and 10 users × 2")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a bot setting"
    )
    parser.add_argument(
        "--processes",
        default=f"1,{cores()}",
        help="worker processes (CREATORBOT_PROCESSES) of each run, compared (default: 1,cores)",
    )
    args = parser.parse_args()
    steps = [5, 10] if args.quick else [int(n) for n in args.steps.split(",")]
    per_user = 2 if args.quick else args.per_user
    if not 0 < per_user <= RATE_LIMIT:
        parser.error(f"--per-user from 1 to the bot's rate limit ({RATE_LIMIT} a minute)")
    if not all(0 < users <= MAX_USERS for users in steps):
        parser.error(f"--steps of 1 to {MAX_USERS} users each")
    try:
        tuning = tuning_of(args.set)
    except ValueError as exc:
        parser.error(str(exc))
    counts = [int(n) for n in args.processes.split(",")]
    DATA.mkdir(parents=True, exist_ok=True)
    print(
        "Load: signed slash commands over loopback against `creatorbot run` (processes of its "
        "own) on the S world (100,000 creators × 90 days, SQLite); each user, a viewer of every "
        f"market, sends {per_user} commands back to back, waiting for each answer "
        f"(under the rate limit of {RATE_LIMIT} a minute). Machine: {cores()} cores, load "
        f"{os.getloadavg()[0]:.1f} at the start"
    )
    print(pace_line())
    runs = {}
    for count in counts:
        with tempfile.TemporaryDirectory(dir=DATA) as folder:
            started = time.perf_counter()
            db_path = world_copy(Path(folder))
            runs[count] = load(
                db_path, steps, per_user, tuning={**tuning, "CREATORBOT_PROCESSES": str(count)}
            )
            wall = time.perf_counter() - started
        print(f"\n{count} worker process{'es' if count > 1 else ''}:")
        print(report(runs[count]))
        print(f"whole run: {wall:.0f} s; machine load {os.getloadavg()[0]:.1f} at its end")
        print(pace_line())
    if len(runs) > 1:
        print()
        print(scaling(runs))


if __name__ == "__main__":
    main()
