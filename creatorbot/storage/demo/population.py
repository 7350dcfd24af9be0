"""The demo's creators: who they are and the habits their daily numbers are drawn from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from creatorbot.storage.demo import names

MARKETS = ("MY", "IT")
MY_SHARE = 0.6

CATEGORIES = (
    "beauty", "fashion", "home", "food", "electronics", "mother_baby", "sports", "health",
)  # fmt: skip
CATEGORY_WEIGHTS = {
    "MY": (0.24, 0.22, 0.12, 0.14, 0.08, 0.09, 0.05, 0.06),
    "IT": (0.22, 0.26, 0.14, 0.12, 0.09, 0.05, 0.07, 0.05),
}
# Average basket relative to the market's, by category (electronics sells dearer things).
BASKET_FACTOR = np.array([0.9, 1.0, 1.1, 0.75, 1.45, 1.0, 1.1, 0.95])
# How much more a category sells live than an average one (beauty and fashion love live).
LIVE_AFFINITY = np.array([1.2, 1.2, 0.9, 0.8, 1.0, 0.9, 0.8, 0.9])


@dataclass(frozen=True)
class Economy:
    """The money scale of a market, in its minor units."""

    median_gmv_30d: float
    basket: float
    median_followers: float


ECONOMY = {
    "MY": Economy(median_gmv_30d=350_000, basket=5_500, median_followers=9_000),  # RM 3.5k, RM 55
    "IT": Economy(median_gmv_30d=180_000, basket=2_800, median_followers=6_000),  # €1.8k, €28
}
# Spread of log 30-day GMV: the top 1% of a lognormal with σ=2 sell ~37% of it all.
GMV_SIGMA = 2.0


@dataclass(frozen=True)
class Population:
    """Every creator of the world, market by market (MY first), as parallel arrays.

    Days are counted from the first day with data (day 0); a creator has data from
    `first_day` through `last_day` only (joined late, or churned).
    """

    market: np.ndarray  # index into MARKETS
    size: np.ndarray  # latent size, standard normal within each market
    handle: np.ndarray
    display_name: np.ndarray
    category: np.ndarray  # index into CATEGORIES
    followers: np.ndarray
    cm: np.ndarray
    am: np.ndarray
    email: np.ndarray
    phone: np.ndarray
    gmv_30d: np.ndarray  # typical 30-day GMV at today's level, minor units
    p_active: np.ndarray  # chance of any activity on an ordinary weekday
    live_share: np.ndarray  # share of GMV sold live
    p_live: np.ndarray  # chance of going live on an active day
    basket: np.ndarray  # average order value, minor units
    items_per_order: np.ndarray
    posts: np.ndarray  # videos posted on an active day
    views_per_post: np.ndarray  # views of a new video, as a share of followers
    growth: np.ndarray  # daily log growth
    first_day: np.ndarray
    last_day: np.ndarray

    def __len__(self) -> int:
        return len(self.market)

    def joined_on(self, start: dt.date) -> np.ndarray:
        """Join dates as `datetime.date` objects."""
        base = np.datetime64(start, "D")
        return (base + self.first_day.astype("timedelta64[D]")).astype(object)


def normal_quantiles(p: np.ndarray) -> np.ndarray:
    """The standard normal quantile function (Abramowitz & Stegun 26.2.23, |error| < 5e-4)."""
    q = np.minimum(p, 1 - p)
    t = np.sqrt(-2 * np.log(q))
    x = t - (2.515517 + 0.802853 * t + 0.010328 * t**2) / (
        1 + 1.432788 * t + 0.189269 * t**2 + 0.001308 * t**3
    )
    return np.where(p < 0.5, -x, x)


# The biggest creator of each market has a fixed identity, so the examples in `help` and the
# docs (`creator aisyah.beauty`) always find someone in any demo world.
SHOWCASE = {
    "MY": ("aisyah.beauty", "Nur Aisyah", "beauty"),
    "IT": ("giulia.moda", "Giulia Ferrà", "fashion"),
}


def _showcase(
    market: str, size: np.ndarray, handle: np.ndarray, display: np.ndarray, category: np.ndarray
) -> None:
    star_handle, star_name, star_category = SHOWCASE[market]
    handle[handle == star_handle] = star_handle + "_2"  # nobody else may carry the name
    star = int(np.argmax(size))
    handle[star] = star_handle
    display[star] = star_name
    category[star] = CATEGORIES.index(star_category)


def _market(rng: np.random.Generator, market: str, n: int, days: int) -> dict[str, np.ndarray]:
    econ = ECONOMY[market]
    # Stratified draw: every world has the same size distribution, only who is who varies.
    size = normal_quantiles((rng.permutation(n) + rng.random(n)) / n)
    category = rng.choice(len(CATEGORIES), size=n, p=CATEGORY_WEIGHTS[market])
    who = names.people(rng, market, n)
    words = np.empty(n, dtype=names.STR)
    for c, category_name in enumerate(CATEGORIES):
        pool = np.array(names.HANDLE_WORDS[market][category_name], dtype=names.STR)
        mine = category == c
        words[mine] = pool[rng.integers(0, len(pool), int(mine.sum()))]
    handle = names.handles(rng, who, words)
    _showcase(market, size, handle, who.display, category)
    staff = names.STAFF[market]
    cm = np.array(staff["cm"], dtype=names.STR)[rng.integers(0, len(staff["cm"]), n)]
    am = np.array(staff["am"], dtype=names.STR)[rng.integers(0, len(staff["am"]), n)]

    followers = np.rint(
        econ.median_followers * np.exp(1.4 * (0.75 * size + 0.66 * rng.standard_normal(n)))
    ).astype(np.int64)
    followers = np.maximum(followers, 150)
    p_active = np.clip(0.62 + 0.15 * size + 0.1 * rng.standard_normal(n), 0.12, 0.99)

    # Live vs video: a quarter sell only through videos, some are live-first sellers.
    style = rng.choice(3, size=n, p=[0.25, 0.6, 0.15])
    mixed = np.clip(rng.beta(2, 3, n) * LIVE_AFFINITY[category], 0.02, 0.9)
    live_share = np.where(style == 0, 0.0, np.where(style == 2, rng.beta(9, 1.5, n), mixed))
    p_live = np.where(
        live_share > 0,
        np.clip(0.25 + 0.6 * live_share + 0.05 * size + 0.08 * rng.standard_normal(n), 0.05, 0.97),
        0.0,
    )
    basket = econ.basket * BASKET_FACTOR[category] * np.exp(0.12 * rng.standard_normal(n))
    items_per_order = 1.1 + 0.45 * rng.random(n)
    posts = (0.3 + 2.2 * (1 - live_share)) * np.exp(0.4 * rng.standard_normal(n))
    views_per_post = np.exp(np.log(0.12) + 0.6 * rng.standard_normal(n))

    # Tenure: most joined before the data starts; some are new, some churn; the biggest stay.
    first_day = -1 - np.minimum(rng.exponential(400, n), 1500).astype(np.int64)
    last_day = np.full(n, days + 10_000, dtype=np.int64)
    growth = 0.0008 + 0.003 * rng.standard_normal(n)
    stays = size > 2.0
    if days > 2:
        new = (rng.random(n) < 0.07) & ~stays
        first_day[new] = rng.integers(1, days, int(new.sum()))
        growth[new] = np.abs(growth[new]) + 0.01
        churned = (rng.random(n) < 0.05) & ~stays & ~new
        last_day[churned] = rng.integers(0, days - 1, int(churned.sum()))

    return {
        "market": np.full(n, MARKETS.index(market), dtype=np.int8),
        "size": size,
        "handle": handle,
        "display_name": who.display,
        "category": category,
        "followers": followers,
        "cm": cm,
        "am": am,
        "email": names.emails(rng, handle),
        "phone": names.phones(rng, market, n),
        "gmv_30d": econ.median_gmv_30d * np.exp(GMV_SIGMA * size),
        "p_active": p_active,
        "live_share": live_share,
        "p_live": p_live,
        "basket": basket,
        "items_per_order": items_per_order,
        "posts": posts,
        "views_per_post": views_per_post,
        "growth": growth,
        "first_day": first_day,
        "last_day": last_day,
    }


def build_population(rng: np.random.Generator, creators: int, days: int) -> Population:
    """All creators: about 60% in Malaysia, the rest in Italy."""
    n_my = round(creators * MY_SHARE)
    parts = [_market(rng, "MY", n_my, days), _market(rng, "IT", creators - n_my, days)]
    return Population(**{key: np.concatenate([p[key] for p in parts]) for key in parts[0]})
