"""50 concurrent Slack slash commands whose work takes seconds: every ack must come within 3 s.

The real bot runs in HTTP mode on 127.0.0.1 against the fake Slack Web API, on the demo world.
Each command's work is made slow on purpose (the user's profile lookup answers after 2 s), so
only an ack that truly comes before the work can be fast. Prints ack and answer p50/p99."""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.stats import percentile
from creatorbot.bot.app import build
from creatorbot.bot.http import make_server, run_until_closed
from creatorbot.bot.serve import wire
from creatorbot.bot.settings import Settings
from creatorbot.storage.demo import DemoSpec, ensure_demo
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import post, signed_headers, slash_command

SECRET = "bench-secret"
COMMANDS = [
    "gmv 7d MY",
    "orders 30d IT",
    "live_gmv 1d MY top 20",
    "gmv mtd IT",
    "video_views 7d MY",
]


def run(concurrency: int, work_seconds: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder, FakeSlack() as fake:
        fake.delay("users.info", work_seconds)
        for n in range(concurrency):
            fake.add_user(f"U{n:04d}", locale=("en-GB", "it-IT", "ms-MY")[n % 3])
        settings = Settings(
            DATABASE_URL=f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            _env_file=None,
        )
        app = build(settings)
        ensure_demo(DemoSpec(end=dt.date(2026, 11, 23)), sessions=app.sessions)
        running = wire(app)
        server = make_server(running.web, "127.0.0.1", 0, threads=settings.http_threads)
        threading.Thread(target=run_until_closed, args=(server,), daemon=True).start()
        url = f"http://127.0.0.1:{server.effective_port}/slack/events"
        sent: dict[str, float] = {}

        def one(n: int) -> float:
            answer_url = fake.response_url(f"bench{n}")
            body = slash_command(
                "/leaderboard",
                COMMANDS[n % len(COMMANDS)],
                user_id=f"U{n:04d}",
                response_url=answer_url,
            )
            headers = signed_headers(body, SECRET)
            sent[answer_url] = time.time()  # the fake stamps answers with wall-clock time
            started = time.perf_counter()
            status, _headers, _body = post(url, body, headers)
            assert status == 200, status
            return time.perf_counter() - started

        barrier_start = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as clients:
            acks = list(clients.map(one, range(concurrency)))
        fake.wait_for(lambda: len(fake.responses()) >= concurrency, timeout=120)
        answered = {c.url: c.at for c in fake.calls("response_url")}
        answers = [answered[url] - sent[url] for url in sent if url in answered]
        wall = time.perf_counter() - barrier_start
        server.close()
        running.close()
        app.close()
    return {
        "requests": concurrency,
        "ack_p50": statistics.median(acks),
        "ack_p99": percentile(acks, 0.99),
        "ack_max": max(acks),
        "answer_p50": statistics.median(answers),
        "answer_p99": percentile(answers, 0.99),
        "within_3s": sum(a < 3 for a in acks),
        "wall": wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--work-seconds", type=float, default=2.0)
    args = parser.parse_args()
    result = run(args.concurrency, args.work_seconds)
    print(
        f"Slack ack under load: {args.concurrency} concurrent slash commands, "
        f"each answer's work takes ≥ {args.work_seconds:.1f} s"
    )
    print(f"{'':22}{'p50':>10}{'p99':>10}{'max':>10}")
    print(
        f"{'ack (HTTP 200)':22}{result['ack_p50'] * 1000:>8.0f}ms{result['ack_p99'] * 1000:>8.0f}ms"
        f"{result['ack_max'] * 1000:>8.0f}ms"
    )
    print(f"{'answer (response_url)':22}{result['answer_p50']:>9.2f}s{result['answer_p99']:>9.2f}s")
    print(f"all {result['requests']} answered in {result['wall']:.1f} s of wall time")
    print(f"acked within 3 s: {result['within_3s']}/{result['requests']}")


if __name__ == "__main__":
    main()
