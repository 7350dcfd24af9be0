"""`leaderboard [metric] [period] [market] [tier:T] [campaign:SLUG] [category:C] [segment:S]
[cm:NAME|me] [am:NAME|me] [top N] [as-of:YYYY-MM-DD]`: creators ranked by a metric's sum over
a window, with rank movement.

A stored board (the usual question) is answered from its rows as read, without pandas or numpy:
they are imported by the rankings of other windows and filters, and by `Board.ranked`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from creatorbot.analytics.calendar import compared_window
from creatorbot.analytics.rankings import rank, with_movement
from creatorbot.analytics.windows import Window, window_for, within_calendar
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.labels import creator_label, metric_label, metric_value, period_label
from creatorbot.commands.markets import NoData, check_as_of, market_word, no_data, resolve_market
from creatorbot.commands.owner_filter import owner_scope
from creatorbot.commands.parsing import (
    AS_OF,
    MAX_TOP,
    did_you_mean,
    parse_day,
    parse_top,
    unknown_option,
    unknown_word,
    words,
)
from creatorbot.commands.periods import Named, again_phrase, settle, take_period
from creatorbot.commands.reply import (
    Button,
    Buttons,
    Column,
    Context,
    Fields,
    Header,
    Reply,
    Table,
    Text,
)
from creatorbot.commands.segments import segment_name
from creatorbot.commands.vocabulary import forms_of, metric, option, word_in
from creatorbot.storage.boards.scopes import PERIODS, scope_of
from creatorbot.storage.boards.scopes import TOP as BOARD_ROWS
from creatorbot.storage.models import Campaign, Market
from creatorbot.storage.queries.boards import BoardRead, read_board
from creatorbot.storage.queries.markets import categories, latest_day, tier_names
from creatorbot.storage.queries.metrics import RANKABLE, metric_totals

if TYPE_CHECKING:
    import pandas as pd

USAGE = N_(
    "leaderboard [metric] [period] [market] [tier:T] [campaign:SLUG] [category:C] [segment:S] "
    "[cm:NAME|me] [am:NAME|me] [top N] [as-of:YYYY-MM-DD]"
)
DEFAULT_TOP = 10
PAGE = 10  # rows added by "Show more"
OPEN_BUTTONS = 3  # profiles one click away: the top creators
OPTIONS = ("tier", "campaign", "category", "segment", "cm", "am", "as-of", "top")
TOP_WORDS = forms_of("options", "top")  # `top 5`, `primi 5`, `teratas 5`
TOP = re.compile(rf"^(?:{'|'.join(TOP_WORDS)}):?(\d+)$")


@dataclass(frozen=True)
class LeaderboardQuery:
    """A parsed `leaderboard` request."""

    metric: str = "gmv"  # with a campaign and no metric named, the campaign's (see `compute`)
    period: str | None = None
    market: str | None = None
    tier: str | None = None
    campaign: str | None = None
    category: str | None = None
    segment: str | None = None
    owners: tuple[str, tuple[str, ...]] | None = None  # ("cm" or "am", names)
    owner_filter: str | None = None  # as written, e.g. cm:me
    top: int = DEFAULT_TOP
    as_of: dt.date | None = None
    named: Named | None = None  # a period that needs the market's calendar (last week, …)
    kind: str | None = None  # the named period the window was settled from, for the title
    metric_named: bool = False


def parse(text: str, call: Call) -> LeaderboardQuery:
    """Read the leaderboard's words in any order; unknown words get a "did you mean"."""
    lang = call.lang
    found: dict[str, object] = {}
    tokens = words(text, lang)
    index = 0
    while index < len(tokens):
        period, after = take_period(tokens, index, lang)
        if period is not None:
            named = isinstance(period, Named)
            found["period"], found["named"] = (None, period) if named else (period, None)
            index = after
            continue
        word = tokens[index]
        lower = word.lower()
        index += 1
        if metric_word(lower):
            found["metric"], found["metric_named"] = metric_word(lower), True
        elif lower in TOP_WORDS:
            found["top"] = parse_top(tokens[index] if index < len(tokens) else "", lang)
            index += 1
        elif TOP.match(lower):
            found["top"] = parse_top(TOP.match(lower).group(1), lang)  # type: ignore[union-attr]
        elif scope := owner_scope(word, call):
            found["owners"], found["owner_filter"] = scope.owners, scope.written
        elif ":" in word:
            key, _, value = word.partition(":")
            found.update(_option(option(key), value, lang))
        elif len(word) == 2 and word.isalpha():
            found["market"] = market_word(word, call, USAGE)
        else:
            known = [*RANKABLE, "1d", "7d", "30d", "mtd", "top", *(f"{o}:" for o in OPTIONS)]
            raise unknown_word(word, known, lang, USAGE)
    return LeaderboardQuery(**found)  # type: ignore[arg-type]


def metric_word(word: str) -> str | None:
    """The rankable metric a word names in any language, else None."""
    found = metric(word)
    return found if found in RANKABLE else None


def _option(key: str, value: str, lang: Lang) -> dict[str, object]:
    if not value:
        raise UserError(lang._("“{key}:” needs a value, e.g. {key}:gold.").format(key=key))
    if key == "tier":
        return {"tier": value}
    if key == "campaign":
        return {"campaign": value}
    if key == "category":
        return {"category": value}
    if key == "segment":
        return {"segment": segment_name(value, lang)}
    if key in AS_OF:
        return {"as_of": parse_day(value, lang)}
    if key == "top":
        return {"top": parse_top(value, lang)}
    raise unknown_option(key, OPTIONS, lang, USAGE)


class Shown(NamedTuple):
    """One row of a leaderboard as its Reply shows it; `movement` None for a new entry."""

    rank: int
    name: str
    handle: str
    value: int
    movement: int | None


@dataclass(frozen=True)
class Board:
    """A computed leaderboard: its rows (a stored board's top rows as read, or ranked creators
    with movement: every one, or the top rows of a ranking), how many it ranks and their total,
    and the windows compared."""

    market: Market
    metric: str
    period: str
    window: Window
    rows: BoardRead | pd.DataFrame
    ranked_count: int
    total: int
    before: Window  # the window the movement is measured against

    def head(self, count: int) -> list[Shown]:
        """The first `count` rows, best first."""
        if isinstance(self.rows, BoardRead):
            shown = []
            for rank, _id, handle, name, _tier, value, before in self.rows.records[:count]:
                moved = None if before is None else int(before) - int(rank)
                shown.append(Shown(int(rank), name, handle, int(value), moved))
            return shown
        top = self.rows.head(count)
        return [
            Shown(place, name, handle, int(amount), None if new else int(moved))
            for place, name, handle, amount, moved, new in zip(
                top["rank"].tolist(),
                top["display_name"].tolist(),
                top["handle"].tolist(),
                top["value"].tolist(),
                top["movement"].tolist(),
                top["new"].tolist(),
                strict=True,
            )
        ]

    @cached_property
    def ranked(self) -> pd.DataFrame:
        """The rows as a frame, with `movement` and `new` (pandas is imported here)."""
        if not isinstance(self.rows, BoardRead):
            return self.rows
        ranked = self.rows.rows.copy()
        ranked["movement"] = ranked["previous_rank"] - ranked["rank"]
        ranked["new"] = ranked["previous_rank"].isna()
        return ranked


def compute(query: LeaderboardQuery, call: Call) -> Board:
    """Rank the market's creators for the query: read from the stored board when one answers
    it, else ranked in memory from the day columns (`storage.ranking`), in both cases its top
    rows (enough for any Reply); from the raw rows (`compute_exact`) only when a day the
    windows need has no day columns. A campaign's board ranks by the campaign's own metric
    unless another is named: the ranking its `campaign` card shows."""
    query = settled(_campaign_metric(query, call), call)
    return _stored(query, call) or _ranked(query, call, fast=True)


def settled(query: LeaderboardQuery, call: Call) -> LeaderboardQuery:
    """The query with a named period turned into the window it is for the market: a number
    of days ending on a day, as the stored boards and the ranking take it."""
    if query.named is None:
        return query
    code = query.market or (_campaign(query.campaign, call).market if query.campaign else None)
    market = resolve_market(code, call)
    latest = latest_day(market.code, session=call.session)
    if latest is None:
        raise NoData(market)
    found = settle(query.named, query.as_of, market, latest, call)
    return replace(query, period=found.period, as_of=found.as_of, named=None, kind=found.kind)


def _campaign_metric(query: LeaderboardQuery, call: Call) -> LeaderboardQuery:
    if query.campaign is None or query.metric_named:
        return query
    metric = _campaign(query.campaign, call).metric
    return replace(query, metric=metric) if metric in RANKABLE else query


def _campaign(slug: str, call: Call) -> Campaign:
    # Here: finding a campaign imports its figures (pandas), which other leaderboards skip.
    from creatorbot.commands.lookups import find_campaign

    return find_campaign(slug, call)


def _stored(query: LeaderboardQuery, call: Call) -> Board | None:
    """The stored board for a standard period ending on the latest day, with no campaign and
    at most one filter; None when the query is not one, or its board is missing or stale."""
    period = query.period or "7d"
    covered = period in PERIODS and query.top <= BOARD_ROWS
    filtered = query.campaign or query.segment or query.owners
    if not covered or filtered or (query.tier and query.category):
        return None
    market = resolve_market(query.market, call)
    end = latest_day(market.code, session=call.session)
    if end is None or (query.as_of is not None and query.as_of != end):
        return None
    window = window_for(period, end)
    if compared_window(window, query.kind) != window.previous():
        return None  # a calendar week or month: stored boards compare equal-length windows
    if query.tier is not None:
        # A tier the market does not list is refused, as on the exact path; an unknown category
        # has no board, so the exact path refuses it.
        _check(query.tier, tier_names(market.code, session=call.session), "tier", call.lang)
    scope = scope_of(tier=query.tier, category=query.category)
    stored = read_board(market.code, query.metric, period, scope, end, session=call.session)
    if stored is None:
        return None
    return Board(
        market, query.metric, period, window, stored, stored.ranked, stored.total, window.previous()
    )


def compute_exact(query: LeaderboardQuery, call: Call) -> Board:
    """Rank the market's creators for the query from the raw daily rows: every ranked creator."""
    return _ranked(settled(_campaign_metric(query, call), call), call, fast=False)


def _ranked(query: LeaderboardQuery, call: Call, *, fast: bool) -> Board:
    from creatorbot.storage.ranking.board import rank_window
    from creatorbot.storage.ranking.state import market_state

    lang = call.lang
    campaign = _campaign(query.campaign, call) if query.campaign else None
    if campaign and query.market and query.market.upper() != campaign.market:
        raise UserError(
            lang._("Campaign {slug} runs in {market}, not {other}.").format(
                slug=campaign.slug, market=campaign.market, other=query.market.upper()
            )
        )
    market = resolve_market(query.market or (campaign.market if campaign else None), call)
    # A segment's board checks the market's state (latest day included) in one statement.
    state = market_state(market.code, session=call.session) if fast and query.segment else None
    latest = state.latest if state else latest_day(market.code, session=call.session)
    check_as_of(query.as_of, latest, market, lang)
    end = query.as_of or latest
    if end is None:
        raise NoData(market)
    if campaign and not query.period:
        if end < campaign.starts_on:
            raise UserError(
                lang._("{name} starts on {day}; there is nothing to rank yet.").format(
                    name=campaign.name, day=lang.date(campaign.starts_on)
                )
            )
        period = "campaign"
        window = within_calendar(campaign.starts_on, min(campaign.ends_on, end))
    else:
        period = query.period or "7d"
        window = window_for(period, end)
    before = compared_window(window, query.kind)
    tier = (
        None
        if query.tier is None  # the market's tiers are read only to check one asked for
        else _check(query.tier, tier_names(market.code, session=call.session), "tier", lang)
    )
    category = _category(query.category, market.code, call, fast=fast)
    campaign_id = campaign.id if campaign else None
    if fast:
        found = rank_window(
            market.code,
            query.metric,
            window,
            session=call.session,
            top=max(query.top, BOARD_ROWS),
            tier=tier,
            category=category,
            campaign_id=campaign_id,
            segment=query.segment,
            owners=query.owners,
            before=before,
            state=state,
        )
        if found is not None:
            rows = found.rows.copy()
            rows["movement"] = rows["previous_rank"] - rows["rank"]
            rows["new"] = rows["previous_rank"].isna()
            return Board(
                market, query.metric, period, window, rows, found.ranked, found.total, before
            )

    def ranked(span: Window) -> pd.DataFrame:
        totals = metric_totals(
            market.code,
            query.metric,
            span.start,
            span.end,
            session=call.session,
            tier=tier,
            category=category,
            campaign_id=campaign_id,
            segment=query.segment,
            owners=query.owners,
        )
        return rank(totals)

    board = with_movement(ranked(window), ranked(before))
    total = int(board["value"].sum())
    return Board(market, query.metric, period, window, board, len(board), total, before)


def _category(value: str | None, market: str, call: Call, *, fast: bool) -> str | None:
    """The category asked for, checked against the market's (read from the cached creators on
    the fast path; an unknown one is refused as the exact path refuses it)."""
    if value is None:
        return None  # without reading the market's categories (a scan of its creators)
    if fast:
        from creatorbot.storage.ranking.people import category_names

        for name in category_names(market, session=call.session):
            if name.lower() == value.lower():
                return name
    return _check(value, categories(market, session=call.session), "category", call.lang)


def _check(value: str | None, known: list[str], what: str, lang: Lang) -> str | None:
    if value is None:
        return None
    for name in known:
        if name.lower() == value.lower():
            return name
    hint = did_you_mean(value, known, lang) or lang._("Known: {names}.").format(
        names=", ".join(known)
    )
    message = (
        lang._("There is no tier “{value}” in this market.")
        if what == "tier"
        else lang._("There is no category “{value}” in this market.")
    )
    raise UserError(f"{message.format(value=value)} {hint}")


def answer(query: LeaderboardQuery, call: Call) -> Reply:
    """The leaderboard as a Reply: the top N with movement, totals and the window stated."""
    try:
        query = settled(query, call)
        board = compute(query, call)
    except NoData as exc:
        return no_data(exc, call.lang)
    return render(board, query, call.lang.for_market(board.market.code))


def render(board: Board, query: LeaderboardQuery, lang: Lang) -> Reply:
    """Turn a computed board into the Reply users see."""
    market = board.market
    title = lang._("{metric} leaderboard · {market} · {period}").format(
        metric=metric_label(board.metric, lang),
        market=market.code,
        period=period_label(board.period, board.window.days, lang, query.kind),
    )
    # Each filter as the asker would write it: `tahap:gold`, `segmento:dormiente`.
    segment = query.segment and word_in("segments", query.segment, lang.language)
    filters = " · ".join(
        f"{word_in('options', key, lang.language)}:{value}"
        for key, value in (
            ("tier", query.tier),
            ("category", query.category),
            ("campaign", query.campaign),
            ("segment", segment),
        )
        if value
    )
    if query.owner_filter:
        filters = " · ".join(part for part in (filters, query.owner_filter) if part)
    if filters:  # said as such, not a stray word after the small print
        filters = lang._("Filters: {filters}.").format(filters=filters)
    before = board.before
    window_line = lang._("{window}, compared with {previous}. Ties are ranked by handle.").format(
        window=lang.window(board.window.start, board.window.end),
        previous=lang.window(before.start, before.end),
    )
    if board.ranked_count == 0:
        message = lang._("No creator has any {metric} in {market} for {window}.").format(
            metric=metric_label(board.metric, lang),
            market=lang.market_name(market.code),
            window=lang.window(board.window.start, board.window.end),
        )
        context = [Context(filters)] if filters else []
        return Reply((Header(title), Text(message), *context))

    def value(amount: int) -> str:
        return metric_value(amount, board.metric, market, lang)

    shown = board.head(query.top)
    table = Table(
        columns=(
            Column("#", "right"),
            Column(lang._("Creator")),
            Column(metric_label(board.metric, lang), "right"),
            Column(lang._("Move"), "right"),
        ),
        rows=tuple(
            (
                str(row.rank),
                creator_label(row.name, row.handle),
                value(row.value),
                movement_label(row.movement, lang),
            )
            for row in shown
        ),
        total=board.ranked_count,
    )
    fields = Fields(
        (
            (lang._("Creators ranked"), lang.number(board.ranked_count)),
            (
                lang._("Total {metric}").format(metric=metric_label(board.metric, lang)),
                value(board.total),
            ),
        )
    )
    small_print = [filters, window_line] if filters else [window_line]
    if board.ranked_count > len(shown):
        small_print.append(
            lang._("Showing the top {shown} of {total}.").format(
                shown=len(shown), total=lang.number(board.ranked_count)
            )
        )
    buttons = actions(board, query, [row.handle for row in shown[:OPEN_BUTTONS]], lang)
    blocks = (Header(title), fields, table, Context(" ".join(small_print)), buttons)
    return Reply(blocks, rows=len(shown))


def command_text(board: Board, query: LeaderboardQuery, top: int, pinned: bool = True) -> str:
    """The command that shows this board again: `pinned` keeps its window (as-of its last day),
    otherwise the window moves to the newest data unless the user asked for a day."""
    words = ["leaderboard", board.metric]
    named = again_phrase(query.kind, board.window, pinned)  # the period as the user named it
    if named:
        words.append(named)
    elif board.period != "campaign":
        words.append(board.period)
    words.append(board.market.code)
    filters = (
        ("tier", query.tier),
        ("category", query.category),
        ("campaign", query.campaign),
        ("segment", query.segment),
    )
    words += [f"{key}:{value}" for key, value in filters if value]
    if query.owner_filter:
        words.append(query.owner_filter)
    words.append(f"top {top}")
    if (pinned or query.as_of) and not named:
        words.append(f"as-of:{board.window.end.isoformat()}")
    return " ".join(words)


def actions(board: Board, query: LeaderboardQuery, handles: list[str], lang: Lang) -> Buttons:
    """Show more rows (up to 50), refresh, and open the top creators' profiles."""
    buttons = []
    if board.ranked_count > query.top and query.top < MAX_TOP:
        more = min(query.top + PAGE, MAX_TOP, board.ranked_count)
        buttons.append(Button(lang._("Show more"), "run", command_text(board, query, more)))
    refresh = command_text(board, query, query.top, pinned=False)
    buttons.append(Button(lang._("Refresh"), "run", refresh))
    buttons.extend(
        Button(f"@{handle}", "open", f"creator {handle} {board.market.code}") for handle in handles
    )
    return Buttons(tuple(buttons))


def movement_label(places: int | None, lang: Lang) -> str:
    """▲ places climbed, ▼ places fallen, = unchanged, or "new" for a newcomer."""
    if places is None:
        return lang._("new")
    if places > 0:
        return f"▲{places}"
    if places < 0:
        return f"▼{-places}"
    return "="
