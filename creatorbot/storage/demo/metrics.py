"""Daily creator metrics, drawn block by block of creators from the world's model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from creatorbot.storage import writer
from creatorbot.storage.demo.anomalies import Anomaly
from creatorbot.storage.demo.calendar import Calendar
from creatorbot.storage.demo.campaigns import Effect
from creatorbot.storage.demo.population import MARKETS, Population

# Creators per random stream (fewer for long worlds, to bound memory): fixed by the spec, so the
# numbers never depend on how a caller chunks the work.
BLOCK = 4096
CELLS_PER_BLOCK = 2**21
DAILY_STREAM = 100


@dataclass(frozen=True)
class Boost:
    """The lift enrolled creators get inside a campaign window (calendar columns, inclusive)."""

    enrolled: np.ndarray  # bool per creator
    first: int
    last: int
    effect: Effect


@dataclass(frozen=True)
class Model:
    """Everything the daily numbers are drawn from."""

    seed: int
    start: dt.date
    days: int
    pop: Population
    cal: Calendar
    boosts: tuple[Boost, ...]
    planted: tuple[Anomaly, ...]

    @property
    def block(self) -> int:
        """Creators per block."""
        return max(64, min(BLOCK, CELLS_PER_BLOCK // self.days))

    @property
    def blocks(self) -> int:
        """Number of creator blocks."""
        return -(-len(self.pop) // self.block)


@dataclass(frozen=True)
class Rates:
    """Per creator (rows) and day (columns): chances and expected counts of an ordinary day."""

    active: np.ndarray  # chance of any activity
    live: np.ndarray  # chance of streaming, given active
    live_orders: np.ndarray  # orders expected on a day with a stream
    video_orders: np.ndarray  # orders expected through videos on an active day
    posts: np.ndarray
    views: np.ndarray  # multiplier of views
    minutes: np.ndarray  # multiplier of stream length


def rates(model: Model, idx: np.ndarray, cols: np.ndarray) -> Rates:
    """The rates of creators `idx` on calendar columns `cols`."""
    pop, cal = model.pop, model.cal
    market = pop.market[idx]

    def by_market(table: np.ndarray) -> np.ndarray:
        return table[:, cols][market]

    def per_creator(values: np.ndarray) -> np.ndarray:
        return values[idx][:, None]

    since_today = (cols - cal.today)[None, :]
    trend = np.exp(np.clip(per_creator(pop.growth) * since_today, -1.0, 0.3))
    daily = pop.gmv_30d[idx] / 30 / pop.p_active[idx] / pop.basket[idx]
    orders = daily[:, None] * trend
    share = per_creator(pop.live_share)
    p_live = per_creator(pop.p_live)
    sold_live = orders * share
    live_orders = np.divide(
        sold_live, p_live, out=np.zeros_like(sold_live), where=p_live > 0
    ) * by_market(cal.live)
    video_orders = orders * (1 - share) * by_market(cal.video)
    live = p_live * by_market(cal.live_days)
    posts = np.broadcast_to(per_creator(pop.posts), live.shape).copy()
    views = np.ones(live.shape)
    minutes = np.ones(live.shape)
    for boost in model.boosts:
        enrolled = boost.enrolled[idx]
        inside = (cols >= boost.first) & (cols <= boost.last)
        if not enrolled.any() or not inside.any():
            continue
        mask = enrolled[:, None] & inside[None, :]
        effect = boost.effect
        for table, factor in (
            (live_orders, effect.live),
            (video_orders, effect.video),
            (live, effect.live_days),
            (minutes, effect.minutes),
            (posts, effect.posts),
            (views, effect.views),
        ):
            if factor != 1.0:
                table[mask] *= factor
    return Rates(
        active=np.minimum(per_creator(pop.p_active) * by_market(cal.active), 1.0),
        live=np.minimum(live, 1.0),
        live_orders=live_orders,
        video_orders=video_orders,
        posts=posts,
        views=views,
        minutes=minutes,
    )


def expected_gmv(model: Model, idx: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Expected GMV (minor units) of each creator in `idx`, summed over calendar columns `cols`."""
    pop = model.pop
    out = np.zeros(len(idx))
    day = cols - model.cal.offset
    for lo in range(0, len(idx), BLOCK):
        part = idx[lo : lo + BLOCK]
        r = rates(model, part, cols)
        alive = (day >= pop.first_day[part, None]) & (day <= pop.last_day[part, None])
        per_day = r.active * (r.live * r.live_orders + r.video_orders) * pop.basket[part, None]
        out[lo : lo + BLOCK] = (per_day * alive).sum(axis=1)
    return out


@dataclass(frozen=True)
class DailyBlock:
    """The daily rows of one block of creators: global creator index, data day, metrics."""

    creator: np.ndarray
    day: np.ndarray
    values: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.creator)


def _lognormal(rng: np.random.Generator, sigma: float, n: int) -> np.ndarray:
    """Multiplicative noise with mean 1."""
    return np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)


def generate(model: Model, block: int) -> DailyBlock:
    """Draw the daily rows of creator block `block` (a creator-day without activity has none)."""
    pop, days = model.pop, model.days
    lo = block * model.block
    hi = min(lo + model.block, len(pop))
    idx = np.arange(lo, hi)
    rng = np.random.default_rng([model.seed, DAILY_STREAM, block])
    r = rates(model, idx, np.arange(days) + model.cal.offset)
    shape = r.active.shape
    day_no = np.arange(days)
    alive = (day_no >= pop.first_day[idx, None]) & (day_no <= pop.last_day[idx, None])
    active = alive & (rng.random(shape) < r.active)
    live = active & (rng.random(shape) < r.live)
    planted = [a for a in model.planted if lo <= a.creator < hi and a.day < days]
    for a in planted:
        active[a.creator - lo, a.day] = True
        live[a.creator - lo, a.day] = a.live and pop.live_share[a.creator] > 0

    row, day = np.nonzero(active)
    n = len(row)
    who = idx[row]
    streams = live[row, day]
    # Planted cells are set to exactly `factor` times an ordinary day: no noise, no Poisson.
    at = np.searchsorted(row * days + day, [(a.creator - lo) * days + a.day for a in planted])
    exact = np.zeros(n, dtype=bool)
    exact[at] = True

    def calm(noise: np.ndarray) -> np.ndarray:
        return np.where(exact, 1.0, noise)

    z_views = np.where(exact, 0.0, rng.standard_normal(n))
    lam_live = np.where(streams, r.live_orders[row, day], 0.0) * calm(_lognormal(rng, 0.35, n))
    lam_video = r.video_orders[row, day] * calm(
        np.exp(0.25 * z_views + 0.2 * rng.standard_normal(n) - (0.25**2 + 0.2**2) / 2)
    )
    views_factor = np.ones(n)
    for a, k in zip(planted, at, strict=True):  # a handful of cells, set by hand
        i, d = a.creator - lo, a.day
        if streams[k]:
            lam_live[k] = a.factor * r.live_orders[i, d]
            lam_video[k] = a.factor * r.video_orders[i, d]
        else:
            lam_live[k] = 0.0
            lam_video[k] = a.factor * (r.live[i, d] * r.live_orders[i, d] + r.video_orders[i, d])
        views_factor[k] = a.views

    def orders_from(lam: np.ndarray) -> np.ndarray:
        return np.where(exact, np.rint(lam), rng.poisson(lam)).astype(np.int64)

    live_orders = orders_from(lam_live)
    video_orders = orders_from(lam_video)
    for a, k in zip(planted, at, strict=True):
        if a.factor > 1 and live_orders[k] + video_orders[k] == 0:
            video_orders[k] = 1  # a spike of a creator who sells less than an order a day
    basket = pop.basket[who]

    def money(orders: np.ndarray) -> np.ndarray:
        price = _lognormal(rng, 0.3, n) ** (1 / np.sqrt(np.maximum(orders, 1)))
        return np.rint(orders * basket * calm(price)).astype(np.int64)

    live_gmv = money(live_orders)
    video_gmv = money(video_orders)
    orders = live_orders + video_orders
    items = orders + rng.poisson(orders * (pop.items_per_order[who] - 1))
    extra = rng.random(n)
    sessions = np.where(streams, 1 + (extra < 0.25) + (extra < 0.06), 0).astype(np.int64)
    length = np.clip(np.exp(np.log(75) + 0.45 * rng.standard_normal(n)), 10, 300)
    minutes = np.rint(sessions * length * r.minutes[row, day]).astype(np.int64)
    expected_posts = r.posts[row, day]
    posts = np.where(
        exact, np.maximum(np.rint(expected_posts), 1), rng.poisson(expected_posts)
    ).astype(np.int64)
    followers = pop.followers[who]
    reach = 0.01 * calm(_lognormal(rng, 0.3, n)) + posts * pop.views_per_post[who] * np.exp(
        0.9 * z_views - np.where(exact, 0.0, 0.405)
    )
    views = np.rint(followers * reach * r.views[row, day] * views_factor).astype(np.int64)
    gained = views * 0.004 + minutes * 0.03 * np.sqrt(followers / 10_000)
    new_followers = rng.poisson(gained).astype(np.int64)
    values = {
        "gmv": live_gmv + video_gmv,
        "orders": orders,
        "items_sold": items.astype(np.int64),
        "live_gmv": live_gmv,
        "video_gmv": video_gmv,
        "live_sessions": sessions,
        "live_minutes": minutes,
        "video_posts": posts,
        "video_views": views,
        "new_followers": new_followers,
    }
    return DailyBlock(creator=who.astype(np.int64), day=day.astype(np.int64), values=values)


def blocks(model: Model) -> Iterator[DailyBlock]:
    """Every block of daily rows, in creator order."""
    for block in range(model.blocks):
        yield generate(model, block)


def to_frame(model: Model, block: DailyBlock, handles: np.ndarray) -> pd.DataFrame:
    """A block as the canonical daily_metrics frame the writer takes."""
    dates = (np.datetime64(model.start, "D") + np.arange(model.days)).astype(object)
    codes = np.array(MARKETS, dtype=object)
    frame = pd.DataFrame(
        {
            "date": dates[block.day],
            "market": codes[model.pop.market[block.creator]],
            "handle": handles[block.creator],
            **block.values,
        },
        columns=list(writer.DAILY_COLUMNS),
    )
    return frame
