"""`campaign new` and `campaign edit SLUG`: the set-up form, its checks (each refusal named by
its field, in the user's language) and the write through the campaigns write path, every
creation and every changed value written to the audit log with what it was before."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

import pandas as pd

from creatorbot.analytics.windows import MAX_DAYS
from creatorbot.commands import campaign_values as values_
from creatorbot.commands.campaign_form import CAMPAIGN_EDIT, CAMPAIGN_NEW, KINDS, METRICS
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.forms import FORM_ID, FormLink, FormResult
from creatorbot.commands.i18n import Lang
from creatorbot.commands.lookups import find_campaign
from creatorbot.commands.policy import SETUP_ROLE
from creatorbot.commands.reply import Button, Buttons, Context, Reply, Text
from creatorbot.commands.trail import entry_of
from creatorbot.storage.audit import append
from creatorbot.storage.models import Campaign, CampaignKind, Market
from creatorbot.storage.queries.campaigns import CampaignFigures, campaign_by_slug
from creatorbot.storage.queries.markets import all_markets, latest_day
from creatorbot.storage.queries.metrics import MONEY
from creatorbot.storage.writer import write_campaigns

T = TypeVar("T")
COMMAND = "campaign"  # the audit log's name for what is written here
# What may change once a campaign runs: nothing that moves a creator's standing or reward.
SAFE_WHILE_RUNNING = frozenset(
    {"ends_on", "gmv_target", "creator_target", "budget_cap", "remind_days"}
)


@dataclass(frozen=True)
class SetupQuery:
    """`campaign new`, or `campaign edit SLUG`."""

    action: str
    slug: str = ""


@dataclass(frozen=True)
class Draft:
    """A campaign as the form describes it, every value checked."""

    slug: str
    name: str
    market: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    metric: str
    gmv_target: int | None
    creator_target: int | None
    reward_tiers: list[tuple[int, int]] = field(default_factory=list)
    reward_bands: list[tuple[int, int, int]] = field(default_factory=list)
    budget_cap: int | None = None
    remind_days: int | None = None


def answer(query: SetupQuery, call: Call) -> Reply:
    """The invitation to open the form: empty for `new`, filled for `edit`."""
    lang = call.lang
    if query.action == "new":
        return Reply(
            (
                Text(lang._("Set up a campaign: its window, targets and rewards.")),
                Buttons((Button(lang._("Open the campaign form"), "form", CAMPAIGN_NEW.name),)),
            )
        )
    campaign = find_campaign(query.slug, call)
    market = all_markets(session=call.session)[campaign.market]
    check_lead(market.code, call)
    phase = phase_of(campaign, local_today(market, call))
    if phase == "ended":
        raise UserError(
            lang._("{name} has ended: it can no longer be changed.").format(name=campaign.name)
        )
    note = (
        lang._("It has not started: everything can change but its short name and market.")
        if phase == "upcoming"
        else lang._(
            "It is running: only a later last day, the targets, a higher budget cap and the "
            "reminders can change."
        )
    )
    shown = form_values(campaign, market)
    prefill = {FORM_ID: f"{campaign.id}.{stamp(shown)}", **shown}
    link = FormLink(CAMPAIGN_EDIT.name, prefill)
    return Reply(
        (
            Text(lang._("Edit {name}.").format(name=campaign.name)),
            Context(note),
            Buttons((Button(lang._("Open the campaign form"), "form", str(link), "primary"),)),
        )
    )


def local_today(market: Market, call: Call) -> dt.date:
    """Today in the market's own timezone."""
    return call.services.clock().astimezone(ZoneInfo(market.timezone)).date()


def phase_of(campaign: Campaign, today: dt.date) -> str:
    """`upcoming`, `running` or `ended`, on the market's `today`."""
    if today < campaign.starts_on:
        return "upcoming"
    return "running" if today <= campaign.ends_on else "ended"


def stamp(shown: Mapping[str, str]) -> str:
    """A short fingerprint of the values an edit form shows."""
    text = "\n".join(f"{key}={shown[key]}" for key in sorted(shown))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def check_lead(market: str, call: Call) -> None:
    if not (call.principal.may(SETUP_ROLE) and call.principal.sees(market)):
        raise UserError(
            call.lang._("Only a lead or an admin of {market} can set up its campaigns.").format(
                market=market
            )
        )


def form_values(campaign: Campaign, market: Market) -> dict[str, str]:
    """The campaign as the form shows it (amounts plain, a point for decimals)."""
    reach = market.minor_units if campaign.metric in MONEY else 0
    units = market.minor_units
    return {
        "kind": campaign.kind.value,
        "name": campaign.name,
        "slug": campaign.slug,
        "market": campaign.market,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "metric": campaign.metric,
        "gmv_target": values_.plain(campaign.gmv_target, units),
        "creator_target": str(campaign.creator_target or ""),
        "reward_tiers": values_.tiers_text(
            [(t.threshold, t.reward) for t in campaign.reward_tiers], market, reach
        ),
        "reward_bands": values_.bands_text(
            [(b.rank_from, b.rank_to, b.reward) for b in campaign.reward_bands], market
        ),
        "budget_cap": values_.plain(campaign.budget_cap, units),
        "remind_days": str(campaign.remind_days or ""),
    }


# --- submissions ------------------------------------------------------------------------------


def submit_new(values: Mapping[str, str], call: Call) -> FormResult:
    """Check a new campaign's form and write it; every problem named by its field."""
    lang = call.lang
    errors: dict[str, str] = {}
    draft = read_draft(values, call, errors, None)
    if draft is None or errors:
        return FormResult(ok=False, errors=errors)
    if campaign_by_slug(draft.slug, session=call.session) is not None:
        return FormResult(
            ok=False,
            errors={
                "slug": lang._("The short name “{slug}” is taken: choose another.").format(
                    slug=draft.slug
                )
            },
        )
    _write(draft, call)
    audit(call, f"new {draft.slug}: " + _described(draft))
    return FormResult(ok=True, message=_created(draft, lang))


def submit_edit(values: Mapping[str, str], call: Call) -> FormResult:
    """Check an edit against what may change now, write it, and audit each change."""
    lang = call.lang
    number, _, seen = (values.get(FORM_ID) or "").strip().partition(".")
    campaign = call.session.get(Campaign, int(number)) if number.isdigit() else None
    if campaign is None or not call.principal.sees(campaign.market):
        return FormResult(ok=False, errors={"name": lang._("This campaign no longer exists.")})
    market = all_markets(session=call.session)[campaign.market]
    # The form writes every field it holds: one opened before someone else's change would
    # undo it. A form from before the stamp (none) is taken as it was.
    if seen and seen != stamp(form_values(campaign, market)):
        return FormResult(
            ok=False,
            errors={
                "name": lang._(
                    "{name} has changed since this form was opened: close it and open it again."
                ).format(name=campaign.name)
            },
        )
    errors: dict[str, str] = {}
    draft = read_draft(values, call, errors, campaign)
    if draft is None or errors:
        return FormResult(ok=False, errors=errors)
    before = _draft_of(campaign)
    changed = {
        name: (old, getattr(draft, name))
        for name, old in asdict(before).items()
        if getattr(draft, name) != old
    }
    errors = _edit_errors(campaign, market, changed, call)
    if errors:
        return FormResult(ok=False, errors=errors)
    if not changed:
        return FormResult(ok=True, message=lang._("Nothing changed."))
    _write(draft, call)
    for name, (old, new) in sorted(changed.items()):
        audit(call, f"edit {campaign.slug}: {name} {_shown(old)} → {_shown(new)}")
    names = ", ".join(sorted(changed))
    return FormResult(
        ok=True,
        message=lang._("Saved {name}: {fields} changed.").format(name=draft.name, fields=names),
    )


def _edit_errors(
    campaign: Campaign,
    market: Market,
    changed: dict[str, tuple[object, object]],
    call: Call,
) -> dict[str, str]:
    lang = call.lang
    phase = phase_of(campaign, local_today(market, call))
    errors: dict[str, str] = {}
    for name in ("slug", "market"):
        if name in changed:
            errors[name] = lang._("The short name and the market can't change.")
    if phase == "ended":
        return {
            "name": lang._("{name} has ended: it can no longer be changed.").format(
                name=campaign.name
            )
        }
    if phase == "running":
        for name in sorted(set(changed) - SAFE_WHILE_RUNNING - {"slug", "market"}):
            errors[name] = lang._("It can't change once the campaign has started.")
        new_end = changed.get("ends_on", (None, None))[1]
        if isinstance(new_end, dt.date) and new_end < campaign.ends_on:
            errors["ends_on"] = lang._("Once it runs, the last day can only move later.")
        old_cap, new_cap = changed.get("budget_cap", (None, None))
        if isinstance(old_cap, int) and isinstance(new_cap, int) and new_cap < old_cap:
            errors["budget_cap"] = lang._("Once it runs, the budget cap can only go up.")
    cap = changed.get("budget_cap", (None, None))[1]
    if "budget_cap" not in errors and isinstance(cap, int) and phase == "running":
        owed = rewards_owed(campaign, call)
        if cap < owed:
            errors["budget_cap"] = lang._(
                "The creators already qualified are owed {owed}: the cap can't be below it."
            ).format(owed=lang.money(owed, market.currency, market.minor_units))
    return errors


def rewards_owed(campaign: Campaign, call: Call) -> int:
    """What the creators already qualified have earned so far: the reward of each one's tier
    reached (incentive programs), or the prizes of the ranks already held (competitions)."""
    latest = latest_day(campaign.market, session=call.session)
    figures = CampaignFigures(campaign, latest, session=call.session)
    if campaign.kind is CampaignKind.INCENTIVE and campaign.reward_tiers:
        tiers = [(t.threshold, t.reward) for t in campaign.reward_tiers]
        return int(figures.tiers(tiers, 1, 1, 0).payout)
    if campaign.reward_bands:
        ranked = figures.totals().ranked
        return sum(
            b.reward * max(0, min(b.rank_to, ranked) - b.rank_from + 1)
            for b in campaign.reward_bands
        )
    return 0


def read_draft(
    values: Mapping[str, str], call: Call, errors: dict[str, str], editing: Campaign | None
) -> Draft | None:
    """The form's values checked one by one (errors go into `errors` by field); None when the
    market is not one the user may set campaigns up in (nothing else can be read without it)."""
    lang = call.lang
    clean = {k: (values.get(k) or "").strip() for k in (f.name for f in CAMPAIGN_NEW.fields)}
    market = _market(clean["market"], call, errors)
    if market is None:
        return None
    kind = clean["kind"] if clean["kind"] in dict(KINDS) else ""
    if not kind:
        errors["kind"] = lang._("Choose the kind of campaign.")
    if not clean["name"]:
        errors["name"] = lang._("Give the campaign a name.")
    metric = clean["metric"] or "gmv"
    if metric not in dict(METRICS):
        errors["metric"] = lang._("Choose the ranking metric.")
    starts = _read(lambda: values_.day(clean["starts_on"], lang), "starts_on", errors)
    ends = _read(lambda: values_.day(clean["ends_on"], lang), "ends_on", errors)
    today = local_today(market, call)
    year = starts.year if starts else today.year
    slug = clean["slug"].lower() or values_.suggested_slug(clean["name"], market.code, year)
    if editing is not None and not clean["slug"]:
        slug = editing.slug
    if not values_.is_slug(slug):
        errors["slug"] = lang._("Use lower-case letters, digits and hyphens, e.g. my-payday-2026.")
    if starts and ends:
        _check_window(starts, ends, today, editing, errors, lang)
    reach = market.minor_units if metric in MONEY else 0

    def optional(name: str, read: Callable[[], T]) -> T | None:
        return _read(read, name, errors) if clean[name] else None

    gmv_target = optional("gmv_target", lambda: values_.amount(clean["gmv_target"], market, lang))
    creators = optional("creator_target", lambda: values_.count(clean["creator_target"], lang))
    tiers = optional(
        "reward_tiers", lambda: values_.tiers(clean["reward_tiers"], market, reach, lang)
    )
    bands = optional("reward_bands", lambda: values_.bands(clean["reward_bands"], market, lang))
    cap = optional("budget_cap", lambda: values_.amount(clean["budget_cap"], market, lang))
    remind = optional("remind_days", lambda: values_.count(clean["remind_days"], lang))
    if tiers and kind and kind != "incentive":
        errors["reward_tiers"] = lang._("Reward tiers are for incentive programs.")
    if bands and kind and kind != "competition":
        errors["reward_bands"] = lang._("Prizes by rank are for competitions.")
    if (
        starts
        and ends
        and remind is not None
        and ends >= starts
        and remind > (ends - starts).days + 1
    ):
        errors["remind_days"] = lang._("More reminder days than the campaign lasts.")
    if cap is not None:
        floor = _bands_floor(bands) if bands else 0
        if floor and cap < floor:
            errors["budget_cap"] = lang._(
                "The prizes by rank alone cost {cost}: the cap can't be below it."
            ).format(cost=lang.money(floor, market.currency, market.minor_units))
    if errors or starts is None or ends is None:
        return None
    return Draft(
        slug=slug,
        name=clean["name"][:128],
        market=market.code,
        kind=kind,
        starts_on=starts,
        ends_on=ends,
        metric=metric,
        gmv_target=gmv_target,
        creator_target=creators,
        reward_tiers=tiers or [],
        reward_bands=bands or [],
        budget_cap=cap,
        remind_days=remind,
    )


def _bands_floor(bands: list[tuple[int, int, int]]) -> int:
    """What every prize by rank costs when each rank is taken by one creator."""
    return sum((high - low + 1) * reward for low, high, reward in bands)


def _read(read: Callable[[], T], name: str, errors: dict[str, str]) -> T | None:
    """What `read` reads, else None with its refusal in `errors` under the field's name."""
    try:
        return read()
    except values_.Invalid as exc:
        errors[name] = str(exc)
        return None


def _market(text: str, call: Call, errors: dict[str, str]) -> Market | None:
    lang = call.lang
    markets = all_markets(session=call.session)
    mine = call.principal.markets
    code = text.upper() or (
        next(iter(mine)) if mine is not None and len(mine) == 1 else call.services.default_market
    )
    if not code:
        errors["market"] = lang._("Which market? e.g. {examples}.").format(
            examples=", ".join(sorted(markets))
        )
        return None
    if code not in markets or not call.principal.sees(code):
        refused = lang._("There is no market “{code}” you can set campaigns up in.")
        errors["market"] = refused.format(code=code)
        return None
    if not call.principal.may(SETUP_ROLE):
        errors["market"] = lang._(
            "Only a lead or an admin of {market} can set up its campaigns."
        ).format(market=code)
        return None
    return markets[code]


def _check_window(
    starts: dt.date,
    ends: dt.date,
    today: dt.date,
    editing: Campaign | None,
    errors: dict[str, str],
    lang: Lang,
) -> None:
    if ends < starts:
        errors["ends_on"] = lang._("The last day is before the first day.")
    elif (ends - starts).days + 1 > MAX_DAYS:
        errors["ends_on"] = lang._("A campaign lasts at most {n} days.").format(n=MAX_DAYS)
    moved = editing is None or editing.starts_on != starts
    if moved and starts < today:
        errors["starts_on"] = lang._("The first day is in the past (today is {day}).").format(
            day=lang.date(today)
        )
    if ends < today and (editing is None or editing.ends_on != ends):
        past = lang._("The last day is in the past (today is {day}).")
        errors.setdefault("ends_on", past.format(day=lang.date(today)))


def _draft_of(campaign: Campaign) -> Draft:
    return Draft(
        slug=campaign.slug,
        name=campaign.name,
        market=campaign.market,
        kind=campaign.kind.value,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        metric=campaign.metric,
        gmv_target=campaign.gmv_target,
        creator_target=campaign.creator_target,
        reward_tiers=[(t.threshold, t.reward) for t in campaign.reward_tiers],
        reward_bands=[(b.rank_from, b.rank_to, b.reward) for b in campaign.reward_bands],
        budget_cap=campaign.budget_cap,
        remind_days=campaign.remind_days,
    )


def _write(draft: Draft, call: Call) -> None:
    """Through the campaigns write path (atomic with the audit entries: one unit of work)."""
    row = asdict(draft)
    row["reward_tiers"] = draft.reward_tiers
    row["reward_bands"] = draft.reward_bands
    frame = pd.DataFrame([row])
    frame["reward_tiers"] = pd.Series([draft.reward_tiers], dtype=object)
    frame["reward_bands"] = pd.Series([draft.reward_bands], dtype=object)
    frame["starts_on"] = pd.to_datetime(frame["starts_on"]).dt.date
    frame["ends_on"] = pd.to_datetime(frame["ends_on"]).dt.date
    for name in ("gmv_target", "creator_target", "budget_cap", "remind_days"):
        frame[name] = pd.Series([getattr(draft, name)], dtype=object)
    write_campaigns(frame, session=call.session)
    call.session.expire_all()  # the ORM's copies (tiers, bands) are read again


def audit(call: Call, arguments: str) -> None:
    """One audit entry, in the unit of work that writes the change."""
    entry = entry_of(
        call.request,
        command=COMMAND,
        arguments=arguments,
        allowed=True,
        outcome="answered",
        rows=1,
        latency_ms=None,
        at=call.services.clock(),
    )
    append(entry, session=call.session)


def _shown(value: object) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(":".join(map(str, item)) for item in value)
    return str(value)


def _described(draft: Draft) -> str:
    return ", ".join(f"{name}={_shown(value)}" for name, value in asdict(draft).items())


def _created(draft: Draft, lang: Lang) -> str:
    return lang._(
        "Created {name} ({slug}), {start} to {end}. Next: `campaign enroll {slug}` and "
        "`campaign follow {slug}` in the channel that should hear about it."
    ).format(
        name=draft.name,
        slug=draft.slug,
        start=draft.starts_on.isoformat(),
        end=draft.ends_on.isoformat(),
    )
