"""DuckDB beside the bot: each bench world's rows exported once to Parquet (cached next to the
world under BENCH_DATA_DIR, rebuilt when the world changes), and DuckDB ad hoc answering each
bench question on those rows — the same window, filters and ranking ties as the command.

DuckDB holds the rows in memory (`connect`). A question's DuckDB side is a function
(connection, facts) → answer; `facts` are what the bench read from the world to write its
questions (a campaign of each kind, the day an `as-of:` names, …). What the bot finds out on each
ask (a market's latest day) DuckDB finds out on each ask too, inside the timed answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from creatorbot.analytics.windows import Window, window_for
from creatorbot.storage.queries.metrics import RANKABLE

Facts = dict[str, Any]
Answer = Callable[[Any, Facts], Any]  # (duckdb connection, facts) → the answer's rows
CHUNK = 500_000  # rows read from the database at a time while exporting

# What is exported, table by table: the columns the questions read (dates as ISO text, which
# both databases give alike and DuckDB reads back as DATE).
EXPORTS = {
    "daily": (
        "SELECT creator_id, CAST(date AS VARCHAR(10)) AS date, market, gmv, orders, items_sold, "
        "live_gmv, video_gmv, live_sessions, live_minutes, video_posts, video_views, "
        "new_followers FROM daily_metrics"
    ),
    "creators": (
        "SELECT id, market, handle, display_name, tier, category, followers, cm, am FROM creators"
    ),
    "enrollments": "SELECT campaign_id, creator_id FROM enrollments",
    "campaigns": (
        "SELECT id, slug, name, market, kind, CAST(starts_on AS VARCHAR(10)) AS starts_on, "
        "CAST(ends_on AS VARCHAR(10)) AS ends_on, metric, gmv_target, creator_target "
        "FROM campaigns"
    ),
    "reward_tiers": "SELECT campaign_id, threshold, reward FROM reward_tiers",
    "slot_metrics": (
        "SELECT CAST(date AS VARCHAR(10)) AS date, market, slot, surface, impressions, clicks, "
        "conversions FROM slot_metrics"
    ),
    "tiers": "SELECT market, tier, rank, min_gmv_30d FROM tiers",
}
DATES = {"daily": ("date",), "campaigns": ("starts_on", "ends_on"), "slot_metrics": ("date",)}
# Parquet sorted as a columnar copy would keep it: by market and day.
ORDER = {"daily": "market, date, creator_id", "slot_metrics": "market, date, slot"}
# Cheap facts that change whenever the world does: any import refreshes the boards, the kept
# days' row counts follow every daily write, a rebuilt world has new creators and campaigns.
SIGNATURE = (
    "SELECT count(*), max(id) FROM creators",
    "SELECT max(computed_at) FROM boards",
    "SELECT market, date, rows FROM day_columns WHERE name = 'creator_id' ORDER BY market, date",
    "SELECT count(*) FROM enrollments",
    "SELECT id, slug, starts_on, ends_on, metric, gmv_target FROM campaigns ORDER BY id",
    "SELECT count(*), max(date) FROM slot_metrics",
    "SELECT market, max(date) FROM daily_metrics GROUP BY market",
)


def signature(engine: Engine) -> str:
    """A digest of the world that changes when its rows do."""
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for query in SIGNATURE:
            digest.update(repr(connection.execute(text(query)).all()).encode())
    return digest.hexdigest()[:16]


def parquet_dir(folder: Path, engine: Engine) -> tuple[Path, float]:
    """The folder of the world's Parquet files, exported now when missing or stale; with the
    seconds the export took (0 when cached)."""
    import duckdb

    wanted = signature(engine)
    stamp = folder / "signature.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("signature") == wanted:
        return folder, 0.0
    started = dt.datetime.now()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    con = duckdb.connect()
    with engine.connect() as connection:
        for name, query in EXPORTS.items():
            con.execute(f"DROP TABLE IF EXISTS {name}")
            created = False
            for chunk in pd.read_sql_query(text(query), connection, chunksize=CHUNK):
                con.register("chunk", chunk)
                dates = ", ".join(f"CAST({c} AS DATE) AS {c}" for c in DATES.get(name, ()))
                select = (
                    f"SELECT * REPLACE ({dates}) FROM chunk" if dates else "SELECT * FROM chunk"
                )
                if created:
                    con.execute(f"INSERT INTO {name} {select}")
                else:
                    con.execute(f"CREATE TABLE {name} AS {select}")
                    created = True
                con.unregister("chunk")
            if not created:
                raise RuntimeError(f"bench world has no {name} rows to export")
            order = f" ORDER BY {ORDER[name]}" if name in ORDER else ""
            target = folder / f"{name}.parquet"
            con.execute(f"COPY (SELECT * FROM {name}{order}) TO '{target}' (FORMAT parquet)")
            con.execute(f"DROP TABLE {name}")
    con.close()
    stamp.write_text(json.dumps({"signature": wanted}))
    return folder, (dt.datetime.now() - started).total_seconds()


def connect(folder: Path) -> Any:
    """A DuckDB connection holding the world's rows as its own in-memory tables, read from the
    Parquet files before any question is timed: then every question is ad hoc SQL over plain
    tables (no index, nothing precomputed), DuckDB at its quickest."""
    import duckdb

    con = duckdb.connect()
    for name in EXPORTS:
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{folder / name}.parquet')")
    return con


# --- the questions -----------------------------------------------------------------------------


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


LATEST = "SELECT max(date) FROM daily WHERE market = $market"


def latest(con: Any, market: str) -> dt.date:
    """The market's latest day with daily rows, looked up on each ask as the bot does (not
    taken from the facts), so DuckDB's figure includes finding it."""
    found = con.execute(LATEST, {"market": market}).fetchone()[0]
    return found if isinstance(found, dt.date) else _day(str(found))


def _metric(name: str) -> str:
    if name not in RANKABLE:
        raise ValueError(name)
    return name


def _campaign(con: Any, slug: str) -> dict[str, Any]:
    row = con.execute(
        "SELECT id, market, kind, starts_on, ends_on, metric, gmv_target FROM campaigns "
        "WHERE lower(slug) = lower(?)",
        [slug],
    ).fetchone()
    keys = ("id", "market", "kind", "starts_on", "ends_on", "metric", "gmv_target")
    return dict(zip(keys, row, strict=True))


RANKING = """
WITH pool AS ({pool}),
cur AS (SELECT creator_id, sum({metric}) AS value FROM daily
        WHERE market = $market AND date BETWEEN $start AND $end GROUP BY creator_id),
prev AS (SELECT creator_id, sum({metric}) AS value FROM daily
         WHERE market = $market AND date BETWEEN $pstart AND $pend GROUP BY creator_id),
now_ranked AS (
    SELECT p.id, p.handle, p.display_name, c.value,
           row_number() OVER (ORDER BY c.value DESC, p.handle) AS rank
    FROM cur c JOIN pool p ON p.id = c.creator_id WHERE c.value > 0),
before_ranked AS (
    SELECT p.id, row_number() OVER (ORDER BY c.value DESC, p.handle) AS rank
    FROM prev c JOIN pool p ON p.id = c.creator_id WHERE c.value > 0)
SELECT n.rank, n.handle, n.display_name, n.value, b.rank AS previous_rank,
       count(*) OVER () AS ranked, sum(n.value) OVER () AS total
FROM now_ranked n LEFT JOIN before_ranked b ON b.id = n.id
ORDER BY n.rank LIMIT {top}
"""


def ranking(
    con: Any,
    metric: str,
    market: str,
    window: Window,
    *,
    tier: str | None = None,
    category: str | None = None,
    campaign_id: int | None = None,
    dormant: bool = False,
    top: int = 10,
) -> list[tuple[Any, ...]]:
    """The leaderboard: its top rows with the rank of the window before, how many it ranks
    and their total. Ranked by the sum over the window, ties by handle; creators at 0 out.
    `dormant`: only creators with a sale in the sixty days up to the window's end and none in
    its last 14."""
    pool = "SELECT id, handle, display_name FROM creators WHERE true"
    params: dict[str, Any] = {"market": market}
    if dormant:
        pool += f" AND id IN (SELECT creator_id FROM ({DORMANT}))"
        params["last"] = window.end
    if tier is not None:
        pool += " AND lower(tier) = lower($tier)"
        params["tier"] = tier
    if category is not None:
        pool += " AND lower(category) = lower($category)"
        params["category"] = category
    if campaign_id is not None:
        pool += " AND id IN (SELECT creator_id FROM enrollments WHERE campaign_id = $campaign)"
        params["campaign"] = campaign_id
    before = window.previous()
    params.update(start=window.start, end=window.end, pstart=before.start, pend=before.end)
    query = RANKING.format(pool=pool, metric=_metric(metric), top=int(top))
    return con.execute(query, params).fetchall()


def leaderboard(
    metric: str,
    period: str | None,
    market: str,
    *,
    as_of: str | None = None,
    tier: str | None = None,
    category: str | None = None,
    campaign: str | None = None,
    dormant: bool = False,
    top: int = 10,
) -> Answer:
    """`leaderboard METRIC PERIOD MARKET …`; `as_of` and `campaign` name facts (a day, the
    slug of a campaign of a kind)."""

    def answer(con: Any, facts: Facts) -> Any:
        end = _day(facts[as_of]) if as_of else latest(con, market)
        campaign_id = None
        if campaign:
            found = _campaign(con, facts[campaign])
            campaign_id = found["id"]
            window = Window(found["starts_on"], min(found["ends_on"], end))
        else:
            window = window_for(period or "7d", end)
        return ranking(
            con,
            metric,
            market,
            window,
            tier=tier,
            category=category,
            campaign_id=campaign_id,
            dormant=dormant,
            top=top,
        )

    return answer


MATCH = """
WITH running AS (
    SELECT e.creator_id, count(*) AS running FROM enrollments e
    JOIN campaigns c ON c.id = e.campaign_id
    WHERE c.market = $market AND c.starts_on <= $day AND c.ends_on >= $day
    GROUP BY e.creator_id),
totals AS (
    SELECT cr.id, cr.handle, cr.display_name, cr.tier, cr.followers,
           sum(CASE WHEN d.date >= $start THEN d.gmv ELSE 0 END) AS gmv_30d,
           sum(CASE WHEN d.date >= $start THEN d.orders ELSE 0 END) AS orders_30d,
           sum(CASE WHEN d.date >= $start THEN d.video_views ELSE 0 END) AS views_30d,
           sum(CASE WHEN d.date < $start THEN d.gmv ELSE 0 END) AS gmv_prev,
           coalesce(max(r.running), 0) AS running
    FROM creators cr JOIN daily d ON d.creator_id = cr.id
    LEFT JOIN running r ON r.creator_id = cr.id
    WHERE cr.market = $market AND lower(cr.category) = lower($category)
      AND d.market = $market AND d.date BETWEEN $pstart AND $end
    GROUP BY cr.id, cr.handle, cr.display_name, cr.tier, cr.followers),
signals AS (
    SELECT *,
           CASE WHEN views_30d > 0 THEN orders_30d * 1000.0 / views_30d END AS conversion,
           CASE WHEN gmv_prev > 0 THEN (gmv_30d - gmv_prev) / CAST(gmv_prev AS DOUBLE) END
               AS growth
    FROM totals WHERE gmv_30d > 0 AND running < 3),
capped AS (
    SELECT *, CASE WHEN growth IS NULL OR growth > 2.0 THEN 2.0 ELSE growth END AS growth_signal
    FROM signals),
scored AS (
    SELECT *,
        0.5 * (count(*) OVER (ORDER BY gmv_30d) / CAST(count(*) OVER () AS DOUBLE))
        + 0.25 * CASE WHEN conversion IS NULL THEN 0.0 ELSE
              count(conversion) OVER (ORDER BY conversion)
              / CAST(count(conversion) OVER () AS DOUBLE) END
        + 0.25 * (count(*) OVER (ORDER BY growth_signal) / CAST(count(*) OVER () AS DOUBLE))
        - 0.15 * greatest(running - 1, 0) AS score
    FROM capped)
SELECT row_number() OVER (ORDER BY score DESC, handle) AS rank, handle, display_name, tier,
       followers, gmv_30d, orders_30d, views_30d, gmv_prev, running, growth, score,
       count(*) OVER () AS candidates,
       (SELECT count(*) FROM totals WHERE gmv_30d > 0 AND running >= 3) AS left_out
FROM scored ORDER BY rank LIMIT {top}
"""


def match(category: str, market: str, *, export: bool = False) -> Answer:
    """`match CATEGORY MARKET [export]`: the scored candidates (the top 10, or the 500 the
    export holds). Percentile ranks are the share of candidates at most the creator's value."""

    def answer(con: Any, facts: Facts) -> Any:
        end = latest(con, market)
        window = window_for("30d", end)
        before = window.previous()
        params = {
            "market": market,
            "category": category,
            "day": end,
            "start": window.start,
            "end": end,
            "pstart": before.start,
        }
        return con.execute(MATCH.format(top=500 if export else 10), params).fetchall()

    return answer


SLOTS = """
WITH cur AS (
    SELECT slot, max(surface) AS surface, sum(impressions) AS impressions, sum(clicks) AS clicks,
           sum(conversions) AS conversions
    FROM slot_metrics WHERE market = $market AND date BETWEEN $start AND $end GROUP BY slot),
prev AS (
    SELECT slot, max(surface) AS surface, sum(impressions) AS impressions, sum(clicks) AS clicks,
           sum(conversions) AS conversions
    FROM slot_metrics WHERE market = $market AND date BETWEEN $pstart AND $pend GROUP BY slot),
merged AS (
    SELECT coalesce(c.slot, p.slot) AS slot, coalesce(c.surface, p.surface) AS surface,
           coalesce(c.impressions, 0) AS impressions, coalesce(c.clicks, 0) AS clicks,
           coalesce(c.conversions, 0) AS conversions,
           coalesce(p.impressions, 0) AS previous_impressions,
           coalesce(p.clicks, 0) AS previous_clicks,
           coalesce(p.conversions, 0) AS previous_conversions
    FROM cur c FULL OUTER JOIN prev p ON p.slot = c.slot)
SELECT *,
       clicks / CAST(nullif(impressions, 0) AS DOUBLE) AS ctr,
       conversions / CAST(nullif(clicks, 0) AS DOUBLE) AS cvr,
       (impressions - previous_impressions) / CAST(nullif(previous_impressions, 0) AS DOUBLE)
           AS impressions_change,
       clicks / CAST(nullif(impressions, 0) AS DOUBLE)
           - previous_clicks / CAST(nullif(previous_impressions, 0) AS DOUBLE) AS ctr_change,
       conversions / CAST(nullif(clicks, 0) AS DOUBLE)
           - previous_conversions / CAST(nullif(previous_clicks, 0) AS DOUBLE) AS cvr_change,
       sum(impressions) OVER () AS total_impressions, sum(clicks) OVER () AS total_clicks,
       sum(conversions) OVER () AS total_conversions
FROM merged ORDER BY impressions DESC, slot
"""


LATEST_SLOT = "SELECT max(date) FROM slot_metrics WHERE market = $market"


def slots(market: str, period: str = "7d") -> Answer:
    """`slots MARKET [period]`: every slot beside the window before, rates and totals. As the
    bot does, the window ends on the market's latest slot day, looked up on each ask (not
    taken from the facts), so both sides answer the whole question."""

    def answer(con: Any, facts: Facts) -> Any:
        latest = con.execute(LATEST_SLOT, {"market": market}).fetchone()[0]
        end = latest if isinstance(latest, dt.date) else _day(str(latest))
        window = window_for(period, end)
        before = window.previous()
        params = {
            "market": market,
            "start": window.start,
            "end": end,
            "pstart": before.start,
            "pend": before.end,
        }
        return con.execute(SLOTS, params).fetchall()

    return answer


def _value_of(metric: str) -> str:
    return metric if metric in RANKABLE else "gmv"


STANDINGS = """
WITH enrolled AS (SELECT creator_id FROM enrollments WHERE campaign_id = $campaign),
sums AS (
    SELECT d.creator_id, sum(d.{metric}) AS value, sum(d.gmv) AS gmv, sum(d.orders) AS orders
    FROM daily d JOIN enrolled e ON e.creator_id = d.creator_id
    WHERE d.date BETWEEN $start AND $end GROUP BY d.creator_id),
standing AS (
    SELECT c.id, c.handle, c.display_name, coalesce(s.value, 0) AS value,
           coalesce(s.gmv, 0) AS gmv, coalesce(s.orders, 0) AS orders
    FROM enrolled e JOIN creators c ON c.id = e.creator_id
    LEFT JOIN sums s ON s.creator_id = c.id)
"""
TOTALS = """
SELECT count(*) AS enrolled, count(*) FILTER (WHERE gmv > 0) AS active,
       count(*) FILTER (WHERE value > 0) AS ranked, coalesce(sum(gmv), 0) AS gmv,
       coalesce(sum(orders), 0) AS orders, coalesce(sum(value), 0) AS value
FROM standing
"""
TOP = """
SELECT row_number() OVER (ORDER BY value DESC, handle) AS rank, id, handle, display_name, value
FROM standing WHERE value > 0 ORDER BY rank LIMIT {top}
"""
TIERS = """,
tiers AS (SELECT threshold, reward, row_number() OVER (ORDER BY threshold) AS level
          FROM reward_tiers WHERE campaign_id = $campaign),
levels AS (
    SELECT s.*,
        (SELECT count(*) FROM tiers t WHERE s.value >= t.threshold) AS level,
        (SELECT count(*) FROM tiers t
         WHERE (CASE WHEN $elapsed > 0 THEN s.value * $total // $elapsed ELSE 0 END)
               >= t.threshold) AS projected_level,
        (SELECT min(t.threshold) FROM tiers t WHERE t.threshold > s.value) AS next_threshold
    FROM standing s),
near AS (SELECT *, next_threshold - value AS missing FROM levels
         WHERE next_threshold IS NOT NULL AND (next_threshold - value) * 10 <= next_threshold)
SELECT
    (SELECT list(n ORDER BY level) FROM (
        SELECT t.level, count(l.level) AS n FROM tiers t
        LEFT JOIN levels l ON l.level = t.level GROUP BY t.level)) AS per_tier,
    (SELECT count(*) FROM levels WHERE level = 0) AS below_first,
    (SELECT coalesce(sum(t.reward), 0) FROM levels l JOIN tiers t ON t.level = l.level)
        AS payout,
    (SELECT coalesce(sum(t.reward), 0) FROM levels l JOIN tiers t ON t.level = l.projected_level)
        AS projected_payout,
    (SELECT count(*) FROM near) AS nudge_total,
    (SELECT list(handle ORDER BY missing, handle) FROM
        (SELECT handle, missing FROM near ORDER BY missing, handle LIMIT 10)) AS nudge
"""


def _window(found: dict[str, Any], end: dt.date) -> tuple[dt.date, dt.date]:
    return found["starts_on"], min(found["ends_on"], end)


def standings(con: Any, found: dict[str, Any], end: dt.date, tail: str) -> Any:
    """The campaign's enrolled creators' figures inside its window through `end`, then `tail`
    (a SELECT over `standing`)."""
    start, through = _window(found, end)
    params = {"campaign": found["id"], "start": start, "end": through}
    query = STANDINGS.format(metric=_value_of(found["metric"])) + tail
    return con.execute(query, params).fetchall()


def campaign(kind: str) -> Answer:
    """`campaign SLUG` of the campaign of `kind` the facts name: totals and pacing, and by kind
    the top 5, the competition's top 10, or the incentive program's reward tiers."""

    def answer(con: Any, facts: Facts) -> Any:
        found = _campaign(con, facts[kind])
        end = latest(con, found["market"])
        totals = standings(con, found, end, TOTALS)
        if found["kind"] == "incentive":
            start, through = _window(found, end)
            total_days = (found["ends_on"] - start).days + 1
            elapsed = min(max((through - start).days + 1, 0), total_days)
            params = {
                "campaign": found["id"],
                "start": start,
                "end": through,
                "elapsed": elapsed,
                "total": total_days,
            }
            query = STANDINGS.format(metric=_value_of(found["metric"])) + TIERS
            return totals, con.execute(query, params).fetchall()
        top = 10 if found["kind"] == "competition" else 5
        return totals, standings(con, found, end, TOP.format(top=top))

    return answer


def snapshot(market: str) -> Answer:
    """`snapshot MARKET`: the GMV 7-day board's top 50 (movers among them), each running
    competition's top 5 and each running mega sale's GMV to date."""
    board = leaderboard("gmv", "7d", market, top=50)

    def answer(con: Any, facts: Facts) -> Any:
        end = latest(con, market)
        found = [board(con, facts)]
        running = con.execute(
            "SELECT id, market, kind, starts_on, ends_on, metric, gmv_target FROM campaigns "
            "WHERE market = ? AND starts_on <= ? AND ends_on >= ? "
            "AND kind IN ('competition', 'mega_sale') ORDER BY starts_on, slug",
            [market, end, end],
        ).fetchall()
        keys = ("id", "market", "kind", "starts_on", "ends_on", "metric", "gmv_target")
        for row in running:
            spec = dict(zip(keys, row, strict=True))
            tail = TOP.format(top=5) if spec["kind"] == "competition" else TOTALS
            found.append(standings(con, spec, end, tail))
        return found

    return answer


CREATOR = """
WITH me AS (SELECT * FROM creators WHERE lower(handle) = lower($handle) AND market = $market),
days AS (
    SELECT d.date, d.gmv, d.orders, d.live_gmv, d.video_gmv
    FROM daily d JOIN me ON me.id = d.creator_id WHERE d.date BETWEEN $first AND $end)
SELECT me.id, me.tier,
    (SELECT coalesce(sum(gmv), 0) FROM days WHERE date > $end - 7) AS gmv_7d,
    (SELECT coalesce(sum(gmv), 0) FROM days WHERE date <= $end - 7 AND date > $end - 14),
    (SELECT coalesce(sum(orders), 0) FROM days WHERE date > $end - 7) AS orders_7d,
    (SELECT coalesce(sum(orders), 0) FROM days WHERE date <= $end - 7 AND date > $end - 14),
    (SELECT coalesce(sum(gmv), 0) FROM days WHERE date > $end - 30) AS gmv_30d,
    (SELECT coalesce(sum(gmv), 0) FROM days WHERE date <= $end - 30),
    (SELECT coalesce(sum(orders), 0) FROM days WHERE date > $end - 30) AS orders_30d,
    (SELECT coalesce(sum(orders), 0) FROM days WHERE date <= $end - 30),
    (SELECT coalesce(sum(live_gmv), 0) FROM days WHERE date > $end - 30) AS live_30d,
    (SELECT coalesce(sum(video_gmv), 0) FROM days WHERE date > $end - 30) AS video_30d,
    (SELECT min(t.min_gmv_30d) FROM tiers t WHERE t.market = me.market AND t.rank >
        (SELECT rank FROM tiers WHERE market = me.market AND lower(tier) = lower(me.tier)))
        AS next_threshold
FROM me
"""
CREATOR_CAMPAIGNS = """
WITH mine AS (
    SELECT c.id, c.slug, c.starts_on, c.ends_on, c.metric FROM campaigns c
    JOIN enrollments e ON e.campaign_id = c.id WHERE e.creator_id = $creator
    ORDER BY c.starts_on DESC, c.slug LIMIT 5),
started AS (SELECT * FROM mine WHERE starts_on <= $end),
sums AS (
    SELECT s.id AS campaign_id, e.creator_id, sum({value}) AS value
    FROM started s JOIN enrollments e ON e.campaign_id = s.id
    JOIN daily d ON d.creator_id = e.creator_id
        AND d.date BETWEEN s.starts_on AND least(s.ends_on, $end)
    GROUP BY s.id, e.creator_id),
ranked AS (
    SELECT v.*, row_number() OVER (PARTITION BY v.campaign_id ORDER BY v.value DESC, c.handle)
               AS rank,
           count(*) OVER (PARTITION BY v.campaign_id) AS ranked
    FROM sums v JOIN creators c ON c.id = v.creator_id WHERE v.value > 0)
SELECT m.slug, r.value, r.rank, (SELECT max(ranked) FROM ranked x WHERE x.campaign_id = m.id)
FROM mine m LEFT JOIN ranked r ON r.campaign_id = m.id AND r.creator_id = $creator
ORDER BY m.starts_on DESC, m.slug
"""


def creator(market: str) -> Answer:
    """`creator HANDLE MARKET` of the creator the facts name: 7- and 30-day GMV and orders
    beside the windows before, the live/video split, what the next tier takes, and the rank in
    each of the latest five campaigns (among the enrolled, by the campaign's metric)."""
    value = "CASE s.metric " + " ".join(f"WHEN '{m}' THEN d.{m}" for m in RANKABLE)
    value += " ELSE d.gmv END"

    def answer(con: Any, facts: Facts) -> Any:
        end = latest(con, market)
        params = {
            "handle": facts["handle"],
            "market": market,
            "first": end - dt.timedelta(days=59),
            "end": end,
        }
        profile = con.execute(CREATOR, params).fetchall()
        places = con.execute(
            CREATOR_CAMPAIGNS.format(value=value), {"creator": profile[0][0], "end": end}
        ).fetchall()
        return profile, places

    return answer


HISTORY_DAYS = 28
ALERT_DAYS = """
SELECT creator_id, date, orders, gmv, live_minutes FROM daily
WHERE market = $market AND date BETWEEN $first AND $end
"""


def alerts(market: str) -> Answer:
    """`alerts MARKET`: the latest day's creator anomalies. DuckDB gathers the 29 days of every
    creator (orders, GMV, live minutes) as matrices; the judging is the bot's own (the creator
    scan's `CreatorDays`: the same norms, gates and rules): only the reading differs. Returns the
    creator ids (the matrices' rows) and the detections by metric."""
    from creatorbot.storage.models import Market
    from creatorbot.storage.queries.anomaly_inputs import Matrix
    from creatorbot.storage.queries.anomaly_scan import CREATOR_METRICS, CreatorDays, rules_for

    def answer(con: Any, facts: Facts) -> Any:
        end = latest(con, market)
        first = end - dt.timedelta(days=HISTORY_DAYS)
        frame = con.execute(ALERT_DAYS, {"market": market, "first": first, "end": end}).df()
        ids, rows = np.unique(frame["creator_id"].to_numpy(), return_inverse=True)
        days = pd.to_datetime(frame["date"]).dt.date.to_numpy()
        calendar = sorted(set(days.tolist()))
        column = np.searchsorted(np.array(calendar, dtype=object), days)
        values = {}
        for name in CREATOR_METRICS:
            matrix = np.zeros((len(ids), len(calendar)), dtype=np.int64, order="F")
            matrix[rows, column] = frame[name].to_numpy()
            values[name] = matrix
        place = Market(
            code=market,
            name="",
            currency=facts["currency"][market],
            minor_units=2,
            timezone="",
            locales="",
        )
        found = CreatorDays(Matrix(ids, tuple(calendar), values), rules_for(place)).detect()
        return ids, found

    return answer


# The sixty days the segments read, per creator: GMV of the last 30, of the days that stay in
# the window at the month's end ($kept_from on), of the last 7 and the 7 before, and the last
# day with a sale.
FIGURES = """
SELECT creator_id,
    sum(gmv) FILTER (WHERE date > $end - INTERVAL 30 DAY) AS now,
    coalesce(sum(gmv) FILTER (WHERE date >= $kept_from), 0) AS kept,
    sum(gmv) FILTER (WHERE date > $end - INTERVAL 7 DAY) AS week,
    sum(gmv) FILTER (WHERE date <= $end - INTERVAL 7 DAY AND date > $end - INTERVAL 14 DAY)
        AS week_before,
    max(date) FILTER (WHERE gmv > 0) AS last_sale
FROM daily WHERE market = $market AND date BETWEEN $end - INTERVAL 59 DAY AND $end
GROUP BY creator_id
"""
LEVEL_UP = """
WITH f AS ({figures}),
t AS (
    SELECT lower(tier) AS tier, tier AS name, rank, min_gmv_30d FROM tiers WHERE market = $market
),
c AS (SELECT id, handle, display_name, lower(tier) AS tier FROM creators WHERE market = $market),
l AS (
    SELECT c.handle, c.display_name, nt.name AS next_tier, nt.min_gmv_30d - f.now AS short,
        CAST(ceil((nt.min_gmv_30d - f.kept) / greatest($left, 1)) AS BIGINT) AS needed,
        f.week // 7 AS pace
    FROM c JOIN f ON f.creator_id = c.id JOIN t ct ON ct.tier = c.tier
    JOIN t nt ON nt.rank = ct.rank + 1
    WHERE f.now < nt.min_gmv_30d AND 100 * f.now >= 90 * nt.min_gmv_30d AND $left > 0
)
SELECT * FROM l WHERE 100 * needed <= 200 * pace ORDER BY needed / pace, handle
"""
AT_RISK = """
WITH f AS ({figures}),
t AS (SELECT lower(tier) AS tier, tier AS name, min_gmv_30d FROM tiers WHERE market = $market),
c AS (SELECT id, handle, display_name, lower(tier) AS tier FROM creators WHERE market = $market)
SELECT c.handle, t.name, p.projected, t.min_gmv_30d
FROM c JOIN t ON t.tier = c.tier LEFT JOIN f ON f.creator_id = c.id,
LATERAL (SELECT coalesce(f.kept, 0) + coalesce(f.week, 0) // 7 * $left AS projected) p
WHERE t.min_gmv_30d > 0 AND p.projected < t.min_gmv_30d
ORDER BY t.min_gmv_30d DESC, p.projected / t.min_gmv_30d, c.handle
"""
DORMANT = """
SELECT creator_id FROM daily
WHERE market = $market AND date BETWEEN $last - INTERVAL 59 DAY AND $last AND gmv > 0
GROUP BY creator_id HAVING max(date) <= $last - INTERVAL 14 DAY
"""
OWNED = """
WITH f AS ({figures})
SELECT c.handle, c.display_name, c.tier, f.week, f.week_before, f.now, f.last_sale
FROM creators c LEFT JOIN f ON f.creator_id = c.id
WHERE c.market = $market AND (lower(c.cm) = lower($owner) OR lower(c.am) = lower($owner))
ORDER BY f.last_sale <= $end - INTERVAL 14 DAY DESC, f.week DESC NULLS LAST, c.handle
"""


def _segment_params(con: Any, market: str) -> dict[str, Any]:
    from creatorbot.analytics.segments import days_left

    end = latest(con, market)
    left = days_left(end)
    kept_from = end - dt.timedelta(days=29 - left)
    return {"market": market, "end": end, "left": left, "kept_from": kept_from}


def tiers(market: str) -> Answer:
    """`tiers MARKET`: the level-up board (30-day GMV within 10% below the next tier, the pace
    needed by the month's end at most twice the last week's) and the tiers at risk."""

    def answer(con: Any, facts: Facts) -> Any:
        params = _segment_params(con, market)
        rising = con.execute(LEVEL_UP.format(figures=FIGURES), params).fetchall()
        falling = con.execute(AT_RISK.format(figures=FIGURES), params).fetchall()
        return rising, falling

    return answer


def portfolio(market: str, owner: str) -> Answer:
    """`portfolio OWNER MARKET`: every creator the owner has (as CM or AM) with 7-day GMV
    against the week before, dormant ones first, then by 7-day GMV (the other segments and
    the cut to the first ten are the bot's)."""

    def answer(con: Any, facts: Facts) -> Any:
        params = {**_segment_params(con, market), "owner": facts[owner]}
        del params["left"]  # DuckDB refuses a parameter the query does not use
        return con.execute(OWNED.format(figures=FIGURES), params).fetchall()

    return answer
