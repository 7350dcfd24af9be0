"""The demo's campaign calendar, placed relative to the last day with data."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

IT_MONTHS = (
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
    "settembre", "ottobre", "novembre", "dicembre",
)  # fmt: skip

# Shopper demand on each day of a mega sale window, relative to an ordinary day.
DOUBLE_DAY_PROFILE = (1.2, 1.3, 1.45, 1.8, 4.0, 1.7, 1.25)  # four warm-up days, the day, two after
BLACK_FRIDAY_PROFILE = (1.15, 1.2, 1.3, 1.5, 3.0, 1.9, 1.6, 2.0)  # Monday … Friday … Cyber Monday

# A payday program pays a fixed bonus for reaching each GMV threshold inside its window (sen).
PAYDAY_REWARDS = ((300_000, 5_000), (1_000_000, 20_000), (3_000_000, 80_000), (10_000_000, 300_000))


@dataclass(frozen=True)
class Effect:
    """How taking part lifts an enrolled creator inside the window (multipliers)."""

    live: float = 1.0
    video: float = 1.0
    live_days: float = 1.0
    minutes: float = 1.0
    posts: float = 1.0
    views: float = 1.0


@dataclass(frozen=True)
class CampaignPlan:
    """One campaign of the demo and how creators respond to it."""

    slug: str
    name: str
    market: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    metric: str = "gmv"
    reward_tiers: tuple[tuple[int, int], ...] | None = None
    demand: tuple[float, ...] = ()  # market-wide demand per window day (mega sales)
    reach: float = 0.2  # chance that a median-sized eligible creator enrolls
    audience: str = "all"  # all | live | video
    effect: Effect = field(default_factory=Effect)

    @property
    def days(self) -> int:
        """Length of the window in days, both ends included."""
        return (self.ends_on - self.starts_on).days + 1


def nearest_yearly(end: dt.date, month: int, day: int) -> dt.date:
    """The occurrence of a yearly date (11.11, 12.12) closest to `end`."""
    candidates = [dt.date(year, month, day) for year in (end.year - 1, end.year, end.year + 1)]
    return min(candidates, key=lambda d: (abs((d - end).days), d))


def black_friday(year: int) -> dt.date:
    """The Friday after the fourth Thursday of November."""
    first = dt.date(year, 11, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(days=22)


def month_window(year: int, month: int, first_day: int = 1) -> tuple[dt.date, dt.date]:
    """From `first_day` of the month to its last day."""
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, first_day), dt.date(year, month, last)


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    """(year, month) moved by `by` months."""
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def _distance(end: dt.date, window: tuple[dt.date, dt.date]) -> int:
    start, stop = window
    if start <= end <= stop:
        return 0
    return min(abs((start - end).days), abs((stop - end).days))


def _mega(
    market: str, peak: dt.date, name: str, tag: str, profile: tuple[float, ...]
) -> CampaignPlan:
    before = profile.index(max(profile))
    return CampaignPlan(
        slug=f"{market.lower()}-{tag}-{peak.year}",
        name=name,
        market=market,
        kind="mega_sale",
        starts_on=peak - dt.timedelta(days=before),
        ends_on=peak + dt.timedelta(days=len(profile) - before - 1),
        demand=profile,
        reach=0.35,
        effect=Effect(live=1.5, video=1.4, live_days=1.3, posts=1.5, views=1.3),
    )


def _payday(year: int, month: int) -> CampaignPlan:
    start, stop = month_window(year, month, 25)
    return CampaignPlan(
        slug=f"my-payday-{year}-{month:02d}",
        name=f"Payday Bonus {calendar.month_abbr[month]} {year}",
        market="MY",
        kind="incentive",
        starts_on=start,
        ends_on=stop,
        reward_tiers=PAYDAY_REWARDS,
        reach=0.25,
        effect=Effect(live=1.3, video=1.3, live_days=1.1, posts=1.2),
    )


def _live_ranking(market: str, year: int, month: int) -> CampaignPlan:
    start, stop = month_window(year, month)
    label = (
        f"Classifica Live {IT_MONTHS[month - 1]} {year}"
        if market == "IT"
        else f"Livestream Ranking {calendar.month_abbr[month]} {year}"
    )
    return CampaignPlan(
        slug=f"{market.lower()}-live-ranking-{year}-{month:02d}",
        name=label,
        market=market,
        kind="competition",
        starts_on=start,
        ends_on=stop,
        metric="live_gmv",
        reach=0.2,
        audience="live",
        effect=Effect(live=1.7, live_days=1.6, minutes=1.3),
    )


def plan_campaigns(end: dt.date) -> tuple[CampaignPlan, ...]:
    """Campaigns around `end`: past, running on `end` and upcoming, in both markets."""
    plans: list[CampaignPlan] = []
    for market, names in (
        ("MY", ("11.11 Mega Sale", "12.12 Year-End Sale")),
        ("IT", ("11.11 Festa dello Shopping", "12.12 Saldi di Natale")),
    ):
        eleven = nearest_yearly(end, 11, 11)
        twelve = nearest_yearly(end, 12, 12)
        plans.append(_mega(market, eleven, f"{names[0]} {eleven.year}", "1111", DOUBLE_DAY_PROFILE))
        plans.append(_mega(market, twelve, f"{names[1]} {twelve.year}", "1212", DOUBLE_DAY_PROFILE))
    friday = min(
        (black_friday(y) for y in (end.year - 1, end.year, end.year + 1)),
        key=lambda d: (abs((d - end).days), d),
    )
    plans.append(
        _mega("IT", friday, f"Black Friday {friday.year}", "black-friday", BLACK_FRIDAY_PROFILE)
    )

    # Payday: the 25th-to-month-end window nearest to `end`, and the one before it.
    months = [shift_month(end.year, end.month, by) for by in (-1, 0, 1)]
    year, month = min(months, key=lambda ym: _distance(end, month_window(ym[0], ym[1], 25)))
    plans.append(_payday(year, month))
    plans.append(_payday(*shift_month(year, month, -1)))

    # Monthly livestream rankings: this month's runs on `end`, next month's is upcoming.
    plans.append(_live_ranking("MY", end.year, end.month))
    plans.append(_live_ranking("MY", *shift_month(end.year, end.month, 1)))
    plans.append(_live_ranking("IT", *shift_month(end.year, end.month, -1)))

    challenge_start = end - dt.timedelta(days=13)
    plans.append(
        CampaignPlan(
            slug=f"it-video-challenge-{end.year}-{end.month:02d}",
            name=f"Sfida Video Brevi {IT_MONTHS[end.month - 1]} {end.year}",
            market="IT",
            kind="competition",
            starts_on=challenge_start,
            ends_on=end + dt.timedelta(days=7),
            metric="video_views",
            reach=0.2,
            audience="video",
            effect=Effect(video=1.2, posts=2.0, views=1.8),
        )
    )
    linkshare_start = end - dt.timedelta(days=16)
    linkshare_month = f"{IT_MONTHS[linkshare_start.month - 1]} {linkshare_start.year}"
    plans.append(
        CampaignPlan(
            slug=f"it-linkshare-{linkshare_start.year}-{linkshare_start.month:02d}",
            name=f"LinkShare Leaderboard {linkshare_month}",
            market="IT",
            kind="ip_event",
            starts_on=linkshare_start,
            ends_on=end + dt.timedelta(days=4),
            reach=0.12,
            effect=Effect(live=1.1, video=1.35, posts=1.3, views=1.2),
        )
    )
    return tuple(plans)
