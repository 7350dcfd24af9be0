"""Anomaly detection quality and speed: precision and recall on generated creators with planted
spikes and drops (ours beside the naive ±50%-vs-yesterday rule), and the time to scan one day.

Generated data: creators big and small (log-normal sizes), a weekend rhythm that differs by
creator, Poisson orders with day-to-day noise, days without sales for small creators, one-off
outliers in the history, a market-wide sale day, and anomalies planted on the scanned days.
`python -m bench.anomalies` prints the figures; `--creators`, `--seed` change the world.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from bench.commands import DATA
from creatorbot.analytics.anomalies import detect_gated, naive
from creatorbot.storage.db import make_engine, make_sessionmaker
from creatorbot.storage.models import Creator, Market
from creatorbot.storage.queries.anomaly_scan import CREATOR_GATES, rules_for, scan_day
from creatorbot.storage.queries.markets import all_markets, latest_day

HISTORY = 28
SCANNED = 7  # the last days, each scanned against its own trailing 28 days
START = dt.date(2026, 10, 20)  # a Tuesday
MALAYSIA = Market(
    code="MY", name="Malaysia", currency="MYR", minor_units=2, timezone="", locales=""
)
RULES = {metric: rules_for(MALAYSIA)[metric] for metric in CREATOR_GATES}  # as the product judges
MIN_GMV, MIN_ORDERS = int(RULES["gmv"].min_volume), int(RULES["orders"].min_volume)
DAY_NOISE = 0.25  # day-to-day noise of a creator's demand (log scale), beside Poisson orders
PLANTED_SHARE = 0.01  # of the creators, each scanned day
SALE_DAYS = (9, HISTORY + 3)  # market-wide ×1.6 days: one in the history, one scanned


@dataclass(frozen=True)
class World:
    """Daily GMV (creators × days, minor units) and orders, the planted cells and the usual
    GMV and orders of every creator-day (what it would have been without the anomaly)."""

    gmv: np.ndarray
    orders: np.ndarray
    planted: np.ndarray  # bool, creators × days: an anomaly was planted there
    spike: np.ndarray  # bool, creators × days: the planted one is a spike
    usual: np.ndarray  # the usual GMV of each creator-day, before planting
    usual_orders: np.ndarray
    weekdays: np.ndarray


def generate(creators: int, seed: int) -> World:
    """The generated world: HISTORY + SCANNED days of daily GMV for `creators` creators."""
    rng = np.random.default_rng(seed)
    days = HISTORY + SCANNED
    size = rng.standard_normal(creators)
    level = 12_000 * np.exp(2 * size)  # a typical day, minor units: median RM120
    active = np.clip(0.75 + 0.5 * size, 0.05, 1.0)  # big shops sell every day (videos keep selling)
    weekdays = (np.arange(days) + START.weekday()) % 7
    weekend = rng.uniform(0.0, 0.6, creators)  # live sellers gain the most at weekends
    rhythm = 1 + weekend[:, None] * np.select(
        [weekdays == 5, weekdays == 6, weekdays == 4], [1.0, 1.0, 0.4], 0.0
    )
    market = np.ones(days)
    market[list(SALE_DAYS)] = 1.6
    # The usual day is the median ordinary day (what "its usual Thursday" means in an alert).
    usual = level[:, None] * rhythm * market * active[:, None] * np.exp(-(DAY_NOISE**2) / 2)
    basket = 5_500 * np.exp(0.3 * rng.standard_normal(creators))
    noise = np.exp(DAY_NOISE * rng.standard_normal((creators, days)) - DAY_NOISE**2 / 2)
    outlier = rng.random((creators, days)) < 0.01
    outlier[:, HISTORY:] = False
    noise[outlier] *= np.where(rng.random(int(outlier.sum())) < 0.5, 0.1, 5.0)
    planted = np.zeros((creators, days), dtype=bool)
    planted[:, HISTORY:] = rng.random((creators, SCANNED)) < PLANTED_SHARE
    spike = planted & (rng.random((creators, days)) < 0.5)
    factor = np.ones((creators, days))
    factor[spike] = rng.uniform(4, 10, int(spike.sum()))
    drop = planted & ~spike
    factor[drop] = rng.uniform(0, 0.25, int(drop.sum()))
    on = rng.random((creators, days)) < active[:, None]
    on |= planted  # a planted day is a selling day that went wrong (or very right)
    noise[planted] = 1.0  # as in the demo world: `factor` times an ordinary day, exactly
    rate = level[:, None] * rhythm * market / basket[:, None] * noise * factor
    orders = rng.poisson(np.where(on, rate, 0.0))
    price = np.exp(0.1 * rng.standard_normal((creators, days)))
    gmv = np.rint(orders * basket[:, None] * price)
    usual_orders = usual / basket[:, None]
    return World(gmv, orders.astype(np.float64), planted, spike, usual, usual_orders, weekdays)


@dataclass(frozen=True)
class Score:
    """Precision and recall of one rule over the scanned days."""

    flagged: int
    correct: int
    material: int
    found: int

    @property
    def precision(self) -> float:
        return self.correct / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.material if self.material else 1.0


def evaluate(world: World) -> tuple[Score, Score]:
    """(ours, naive) over every scanned day, counted in creator-days (a creator flagged on GMV,
    orders or both counts once). A flag on a planted cell is correct; recall counts the planted
    cells whose usual GMV and orders reach the minimum volume."""
    ours = [0, 0, 0, 0]
    theirs = [0, 0, 0, 0]
    for day in range(HISTORY, HISTORY + SCANNED):
        planted = world.planted[:, day]
        big = (world.usual[:, day] >= MIN_GMV) & (world.usual_orders[:, day] >= MIN_ORDERS)
        material = planted & big
        found = scan(world, day)
        before = (world.gmv[:, day - 1] >= MIN_GMV) & (world.orders[:, day - 1] >= MIN_ORDERS)
        naive_rows = naive(world.gmv[:, day - 1], world.gmv[:, day], MIN_GMV)
        for tally, flagged in ((ours, found), (theirs, naive_rows[before[naive_rows]])):
            tally[0] += len(flagged)
            tally[1] += int(planted[flagged].sum())
            tally[2] += int(material.sum())
            tally[3] += int(material[flagged].sum())
    return Score(*ours), Score(*theirs)


def scan(world: World, day: int) -> np.ndarray:
    """The creators our detector flags on `day` (on GMV or orders), judged against the 28 days
    before it, as the creator scan does: orders first, then GMV among those with enough."""
    window = slice(day - HISTORY, day)
    series = {
        "orders": (world.orders[:, window], world.orders[:, day]),
        "gmv": (world.gmv[:, window], world.gmv[:, day]),
    }
    found = detect_gated(series, RULES, world.weekdays[window], int(world.weekdays[day]))
    rows = [detection.flagged["row"].to_numpy() for detection in found.values()]
    return np.unique(np.concatenate(rows))


def day_major(values: np.ndarray) -> np.ndarray:
    """int32, one day after another in memory: how the creator scan lays out the day columns."""
    return np.asfortranarray(values.astype(np.int32))


def time_detection(creators: int, seed: int) -> float:
    """Seconds to scan one day of `creators` creators on GMV and orders, from int32 day-major
    matrices as the creator scan builds them from the day columns."""
    world = generate(creators, seed)
    window = slice(0, HISTORY)
    series = {
        "orders": (day_major(world.orders[:, window]), world.orders[:, HISTORY]),
        "gmv": (day_major(world.gmv[:, window]), world.gmv[:, HISTORY]),
    }
    weekdays, weekday = world.weekdays[window], int(world.weekdays[HISTORY])
    started = time.perf_counter()
    detect_gated(series, RULES, weekdays, weekday)
    return time.perf_counter() - started


def time_world(path: Path, repeats: int = 3) -> tuple[int, dict[str, float]] | None:
    """Seconds to scan the latest day of each market of a bench world (day columns read,
    creators, campaigns and slots judged; nothing written), best of `repeats` after a first
    run; with the number of creators. None when the world has not been built."""
    if not path.exists():
        return None
    engine = make_engine(f"sqlite:///{path.resolve()}")
    seconds: dict[str, float] = {}
    with make_sessionmaker(engine)() as session:
        creators = int(session.scalar(select(func.count()).select_from(Creator)) or 0)
        for code, market in all_markets(session=session).items():
            day = latest_day(code, session=session)
            if day is None:
                continue
            times = []
            for _ in range(repeats + 1):
                started = time.perf_counter()
                scan_day(market, day, session=session)
                times.append(time.perf_counter() - started)
            seconds[code] = min(times[1:])
        session.rollback()
    engine.dispose()
    return creators, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--creators", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    world = generate(args.creators, args.seed)
    ours, theirs = evaluate(world)
    print(
        f"{args.creators:,} creators, {SCANNED} days scanned against {HISTORY} days each; "
        f"{ours.material:,} planted anomalies above the minimum volume "
        f"(RM{MIN_GMV // 100} and {MIN_ORDERS} orders on a usual day)"
    )
    print(f"{'rule':<32}{'flagged':>9}{'precision':>11}{'recall':>8}")
    for name, score in (
        ("ours (robust weekday baseline)", ours),
        ("naive (±50% vs yesterday)", theirs),
    ):
        print(f"{name:<32}{score.flagged:>9,}{score.precision:>11.3f}{score.recall:>8.3f}")
    seconds = time_detection(1_000_000, args.seed)
    print(f"detection alone, 1,000,000 creators × {HISTORY} days: {seconds:.3f} s")
    path = DATA / "bench-L.sqlite3"  # bench/commands.py's, under BENCH_DATA_DIR
    found = time_world(path)
    if found is None:
        print(f"{path} not built: run `make bench` (bench.commands builds it) to time the scan")
        return
    creators, markets = found
    each = ", ".join(f"{code} {value:.3f} s" for code, value in markets.items())
    print(
        f"scan of one day, bench L world ({creators:,} creators, read from the day columns "
        f"and judged): {sum(markets.values()):.3f} s ({each})"
    )


if __name__ == "__main__":
    main()
