"""`alerts [market] [cm:NAME|me] [am:NAME|me] [as-of:YYYY-MM-DD]`: a day's anomaly alerts as the
alert job posts them (`cm:`/`am:`: only those about a CM's or AM's creators); `alerts ack ID` and
`alerts snooze ID`; and `alert_post`, the post the alert job sends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.orm import Session

from creatorbot.commands import parts
from creatorbot.commands.alert_state import state as handled_state
from creatorbot.commands.campaign import local_today
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.floors import floor_phrase
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.labels import creator_label, metric_label
from creatorbot.commands.late_sync import failed_sync
from creatorbot.commands.markets import (
    NoData,
    check_as_of,
    is_market_word,
    no_data,
    resolve_market,
)
from creatorbot.commands.owner_filter import OwnerScope, owner_scope
from creatorbot.commands.owners import owned_by, owner_mention
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
from creatorbot.commands.reply import Block, Button, Buttons, Context, Header, Reply, Text
from creatorbot.commands.vocabulary import action_word, option
from creatorbot.storage.alert_messages import queue_notice
from creatorbot.storage.alerts import (
    SNOOZE_DAYS,
    acknowledge,
    alert_by_id,
    alert_rank,
    alerts_on,
    postable,
    record,
    snooze,
    unrecorded,
)
from creatorbot.storage.daycolumns import RETAIN_DAYS
from creatorbot.storage.models import Alert, AlertStatus, Creator, Market
from creatorbot.storage.queries.anomaly_inputs import creators_by_handle
from creatorbot.storage.queries.anomaly_scan import (
    CTR_SCALE,
    FRESHNESS,
    HISTORY_DAYS,
    DayScan,
    Finding,
    Floor,
    LiveSessions,
    rules_for,
    scan_day,
    stale_data,
)
from creatorbot.storage.queries.campaigns import campaign_by_slug
from creatorbot.storage.queries.markets import all_markets, latest_day

USAGE = N_(
    "alerts [market] [cm:NAME|me] [am:NAME|me] [as-of:YYYY-MM-DD] · alerts ack ID · "
    "alerts snooze ID"
)
OPTIONS = ("as-of", "cm", "am")
ACTIONS = {"ack": "ack", "acknowledge": "ack", "snooze": "snooze"}
SHOWN = 10  # entries in one post; the rest are counted
REACH = RETAIN_DAYS - HISTORY_DAYS  # days back the day columns allow a scan
NOTABLE_SHIFT = 0.25  # a market-wide move this large is worth a line in the post


@dataclass(frozen=True)
class AlertsQuery:
    """A parsed `alerts` request: the market and the data day."""

    market: str | None = None
    as_of: dt.date | None = None
    owners: OwnerScope | None = None
    day: Named | None = None  # a day named by the calendar (yesterday, ieri, 15 nov)


@dataclass(frozen=True)
class HandleQuery:
    """`alerts ack ID` or `alerts snooze ID`."""

    action: str
    alert_id: int


@dataclass(frozen=True)
class AlertPost:
    """What the alert job posts for a market: a Reply, or None when there is nothing new; the
    data day it covers; `fresh` is False when the post is the data freshness alert."""

    reply: Reply | None
    data_day: dt.date | None
    fresh: bool = True
    alerts: tuple[int, ...] = ()  # the alerts the post carries (its buttons act on them)


def parse(text: str, call: Call) -> AlertsQuery | HandleQuery:
    """`ack ID` / `snooze ID`, or a market, `cm:`/`am:` and `as-of:` in any order."""
    lang = call.lang
    tokens = words(text, lang)
    if tokens and tokens[0].lower() in ACTIONS:
        return _handle_query(ACTIONS[tokens[0].lower()], tokens[1:], lang)
    found: dict[str, object] = {}
    index = 0
    while index < len(tokens):
        period, after = one_day_at(tokens, index, lang)
        word = tokens[index]
        index = max(after, index + 1)
        if period is not None and is_one_day(period):
            found["day"] = period
        elif scope := owner_scope(word, call):
            found["owners"] = scope
        elif ":" in word:
            key, _, value = word.partition(":")
            if option(key) not in AS_OF:
                raise unknown_option(key, OPTIONS, lang, USAGE)
            found["as_of"] = parse_day(value, lang)
        elif len(word) == 2 and word.isalpha() and is_market_word(word, call):
            found["market"] = word.upper()
        elif period is not None or is_days_word(word.lower()):
            raise UserError(
                lang._(
                    "`alerts` looks at one day, the latest unless you pick another with "
                    "as-of:YYYY-MM-DD; it takes no period."
                ),
                lang._("Usage: {usage}").format(usage=lang._(USAGE)),
            )
        else:
            markets = all_markets(session=call.session)
            vocabulary = [*ACTIONS, *markets, *(f"{o}:" for o in OPTIONS)]
            raise unknown_word(word, vocabulary, lang, USAGE)
    return AlertsQuery(**found)  # type: ignore[arg-type]


def _handle_query(action: str, rest: list[str], lang: Lang) -> HandleQuery:
    number = rest[0].lstrip("#") if len(rest) == 1 else ""
    if not number.isdigit():
        raise UserError(
            lang._(
                "Which alert? Write `alerts {action} ID` with the alert's number, e.g. #12."
            ).format(action=action_word("alerts", action, lang.language)),
            lang._("Usage: {usage}").format(usage=lang._(USAGE)),
        )
    return HandleQuery(action, int(number))


def answer(query: AlertsQuery | HandleQuery, call: Call) -> Reply:
    """The day's alerts as the job would post them, or the confirmation of an ack or snooze."""
    if isinstance(query, HandleQuery):
        return _handled(query, call)
    market = resolve_market(query.market, call)
    lang = call.lang.for_market(market.code)
    latest = latest_day(market.code, session=call.session)
    if latest is None:
        return no_data(NoData(market), lang)
    named = day_of(query.day, market, call) if query.day else None
    day = query.as_of or named or latest
    _check_day(day, latest, market, lang)
    blocks: list[Block] = []
    scan = _scanned(market, day, call, lang, blocks)
    alerts = _anomalies(market.code, day, call, scan)
    if query.owners is not None:
        alerts = _of_owners(alerts, query.owners, market.code, call)
    due = local_today(market, call) - dt.timedelta(days=1)
    if query.as_of is None and latest < due:
        late = stale_data(market.code, latest, due)
        blocks.append(Text(_late(late, market, lang, call.session)))
    written = query.owners.written if query.owners else None
    if not alerts:
        if written is not None:
            none = lang._("No new anomalies about the creators of {owner} in {market} on {day}.")
        else:
            none = lang._("No new anomalies in {market} on {day}.")
        text = none.format(market=lang.market_name(market.code), day=lang.date(day), owner=written)
        blocks.append(Text(text))
        header = _header(market, day, lang, written)
        return Reply((header, *blocks, Context(_method(market, lang))))
    return render(market, day, alerts, scan, call, lang, blocks, scope=written)


def _check_day(day: dt.date, latest: dt.date, market: Market, lang: Lang) -> None:
    check_as_of(day, latest, market, lang)
    first = latest - dt.timedelta(days=REACH - 1)
    if day < first:
        raise UserError(
            lang._(
                "Alerts go back to {first} (the latest {n} days of data). Pick a later day."
            ).format(first=lang.date(first), n=REACH)
        )


def alert_post(
    market: str,
    call: Call,
    *,
    local_today: dt.date,
    floor: Floor | None = None,
    owner: str | None = None,
) -> AlertPost:
    """The alert job's post for `market` on the market-local day `local_today`: yesterday's
    anomalies not posted before, or — when yesterday's data has not arrived — the data
    freshness alert instead (the missing day is not a collapse). Records what it finds.
    Creators are judged from `floor` (the team's unless given); with an `owner` (a chat user),
    only the anomalies of their own creators, and no data-late notice (the channel has it)."""
    place = all_markets(session=call.session)[market]
    lang = call.lang.for_market(market)
    latest = latest_day(market, session=call.session)
    if latest is None:
        return AlertPost(None, None)
    due = local_today - dt.timedelta(days=1)
    if latest < due:
        if owner is not None:
            return AlertPost(None, latest, fresh=False)
        late = stale_data(market, latest, due)
        english = Lang("en", market)
        record([late], [_late(late, place, english, call.session)], session=call.session)
        alerts = [a for a in postable(market, due, session=call.session) if a.metric == FRESHNESS]
        # A notice, not an item to act on: no number, no buttons (see `_not_actionable`).
        notice = (_header(place, due, lang), Text(_late(late, place, lang, call.session)))
        return AlertPost(Reply(notice) if alerts else None, latest, fresh=False)
    failed: list[Block] = []
    scan = _scanned(place, due, call, lang, failed, floor)
    alerts = _anomalies(market, due, call, scan, handled=True)
    if owner is not None:
        alerts = _owned(alerts, owner, market, call)
        if not alerts:
            return AlertPost(None, due)
    if not alerts and not failed:
        return AlertPost(None, due)
    reply = render(place, due, alerts, scan, call, lang, failed, floor)
    return AlertPost(reply, due, alerts=tuple(alert.id for alert in alerts))


def _owned(alerts: list[Alert], owner: str, market: str, call: Call) -> list[Alert]:
    """The alerts about creators whose CM or AM is the chat user `owner`."""
    handles = [a.subject_key for a in alerts if a.subject_kind == "creator"]
    people = creators_by_handle(market, handles, session=call.session)
    mine = {h for h, c in people.items() if owned_by(c, owner, call)}
    return [a for a in alerts if a.subject_kind == "creator" and a.subject_key in mine]


def _of_owners(alerts: list[Alert], scope: OwnerScope, market: str, call: Call) -> list[Alert]:
    """The alerts about creators whose CM or AM (the scope's role) is one of its names."""
    handles = [a.subject_key for a in alerts if a.subject_kind == "creator"]
    people = creators_by_handle(market, handles, session=call.session)
    wanted = {name.strip().lower() for name in scope.names}
    mine = {
        handle
        for handle, creator in people.items()
        if (getattr(creator, scope.role) or "").strip().lower() in wanted
    }
    return [a for a in alerts if a.subject_kind == "creator" and a.subject_key in mine]


def _scanned(
    market: Market,
    day: dt.date,
    call: Call,
    lang: Lang,
    blocks: list[Block],
    floor: Floor | None = None,
) -> DayScan | None:
    """The day scanned and its findings recorded; if the scan fails, None, and a line saying
    so added to `blocks` (the alerts recorded before are posted all the same)."""
    scans: list[DayScan] = []

    def scanning() -> list[Block]:
        scans.append(_scan(market, day, call, floor))
        return []

    blocks += part("scan", lang._(parts.SCAN), call, lang, scanning)
    return scans[0] if scans else None


def _anomalies(
    market: str, day: dt.date, call: Call, scan: DayScan | None, *, handled: bool = False
) -> list[Alert]:
    """The day's alerts to post, but the data freshness alert: that one went out alone, while
    the day's data was missing. Only those the scan found (its floor's), when it ran: a lower
    floor's subscription records alerts about creators this post's floor leaves out. With
    `handled`, also the day's alerts someone already acknowledged or snoozed (from an owner's
    DM posted earlier): shown as handled, not left out."""
    found = [a for a in postable(market, day, session=call.session) if a.metric != FRESHNESS]
    if handled:
        done = [a for a in alerts_on(market, day, session=call.session) if a.handled_at]
        found = sorted({a.id: a for a in [*found, *done]}.values(), key=alert_rank)
    if scan is None:
        return found
    keys = {(f.subject_kind, f.subject_key, f.metric) for f in scan.findings}
    return [a for a in found if (a.subject_kind, a.subject_key, a.metric) in keys]


def _scan(market: Market, day: dt.date, call: Call, floor: Floor | None = None) -> DayScan:
    """Scan the day and record its new findings (with their reason in English, for the
    record: a finding recorded before keeps its alert as it is)."""
    scan = scan_day(market, day, session=call.session, floor=floor)
    english = Lang("en", market.code)
    new = unrecorded(scan.findings, session=call.session)
    reasons = [_reason([f], _sessions(scan, f), market, english) for f in new]
    record(new, reasons, session=call.session)
    return scan


def _sessions(scan: DayScan | None, subject: Alert | Finding) -> LiveSessions | None:
    """A flagged creator's live sessions on the day and on a usual day, when known."""
    if scan is None or subject.subject_kind != "creator":
        return None
    return scan.sessions.get(subject.subject_key)


class Figures(Protocol):
    """What a reason is written from: a finding or a stored alert."""

    @property
    def metric(self) -> str: ...
    @property
    def day(self) -> dt.date: ...
    @property
    def observed(self) -> int: ...
    @property
    def expected(self) -> int: ...


def render(
    market: Market,
    day: dt.date,
    alerts: list[Alert],
    scan: DayScan | None,
    call: Call,
    lang: Lang,
    lead: list[Block] | None = None,
    floor: Floor | None = None,
    *,
    scope: str | None = None,
) -> Reply:
    """The post: a header, then per subject (most money at stake first, SHOWN at most) its
    number, reasons, owner and money at stake with Acknowledge and Snooze buttons."""
    entries: dict[tuple[str, str], list[Alert]] = {}
    for alert in alerts:
        entries.setdefault((alert.subject_kind, alert.subject_key), []).append(alert)
    handles = [key for kind, key in entries if kind == "creator"]
    people = creators_by_handle(market.code, handles, session=call.session)
    blocks: list[Block] = [_header(market, day, lang, scope), *(lead or [])]
    if scan is not None and abs(scan.shift - 1) >= NOTABLE_SHIFT:
        blocks.append(Context(_shift(scan.shift, day, lang)))
    for found in list(entries.values())[:SHOWN]:
        label = lang._(parts.ALERT).format(id=found[0].id)
        entry = partial(_entry, found, people, scan, market, call, lang)
        blocks += part(f"alert {found[0].id}", label, call, lang, entry)
    hidden = len(entries) - SHOWN
    if hidden > 0:
        blocks.append(
            Context(
                lang.n_(
                    "{n} more subject with alerts is not shown.",
                    "{n} more subjects with alerts are not shown.",
                    hidden,
                ).format(n=hidden)
            )
        )
    blocks.append(Context(_method(market, lang, floor)))
    return Reply(tuple(blocks), rows=min(len(entries), SHOWN))


def _entry(
    found: list[Alert],
    people: dict[str, Creator],
    scan: DayScan | None,
    market: Market,
    call: Call,
    lang: Lang,
) -> list[Block]:
    """One subject's alerts: its number, name and owner, what happened, the money at stake,
    buttons."""
    first = found[0]
    name, owner = _subject(first, people, market, call)
    sessions = _sessions(scan, first)
    # The entry's number is the one its buttons and `alerts ack|snooze` take, and the only
    # number it shows: a rank beside it was read as the alert's number and acted on.
    title = " · ".join([f"*#{first.id} {name}*", *owner])
    lines = [title, _reason(found, sessions, market, lang)]
    if first.impact:
        money = lang.money(max(a.impact for a in found), market.currency, market.minor_units)
        lines.append(lang._("{money} at stake").format(money=money))
    if first.status is not AlertStatus.OPEN:  # handled from another message of the day
        zone = ZoneInfo(market.timezone)
        return [Text("\n".join(lines)), Context(handled_state(first, zone, lang))]
    return [Text("\n".join(lines)), _buttons(first, lang)]


def _header(market: Market, day: dt.date, lang: Lang, scope: str | None = None) -> Header:
    title = lang._("Anomaly alerts · {market} · {day}").format(
        market=market.code, day=lang.date(day)
    )
    return Header(f"{title} · {scope}" if scope else title)


def _buttons(alert: Alert, lang: Lang) -> Buttons:
    return Buttons(
        (
            Button(lang._("Acknowledge"), "open", f"alerts ack {alert.id}"),
            Button(lang._("Snooze 7 days"), "open", f"alerts snooze {alert.id}"),
        )
    )


def _subject(
    alert: Alert, people: dict[str, Creator], market: Market, call: Call
) -> tuple[str, list[str]]:
    """How the alert's subject is named — a creator, a campaign by name, a slot, the market —
    and who to notify: the creator's CM, mentioned."""
    lang = call.lang.for_market(market.code)
    if alert.subject_kind == "creator":
        creator = people.get(alert.subject_key)
        if creator is None:
            return f"@{alert.subject_key}", []
        owner = [owner_mention(creator.cm, call)] if creator.cm else []
        return creator_label(creator.display_name, creator.handle), owner
    if alert.subject_kind == "campaign":
        campaign = campaign_by_slug(alert.subject_key, session=call.session)
        name = campaign.name if campaign else alert.subject_key
        return lang._("Campaign {name}").format(name=name), []
    if alert.subject_kind == "slot":
        return lang._("Slot {name}").format(name=alert.subject_key), []
    return lang.market_name(market.code), []


def _reason(
    found: list[Alert] | list[Finding],
    sessions: LiveSessions | None,
    market: Market,
    lang: Lang,
) -> str:
    """What happened, e.g. "GMV 96% below its usual Thursday (RM120.00 vs RM3,000.00); live
    sessions 0 vs 2"."""
    parts = [_figures(alert, market, lang) for alert in found]
    if sessions is not None and sessions.day != sessions.usual and found[0].metric != FRESHNESS:
        parts.append(
            lang._("live sessions {day} vs {usual}").format(day=sessions.day, usual=sessions.usual)
        )
    return "; ".join(parts)


def _figures(alert: Figures, market: Market, lang: Lang) -> str:
    if alert.metric == FRESHNESS:
        latest = alert.day - dt.timedelta(days=alert.observed)
        return _late_text(market, latest, alert.day, lang)
    values = {
        "metric": _metric_name(alert.metric, lang),
        "weekday": lang.date(alert.day, "EEEE"),
        "observed": _value(alert.observed, alert.metric, market, lang),
        "expected": _value(alert.expected, alert.metric, market, lang),
    }
    if alert.observed < alert.expected:
        change = lang.percent(1 - alert.observed / alert.expected, 0)
        message = lang._("{metric} {change} below its usual {weekday} ({observed} vs {expected})")
        return message.format(change=change, **values)
    times = lang.number(alert.observed / max(alert.expected, 1), digits=1)
    message = lang._("{metric} {times}× its usual {weekday} ({observed} vs {expected})")
    return message.format(times=times, **values)


def _metric_name(metric: str, lang: Lang) -> str:
    return lang._("CTR") if metric == "ctr" else metric_label(metric, lang)


def _value(value: int, metric: str, market: Market, lang: Lang) -> str:
    if metric == "gmv":
        return lang.money(value, market.currency, market.minor_units)
    if metric == "ctr":
        return lang.percent(value / CTR_SCALE, 2)
    return lang.number(value)


def _late(finding: Finding, market: Market, lang: Lang, session: Session) -> str:
    latest = finding.day - dt.timedelta(days=finding.observed)
    late = _late_text(market, latest, finding.day, lang)
    why = failed_sync(market, finding.day, lang, session=session)
    return f"{late} {why}" if why else late


def _late_text(market: Market, latest: dt.date, due: dt.date, lang: Lang) -> str:
    return lang._(
        "Data is late: the latest data for {market} is from {latest}, and {due} has not "
        "arrived yet. Alerts about {due} wait for it."
    ).format(market=lang.market_name(market.code), latest=lang.date(latest), due=lang.date(due))


def _shift(shift: float, day: dt.date, lang: Lang) -> str:
    return lang._(
        "A market-wide day: big creators sold {times}× a usual {weekday}; each creator is "
        "judged against that."
    ).format(times=lang.number(shift, digits=1), weekday=lang.date(day, "EEEE"))


def _method(market: Market, lang: Lang, floor: Floor | None = None) -> str:
    rules = rules_for(market, floor)
    gmv, orders = rules["gmv"].min_volume, rules["orders"].min_volume
    return lang._(
        "Each creator, campaign and slot is compared with its own last {days} days, weekday by "
        "weekday. Creators are judged from {floor} on a usual day."
    ).format(days=HISTORY_DAYS, floor=floor_phrase(int(orders), int(gmv), market, lang))


def _handled(query: HandleQuery, call: Call) -> Reply:
    """Acknowledge or snooze an alert (with its subject's other alerts of the day)."""
    alert = alert_by_id(query.alert_id, session=call.session) if query.alert_id < 2**31 else None
    if alert is None:
        raise UserError(call.lang._("There is no alert #{id}.").format(id=query.alert_id))
    call.require_market(alert.market)
    market = all_markets(session=call.session)[alert.market]
    lang = call.lang.for_market(market.code)
    if alert.metric == FRESHNESS:
        raise _not_actionable(alert, market, lang)
    people = creators_by_handle(market.code, [alert.subject_key], session=call.session)
    subject, _owner = _subject(alert, people, market, call)
    user = call.request.user
    now = call.services.clock()
    _show_everywhere(alert, query.action, call)
    if query.action == "ack":
        handled = acknowledge(alert, user, session=call.session, at=now)
        text = lang._("Acknowledged: {subject} — {reason}.").format(
            subject=subject, reason=_reason(handled, None, market, lang)
        )
        return Reply((Text(text),))
    until = local_today(market, call) + dt.timedelta(days=SNOOZE_DAYS)
    snooze(alert, user, until, session=call.session, at=now)
    text = lang._("Snoozed until {day}: no alerts about {subject} until then.")
    return Reply((Text(text.format(day=lang.date(until), subject=subject)),))


def _show_everywhere(alert: Alert, action: str, call: Call) -> None:
    """Every message carrying the alert (the channel's, the owner's DM) is updated for all to
    see, and notes it in its thread: the posting floor does it once this is committed."""
    user = call.request.user
    queue_notice(alert.id, action, user, now=call.services.clock(), session=call.session)
    event.listen(call.session, "after_commit", lambda _: call.services.wake_jobs(), once=True)


def _not_actionable(alert: Alert, market: Market, lang: Lang) -> UserError:
    """The data-late notice is shown without a number and has no buttons: acknowledging it would
    change nothing, and snoozing it would hide the next outage for a week."""
    return UserError(
        lang._(
            "#{id} is the data-late notice for {market}, not an anomaly: it clears itself when "
            "the missing day arrives, so there is nothing to acknowledge or snooze."
        ).format(id=alert.id, market=lang.market_name(market.code)),
        lang._(
            "`alerts {market}` shows the anomalies you can act on, each with its number."
        ).format(market=market.code),
    )
