"""`match CATEGORY [market] [cm:NAME|me] [am:NAME|me] [top N] [export]`: the creators to propose
to a merchant of a category.

An Account Manager pitching a merchant gets the category's creators of the market who sold in
the last 30 days (the window ends on the market's latest day with data), ranked by a score
that blends three percentile ranks among them: 0.5 × GMV + 0.25 × conversion (orders per 1,000
video views) + 0.25 × growth (GMV against the 30 days before; new creators and anything above
+200% count as +200%), minus 0.15 for each running campaign beyond the first; creators already
in 3 or more running campaigns are left out. Ties are ranked by handle. `cm:` / `am:` keep the
creators a CM or AM owns, in the order of the whole market's scores. `export` attaches every
candidate (up to 500) as a CSV that Excel opens as it is. Contact details are never included.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from creatorbot.analytics import matching
from creatorbot.analytics.windows import Window, window_for
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.labels import creator_label
from creatorbot.commands.markets import NoData, is_market_word, no_data, resolve_market
from creatorbot.commands.owner_filter import OwnerScope, owner_scope
from creatorbot.commands.parsing import did_you_mean, is_days_word, parse_top, unknown_word, words
from creatorbot.commands.reply import (
    Block,
    Button,
    Buttons,
    Column,
    Context,
    File,
    Header,
    Reply,
    Table,
    Text,
)
from creatorbot.commands.spreadsheet import CSV_MIME, csv_bytes
from creatorbot.commands.vocabulary import forms_of, is_export_word, option
from creatorbot.storage.models import Market
from creatorbot.storage.money import from_minor
from creatorbot.storage.queries.creators import owned_ids
from creatorbot.storage.queries.markets import latest_day
from creatorbot.storage.queries.match_sums import creator_details, known_categories, match_sums
from creatorbot.storage.queries.matching import match_candidates

USAGE = N_("match CATEGORY [market] [cm:NAME|me] [am:NAME|me] [top N] [export]")
DEFAULT_TOP = 10
EXPORT_ROWS = 500
PERIOD = "30d"
TOP_WORDS = forms_of("options", "top")  # `top 5`, `primi 5`, `teratas 5`
TOP = re.compile(rf"^(?:{'|'.join(TOP_WORDS)}):?(\d+)$")
EXPORT_COLUMNS = (
    "rank",
    "handle",
    "display_name",
    "tier",
    "followers",
    "gmv_30d",
    "orders_30d",
    "conversion",
    "growth",
    "running_campaigns",
    "score",
)
SAFE_NAME = re.compile(r"[^A-Za-z0-9_.]+")


@dataclass(frozen=True)
class MatchQuery:
    """A parsed `match` request."""

    category: str | None = None
    market: str | None = None
    top: int = DEFAULT_TOP
    export: bool = False
    owners: OwnerScope | None = None


def parse(text: str, call: Call) -> MatchQuery:
    """The category, and in any order a market, `cm:`/`am:`, `top N` and `export`."""
    lang = call.lang
    found: dict[str, object] = {}
    tokens = words(text, lang)
    index = 0
    while index < len(tokens):
        word = tokens[index]
        lower = word.lower()
        index += 1
        if is_export_word(lower):
            found["export"] = True
        elif lower in TOP_WORDS:
            found["top"] = parse_top(tokens[index] if index < len(tokens) else "", lang)
            index += 1
        elif TOP.match(lower):
            found["top"] = parse_top(TOP.match(lower).group(1), lang)  # type: ignore[union-attr]
        elif len(word) == 2 and word.isalpha() and is_market_word(word, call):
            found["market"] = word.upper()
        elif scope := owner_scope(word, call):
            found["owners"] = scope
        elif is_days_word(lower):
            raise UserError(
                lang._(
                    "`match` always compares the last 30 days with the 30 days before; it takes "
                    "no period."
                ),
                lang._("Usage: {usage}").format(usage=lang._(USAGE)),
            )
        elif "category" not in found:
            key, colon, value = word.partition(":")
            found["category"] = value if colon and option(key) == "category" and value else word
        else:
            raise unknown_word(word, ("top", "export", "cm:", "am:"), lang, USAGE)
    return MatchQuery(**found)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Shortlist:
    """The scored candidates of one category in one market, and what was left out."""

    market: Market
    category: str
    window: Window
    ranked: pd.DataFrame  # the best candidates first; at least the ones an answer shows
    total: int  # candidates in all
    left_out: int


@dataclass(frozen=True)
class Candidate:
    """One ranked creator, as plain Python values."""

    rank: int
    handle: str
    display_name: str
    tier: str
    followers: int
    gmv_30d: int
    orders_30d: int
    views_30d: int
    gmv_prev: int
    running: int
    growth: float | None  # None: new, no GMV in the 30 days before
    score: float


def candidates_of(ranked: pd.DataFrame) -> list[Candidate]:
    """The rows of a ranked frame (see `analytics.matching.rank_matches`), in order."""
    return [
        Candidate(
            rank=int(row["rank"]),
            handle=str(row["handle"]),
            display_name=str(row["display_name"]),
            tier=str(row["tier"]),
            followers=int(row["followers"]),
            gmv_30d=int(row["gmv_30d"]),
            orders_30d=int(row["orders_30d"]),
            views_30d=int(row["views_30d"]),
            gmv_prev=int(row["gmv_prev"]),
            running=int(row["running"]),
            growth=None if row["new"] else float(row["growth"]),
            score=float(row["score"]),
        )
        for row in ranked.to_dict("records")
    ]


def answer(query: MatchQuery, call: Call) -> Reply:
    """The best matches as a table, the score explained, and the CSV when asked."""
    market = resolve_market(query.market, call)
    lang = call.lang.for_market(market.code)
    end = latest_day(market.code, session=call.session)
    if end is None:
        return no_data(NoData(market), lang)
    category = _category(
        query.category, known_categories(market.code, end, session=call.session), lang
    )
    window = window_for(PERIOD, end)
    before = window.previous()
    places = max(query.top, EXPORT_ROWS if query.export else 0)
    args = (market.code, category, window.start, window.end, before.start, before.end, end)
    owned = _owned(query.owners, market.code, call)
    sums = match_sums(*args, session=call.session)
    if sums is None:  # neither pools nor day columns: sum the daily table (slow at scale)
        totals = match_candidates(*args, session=call.session)
        ranked = _kept(matching.rank_matches(totals), owned)
        ranked["rank"] = range(1, len(ranked) + 1)
        left_out = len(_kept(matching.left_out(totals), owned))
        return render(
            Shortlist(market, category, window, ranked, len(ranked), left_out), query, lang
        )
    scored = _kept(matching.score(sums), owned)  # scored among all: a score means the same
    best = matching.contenders(scored, places)
    named = best.merge(creator_details(best["creator_id"], session=call.session), on="creator_id")
    ranked = matching.order(named).head(places)
    left_out = len(_kept(matching.left_out(sums), owned))
    return render(Shortlist(market, category, window, ranked, len(scored), left_out), query, lang)


def _owned(scope: OwnerScope | None, market: str, call: Call) -> list[int] | None:
    """The ids of the creators a `cm:`/`am:` filter keeps; None without one."""
    if scope is None:
        return None
    return owned_ids(market, scope.names, (scope.role,), session=call.session)


def _kept(frame: pd.DataFrame, owned: list[int] | None) -> pd.DataFrame:
    """The rows of the owned creators (all without a filter)."""
    if owned is None:
        return frame
    return frame[frame["creator_id"].isin(owned)].reset_index(drop=True)


def _category(value: str | None, known: list[str], lang: Lang) -> str:
    """The market's own spelling of the category asked for, or a helpful error."""
    listed = lang._("Known: {names}.").format(names=", ".join(known))
    if value is None:
        message = lang._("Which category? Write `match CATEGORY`, e.g. `match beauty MY`.")
        raise UserError(message, listed)
    for name in known:
        if name.lower() == value.lower():
            return name
    hint = did_you_mean(value, known, lang) or listed
    message = lang._("There is no category “{value}” in this market.").format(value=value)
    raise UserError(f"{message} {hint}")


def render(shortlist: Shortlist, query: MatchQuery, lang: Lang) -> Reply:
    """Turn a shortlist into the Reply users see."""
    market, ranked = shortlist.market, shortlist.ranked
    title = lang._("Matchmaking · {category} · {market}").format(
        category=shortlist.category, market=market.code
    )
    if query.owners is not None:
        title = f"{title} · {query.owners.written}"
    if ranked.empty:
        window = lang.window(shortlist.window.start, shortlist.window.end)
        if query.owners is not None:
            message = lang._("No {category} creator of {owner} has GMV in {market} for {window}.")
        else:
            message = lang._("No {category} creator has GMV in {market} for {window}.")
        message = message.format(
            category=shortlist.category,
            market=lang.market_name(market.code),
            window=window,
            owner=query.owners.written if query.owners else "",
        )
        return Reply((Header(title), Text(message), Context(explanation(shortlist, lang))))
    shown = ranked.head(query.top)
    small_print = explanation(shortlist, lang)
    if query.owners is not None:
        kept = lang._("Scored among all of {market}'s candidates; only {owner}'s are listed.")
        small_print = f"{small_print} {kept.format(market=market.code, owner=query.owners.written)}"
    if shortlist.total > len(shown):
        showing = lang._("Showing the top {shown} of {total}.").format(
            shown=len(shown), total=lang.number(shortlist.total)
        )
        small_print = f"{small_print} {showing}"
    blocks: list[Block] = [Header(title), table(shown, shortlist.total, market, lang)]
    blocks.append(Context(small_print))
    if query.export:
        blocks.extend(export(shortlist, title, lang))
    else:
        again = command_text(shortlist, query)
        blocks.append(Buttons((Button(lang._("Export CSV"), "run", f"{again} export"),)))
    return Reply(tuple(blocks), rows=len(shown))


def table(shown: pd.DataFrame, total: int, market: Market, lang: Lang) -> Table:
    """The top rows: rank, creator, tier, GMV, conversion, growth and running campaigns."""
    columns = (
        Column("#", "right"),
        Column(lang._("Creator")),
        Column(lang._("Tier")),
        Column(lang._("GMV, last 30 days"), "right"),
        Column(lang._("Orders per 1,000 views"), "right"),
        Column(lang._("Growth"), "right"),
        Column(lang._("Running campaigns"), "right"),
        Column(lang._("Score"), "right"),
    )
    rows = tuple(
        (
            str(c.rank),
            creator_label(c.display_name, c.handle),
            c.tier,
            lang.money(c.gmv_30d, market.currency, market.minor_units),
            _conversion_label(c.orders_30d, c.views_30d, lang),
            growth_label(c.growth, lang),
            lang.number(c.running),
            lang.number(Decimal(f"{c.score:.2f}"), 2),
        )
        for c in candidates_of(shown)
    )
    return Table(columns, rows, total=total)


def conversion(orders: int, views: int, places: int) -> Decimal | None:
    """Orders per 1,000 video views, exact and rounded half up; None without views."""
    if views <= 0:
        return None
    value = Decimal(orders * matching.VIEWS_PER) / Decimal(views)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _conversion_label(orders: int, views: int, lang: Lang) -> str:
    value = conversion(orders, views, 1)
    return "—" if value is None else lang.number(value, 1)


def growth_label(growth: float | None, lang: Lang) -> str:
    """+12.5%, -3.0%, or "new" for a creator without GMV in the 30 days before."""
    if growth is None:
        return lang._("new")
    text = lang.percent(growth)
    return f"+{text}" if growth > 0 else text


def explanation(shortlist: Shortlist, lang: Lang) -> str:
    """The window compared, how the score is made, and who was left out."""
    before = shortlist.window.previous()
    parts = [
        lang._("{window}, compared with {previous}. Ties are ranked by handle.").format(
            window=lang.window(shortlist.window.start, shortlist.window.end),
            previous=lang.window(before.start, before.end),
        ),
        lang._(
            "Score = {gmv} × GMV + {conversion} × conversion + {growth} × growth, each a "
            "percentile rank among these creators, minus {penalty} for each running campaign "
            "beyond the first; creators in {limit} or more running campaigns are left out."
        ).format(
            gmv=lang.number(matching.GMV_WEIGHT),
            conversion=lang.number(matching.CONVERSION_WEIGHT),
            growth=lang.number(matching.GROWTH_WEIGHT),
            penalty=lang.number(matching.OVERBOOKED_PENALTY),
            limit=matching.EXCLUDE_AT,
        ),
        lang._(
            "Conversion = orders per 1,000 video views (no views, no conversion points). "
            "Growth = GMV against the 30 days before; new creators count as {cap}."
        ).format(cap=growth_label(matching.GROWTH_CAP, lang)),
    ]
    if shortlist.left_out:
        parts.append(
            lang.n_(
                "Left out: {n} creator in {limit} or more running campaigns.",
                "Left out: {n} creators in {limit} or more running campaigns.",
                shortlist.left_out,
            ).format(n=shortlist.left_out, limit=matching.EXCLUDE_AT)
        )
    return " ".join(parts)


def command_text(shortlist: Shortlist, query: MatchQuery) -> str:
    """The command that shows this list again."""
    again = f"match {shlex.quote(shortlist.category)} {shortlist.market.code}"
    if query.owners is not None:
        again += f" {shlex.quote(query.owners.written)}"
    return f"{again} top {query.top}"


def export(shortlist: Shortlist, title: str, lang: Lang) -> tuple[Block, ...]:
    """A line saying the file is attached, and the CSV of every candidate (up to 500)."""
    total = shortlist.total
    rows = min(total, EXPORT_ROWS)
    if rows < total:
        line = lang._("The top {count} of {total} candidates are in the attached file.")
    else:
        line = lang.n_(
            "The {count} candidate is in the attached file.",
            "All {count} candidates are in the attached file.",
            rows,
        )
    text = line.format(count=lang.number(rows), total=lang.number(total))
    return (Text(text), File(file_name(shortlist), export_csv(shortlist), CSV_MIME, title))


def file_name(shortlist: Shortlist) -> str:
    """match-CATEGORY-MARKET-LASTDAY.csv, safe on every file system."""
    category = SAFE_NAME.sub("-", shortlist.category).strip("-") or "category"
    return f"match-{category}-{shortlist.market.code}-{shortlist.window.end.isoformat()}.csv"


def export_csv(shortlist: Shortlist) -> bytes:
    """The candidates as CSV (commands/spreadsheet.py: text quoted and never run as a formula):
    plain numbers (money with the currency's decimals, growth as a ratio, "new" for a creator
    with nothing before), no contact details."""
    minor_units = shortlist.market.minor_units
    rows = (
        (
            c.rank,
            c.handle,
            c.display_name,
            c.tier,
            c.followers,
            from_minor(c.gmv_30d, minor_units),
            c.orders_30d,
            conversion(c.orders_30d, c.views_30d, 2),
            "new" if c.growth is None else _ratio(c.gmv_30d, c.gmv_prev),
            c.running,
            Decimal(f"{c.score:.4f}"),
        )
        for c in candidates_of(shortlist.ranked.head(EXPORT_ROWS))
    )
    return csv_bytes(EXPORT_COLUMNS, rows)


def _ratio(now: int, before: int) -> Decimal:
    value = Decimal(now - before) / Decimal(before)
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
