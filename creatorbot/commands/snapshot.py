"""`snapshot [market] [as-of:YYYY-MM-DD]`: a market's daily ranking snapshot, as channels get it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

import pandas as pd
from babel.dates import format_time

from creatorbot.analytics.campaigns import neighbour_gaps, pacing
from creatorbot.analytics.movers import movers
from creatorbot.commands import leaderboard, parts
from creatorbot.commands.campaign import KIND_LABELS, local_today, status_label, target_fields
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import N_, Lang, babel_locale
from creatorbot.commands.labels import creator_label, metric_label, metric_value, period_label
from creatorbot.commands.leaderboard import Board, LeaderboardQuery, movement_label
from creatorbot.commands.markets import (
    NoData,
    check_as_of,
    is_market_word,
    no_data,
    resolve_market,
)
from creatorbot.commands.parsing import (
    AS_OF,
    is_days_word,
    parse_day,
    unknown_option,
    unknown_word,
    words,
)
from creatorbot.commands.parts import part
from creatorbot.commands.periods import Named, day_of, is_one_day, one_day_at
from creatorbot.commands.reply import (
    Block,
    Button,
    Buttons,
    Column,
    Context,
    Fields,
    Header,
    Image,
    Reply,
    Table,
    Text,
)
from creatorbot.commands.vocabulary import option
from creatorbot.storage.boards import TOP as BOARD_ROWS
from creatorbot.storage.models import Campaign, CampaignKind, Market
from creatorbot.storage.queries.campaigns import CampaignFigures, running_campaigns
from creatorbot.storage.queries.markets import all_markets, latest_day

USAGE = N_("snapshot [market] [as-of:YYYY-MM-DD]")
METRIC, PERIOD = "gmv", "7d"  # the board a CM opens first: GMV over the last week
SHOWN = 10  # leaderboard rows, and bars in the chart
POOL = BOARD_ROWS  # movers are looked for in the top 50, the rows a stored board keeps
MOVERS = 5
CONTEST_TOP = 5
LINK_ROWS = 20  # rows of the leaderboard the button opens
ONE_DAY = dt.timedelta(days=1)
CONTESTS = (  # competitions by what they rank, shown in this order
    (frozenset({"live_gmv", "live_minutes"}), N_("Livestream competition")),
    (frozenset({"video_gmv", "video_views"}), N_("Short-video competition")),
)


@dataclass(frozen=True)
class SnapshotQuery:
    """A parsed `snapshot` request."""

    market: str | None = None
    as_of: dt.date | None = None
    day: Named | None = None  # a day named by the calendar (yesterday, ieri, 15 nov)


def parse(text: str, call: Call) -> SnapshotQuery:
    """An optional market code and an optional `as-of:YYYY-MM-DD`, in any order."""
    lang = call.lang
    market: str | None = None
    as_of: dt.date | None = None
    day: Named | None = None
    tokens = words(text, lang)
    index = 0
    while index < len(tokens):
        period, after = one_day_at(tokens, index, lang)
        word = tokens[index]
        index = max(after, index + 1)
        key, colon, value = word.partition(":")
        if isinstance(period, Named) and is_one_day(period):
            day = period
        elif colon and option(key) in AS_OF:
            as_of = parse_day(value, lang)
        elif colon:
            raise unknown_option(key.lower(), ("as-of",), lang, USAGE)
        elif len(word) == 2 and word.isalpha() and market is None:
            market = _market(word, call)
        elif period is not None or is_days_word(word.lower()):
            raise UserError(
                lang._(
                    "`snapshot` always ranks the last 7 days against the 7 before; it takes no "
                    "period. For another window ask `leaderboard gmv {period}`."
                ).format(period=period.written if isinstance(period, Named) else word.lower()),
                lang._("Usage: {usage}").format(usage=lang._(USAGE)),
            )
        else:
            raise unknown_word(word, ["as-of:"], lang, USAGE)
    return SnapshotQuery(market, as_of, day)


def _market(word: str, call: Call) -> str:
    """A market code; a two-letter word that is none is refused with the list of markets."""
    if is_market_word(word, call):
        return word.upper()
    lang = call.lang
    markets = ", ".join(all_markets(session=call.session))
    raise UserError(
        lang._("I don't know the market “{market}”. Markets: {markets}.").format(
            market=word, markets=markets
        ),
        lang._("Usage: {usage}").format(usage=lang._(USAGE)),
    )


def answer(query: SnapshotQuery, call: Call) -> Reply:
    """The snapshot a channel subscribed to this market would get."""
    market = resolve_market(query.market, call)
    as_of = query.as_of or (day_of(query.day, market, call) if query.day else None)
    if as_of is not None:
        check_as_of(as_of, latest_day(market.code, session=call.session), market, call.lang)
    return build_snapshot(market.code, call, as_of=as_of)


def build_snapshot(
    market: str, call: Call, *, as_of: dt.date | None = None, hourly: bool = False
) -> Reply:
    """The market's ranking snapshot through `as_of` (default: its latest day with data).

    - Leaderboard: the `leaderboard gmv 7d` board, top 10 with movement against the 7 days
      before — the same board and Reply pieces as the command.
    - Climbers and fallers: of that board's top 50, the 5 who gained the most places and the 5
      who lost the most against the previous 7 days (`analytics.movers`). A week against a
      week, not a day against a day: one quiet or one big live session does not make a mover.
      New entries are left out; a creator who dropped out of the top 50 is not in the list.
    - Competitions running on `as_of`: livestream ones (live GMV or minutes) first, then
      short-video ones (video GMV or views), each with its top 5 and the days left.
    - Mega sales running on `as_of`: GMV to date against the target and the projected end total,
      as `campaign SLUG` shows them.
    - One chart: the top creators' GMV (when charts are on).

    Days left count from the market's local today, or from the day after an `as_of` in the
    past. `hourly` makes it a war-room update headed with the local time.

    Each section is built on its own (`parts.part`): one that fails is a line saying so, and
    the others are posted.
    """
    place = resolve_market(market, call)
    lang = call.lang.for_market(place.code)
    end = as_of or latest_day(place.code, session=call.session)
    if end is None:
        return no_data(NoData(place), lang)
    query = LeaderboardQuery(METRIC, PERIOD, place.code, top=SHOWN, as_of=end)
    boards: list[Board] = []

    def ranking() -> list[Block]:
        boards.append(leaderboard.compute(query, call))
        return _leaderboard(boards[0], query, lang)

    today = local_today(place, call)
    reference = today if as_of is None else min(today, end + ONE_DAY)
    running = running_campaigns(place.code, end, session=call.session)
    contests = _contests(running)
    sales = [c for c in running if c.kind is CampaignKind.MEGA_SALE]
    blocks: list[Block] = [_header(place, end, hourly, call, lang)]
    blocks += part("leaderboard", lang._(parts.LEADERBOARD), call, lang, ranking)
    board = boards[0] if boards else None
    if board is not None:
        blocks += part("movers", lang._(parts.MOVERS), call, lang, lambda: _movers(board, lang))
    for contest in contests:
        blocks += part(
            f"competition {contest.slug}",
            contest.name,
            call,
            lang,
            partial(_competition, contest, end, reference, place, call, lang),
        )
    for sale in sales:
        blocks += part(
            f"mega sale {sale.slug}",
            sale.name,
            call,
            lang,
            partial(_mega_sale, sale, end, reference, place, call, lang),
        )
    if board is not None and call.services.charts and board.ranked_count:
        blocks += part("chart", lang._(parts.CHART), call, lang, lambda: [_chart(board, lang)])
    blocks.append(Context(_footer(place, end, hourly, call, lang)))
    buttons = _buttons(board, query, [*contests, *sales], lang)
    if buttons.buttons:
        blocks.append(buttons)
    return Reply(tuple(blocks), rows=min(SHOWN, board.ranked_count) if board else 0)


def _local_time(market: Market, call: Call, lang: Lang) -> str:
    now = call.services.clock().astimezone(ZoneInfo(market.timezone))
    return format_time(now.time(), "short", locale=babel_locale(lang.language, lang.market))


def _header(market: Market, end: dt.date, hourly: bool, call: Call, lang: Lang) -> Header:
    if hourly:
        return Header(
            lang._("War-room update · {market} · {day}, {time}").format(
                market=market.code,
                day=lang.date(local_today(market, call)),
                time=_local_time(market, call, lang),
            )
        )
    return Header(
        lang._("Daily ranking snapshot · {market} · {day}").format(
            market=market.code, day=lang.date(end)
        )
    )


def _footer(market: Market, end: dt.date, hourly: bool, call: Call, lang: Lang) -> str:
    if hourly:
        return lang._("Hourly war-room update at {time} local time; data through {day}.").format(
            time=_local_time(market, call, lang), day=lang.date(end)
        )
    return lang._("Data through {day}.").format(day=lang.date(end))


def _leaderboard(board: Board, query: LeaderboardQuery, lang: Lang) -> list[Block]:
    """The leaderboard command's own answer, its title a section heading, without buttons."""
    blocks = leaderboard.render(board, query, lang).blocks
    return [
        Text(f"*{block.text}*") if isinstance(block, Header) else block
        for block in blocks
        if not isinstance(block, Buttons)
    ]


def _movers(board: Board, lang: Lang) -> list[Block]:
    if not board.ranked_count:
        return []
    found = movers(board.ranked, pool=POOL, limit=MOVERS)
    sections = (
        (lang._("*Biggest climbers*"), found.climbers, lang._("Nobody in the top {pool} climbed.")),
        (lang._("*Biggest fallers*"), found.fallers, lang._("Nobody in the top {pool} fell.")),
    )
    blocks: list[Block] = []
    for title, rows, nobody in sections:
        blocks.append(Text(title))
        blocks.append(
            _movers_table(rows, board, lang) if len(rows) else Text(nobody.format(pool=POOL))
        )
    blocks.append(
        Context(
            lang._(
                "Places gained or lost within the top {pool} of the leaderboard above, against "
                "the window before; new entries are not counted."
            ).format(pool=POOL)
        )
    )
    return blocks


def _movers_table(rows: pd.DataFrame, board: Board, lang: Lang) -> Table:
    return Table(
        (
            Column("#", "right"),
            Column(lang._("Creator")),
            Column(metric_label(board.metric, lang), "right"),
            Column(lang._("Move"), "right"),
        ),
        tuple(
            (
                str(place),
                creator_label(name, handle),
                metric_value(int(value), board.metric, board.market, lang),
                movement_label(int(moved), lang),
            )
            for place, name, handle, value, moved in zip(
                rows["rank"].tolist(),
                rows["display_name"].tolist(),
                rows["handle"].tolist(),
                rows["value"].tolist(),
                rows["movement"].tolist(),
                strict=True,
            )
        ),
    )


def _contests(running: Iterable[Campaign]) -> list[Campaign]:
    """Running competitions: livestream ones first, then short-video ones, then any other."""
    found = [c for c in running if c.kind is CampaignKind.COMPETITION]
    return sorted(found, key=lambda c: _contest_order(c.metric))


def _contest_order(metric: str) -> int:
    orders = [n for n, (metrics, _) in enumerate(CONTESTS) if metric in metrics]
    return orders[0] if orders else len(CONTESTS)


def _contest_label(metric: str, lang: Lang) -> str:
    labels = [label for metrics, label in CONTESTS if metric in metrics]
    return lang._(labels[0] if labels else KIND_LABELS[CampaignKind.COMPETITION])


def _heading(campaign: Campaign, kind: str, today: dt.date, lang: Lang) -> Text:
    left = status_label(campaign.starts_on, campaign.ends_on, today, lang)
    return Text(f"*{campaign.name}* · {kind} · {left}")


def _competition(
    campaign: Campaign, end: dt.date, today: dt.date, market: Market, call: Call, lang: Lang
) -> list[Block]:
    """The competition's top 5 by its metric, with how far each is behind the one above."""
    heading = _heading(campaign, _contest_label(campaign.metric, lang), today, lang)
    figures = CampaignFigures(campaign, end, session=call.session)
    top = figures.top(CONTEST_TOP)
    if top.empty:
        return [heading, Text(lang._("No enrolled creator has scored yet."))]
    metric = campaign.metric

    def value(amount: int) -> str:
        return metric_value(amount, metric, market, lang)

    gaps = neighbour_gaps(top).tolist()
    rows = tuple(
        (
            str(place),
            creator_label(name, handle),
            value(int(amount)),
            "—" if pd.isna(gap) else "−" + value(int(gap)),
        )
        for place, name, handle, amount, gap in zip(
            top["rank"].tolist(),
            top["display_name"].tolist(),
            top["handle"].tolist(),
            top["value"].tolist(),
            gaps,
            strict=True,
        )
    )
    columns = (
        Column("#", "right"),
        Column(lang._("Creator")),
        Column(metric_label(metric, lang), "right"),
        Column(lang._("Behind the one above"), "right"),
    )
    return [heading, Table(columns, rows, total=figures.totals().ranked)]


def _mega_sale(
    campaign: Campaign, end: dt.date, today: dt.date, market: Market, call: Call, lang: Lang
) -> list[Block]:
    """GMV to date against the target, and the end total at the pace so far."""
    heading = _heading(campaign, lang._(KIND_LABELS[CampaignKind.MEGA_SALE]), today, lang)
    gmv = CampaignFigures(campaign, end, session=call.session).totals().gmv
    through = min(end, campaign.ends_on)
    pace = pacing(gmv, campaign.starts_on, campaign.ends_on, through, campaign.gmv_target)

    def money(minor: int) -> str:
        return lang.money(minor, market.currency, market.minor_units)

    fields = [(lang._("GMV to date"), money(gmv)), *target_fields(pace, True, money, lang)]
    return [heading, Fields(tuple(fields))]


def _chart(board: Board, lang: Lang) -> Image:
    from creatorbot.commands.charts import (
        ranked_bars,
    )  # matplotlib loads with the first chart, not at start

    top = board.ranked.head(SHOWN)
    label = metric_label(board.metric, lang)
    title = lang._("Top creators by {metric}, {period}").format(
        metric=label, period=period_label(board.period, board.window.days, lang)
    )
    return ranked_bars(
        [f"@{handle}" for handle in top["handle"].tolist()],
        [int(value) for value in top["value"].tolist()],
        title=title,
        value_label=label,
        lang=lang,
        currency=board.market.currency,
        minor_units=board.market.minor_units,
    )


def _buttons(
    board: Board | None, query: LeaderboardQuery, campaigns: list[Campaign], lang: Lang
) -> Buttons:
    """The longer leaderboard (when it was built), and each campaign shown."""
    buttons = [Button(c.name, "open", f"campaign {c.slug}") for c in campaigns]
    if board is not None:
        rows = min(LINK_ROWS, max(board.ranked_count, SHOWN))
        text = leaderboard.command_text(board, query, rows)
        buttons.insert(0, Button(lang._("Leaderboard"), "open", text))
    return Buttons(tuple(buttons))
