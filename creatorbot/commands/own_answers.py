"""Creators answering the feedback form themselves, by signed link: what a link opens (the
form, or why it does not work), and one submission checked, saved and audited."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.orm import Session

from creatorbot.commands.core import Services
from creatorbot.commands.feedback import answer_errors
from creatorbot.commands.forms import FEEDBACK, FormField
from creatorbot.commands.i18n import LANGUAGES, Lang, language_of
from creatorbot.commands.link_tokens import LinkKeys
from creatorbot.commands.reply import inert
from creatorbot.commands.trail import record_entry
from creatorbot.storage.audit import Audited
from creatorbot.storage.feedback import LinkAnswer, link_answer, save_link_answer
from creatorbot.storage.form_links import LinkView, hold_link, link_view

logger = logging.getLogger(__name__)

# What the link itself says (who, which campaign) or the page's language gives: not asked.
FIXED_BY_LINK = frozenset({"creator", "campaign", "language"})
CREATOR_FIELDS: tuple[FormField, ...] = tuple(
    f for f in FEEDBACK.fields if f.name not in FIXED_BY_LINK
)
TICKET_HOURS = 12  # how long a rendered form may be sent (a creator may leave it open a while)

Kind = Literal["form", "thanks", "unknown", "expired", "revoked", "stale", "replayed", "failed"]


@dataclass(frozen=True)
class Page:
    """What to show for a link: the form (with a fresh CSRF ticket, earlier answers and any
    errors), the thank-you page, or why the link or the submission does not work."""

    kind: Kind
    lang: Lang
    view: LinkView | None = None
    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    ticket: str = ""
    answered: bool = False  # the link was answered before: sending again updates it


def choose_language(view: LinkView | None, asked: str | None, browser: str | None) -> str:
    """The page's language: the one asked on the page, else the creator's market's first,
    else (a link we cannot read) the browser's, else English."""
    if asked and asked.lower() in LANGUAGES:
        return asked.lower()
    if view is not None and view.languages:
        return language_of(view.languages[0])
    return language_of(browser)


def show(
    token: str,
    services: Services,
    keys: LinkKeys,
    *,
    asked: str | None = None,
    browser: str | None = None,
) -> Page:
    """What opening a link shows: its form, pre-filled with the answer given before."""
    now = services.clock()
    with services.sessions() as session:
        view, problem = _open(token, keys, now, session)
        lang = Lang(choose_language(view, asked, browser), view.market if view else None)
        if problem is not None or view is None:
            return Page(problem or "unknown", lang, view)
        before = link_answer(view.link_id, session=session)
    return _form(view, lang, keys, now, _values_of(before), answered=before is not None)


def submit(
    token: str,
    values: Mapping[str, str],
    services: Services,
    keys: LinkKeys,
    *,
    asked: str | None = None,
    browser: str | None = None,
) -> Page:
    """Check the link and the form's CSRF ticket, then validate and save the answer (updating
    the link's earlier one). Saved only once committed; every submission on a real link is
    audited as the creator, with the link's id."""
    started = time.perf_counter()
    now = services.clock()
    with services.sessions() as session:
        view, problem = _open(token, keys, now, session)
    lang = Lang(choose_language(view, asked, browser), view.market if view else None)
    if view is None:
        return Page("unknown", lang)
    clean = {f.name: inert((values.get(f.name) or "").strip()) for f in CREATOR_FIELDS}
    outcome = "failed"
    try:
        if problem is not None:
            outcome = "denied"
            return Page(problem, lang, view)
        page, outcome = _save(view, clean, values.get("csrf") or "", lang, keys, now, services)
        return page
    except Exception:
        logger.exception("a creator's answer was not saved", extra={"link": view.link_id})
        return Page("failed", lang, view)
    finally:
        _audit(view, outcome, now, started, services)


def _save(
    view: LinkView,
    clean: dict[str, str],
    csrf: str,
    lang: Lang,
    keys: LinkKeys,
    now: dt.datetime,
    services: Services,
) -> tuple[Page, str]:
    ticket = keys.read_form(csrf)
    if (
        ticket is None
        or ticket.link_id != view.link_id
        or ticket.issued_at > now + dt.timedelta(minutes=5)  # a little clock skew between replicas
        or now - ticket.issued_at > dt.timedelta(hours=TICKET_HOURS)
    ):
        return Page("stale", lang, view), "refused"
    with services.sessions.begin() as session:
        if not hold_link(view.link_id, session=session):  # two submits of a link take turns
            return Page("unknown", lang), "denied"
        before = link_answer(view.link_id, session=session)
        if before is not None and before.submission == ticket.nonce and _same(before, clean):
            # this very form sent twice (a double tap, a resend on a slow line): kept once
            return Page("thanks", lang, view), "repeated"
        if before is not None and (
            before.submission == ticket.nonce or ticket.issued_at < before.at
        ):  # this form (or one opened before the last answer) was sent already
            page = _form(view, lang, keys, now, clean, answered=True)
            return Page("replayed", lang, view, page.values, {}, page.ticket, True), "refused"
        errors = answer_errors(clean, lang)
        if errors:
            page = _form(view, lang, keys, now, clean, answered=before is not None)
            return Page("form", lang, view, clean, errors, page.ticket, page.answered), "refused"
        save_link_answer(
            link_id=view.link_id,
            creator_id=view.creator_id,
            campaign_id=view.campaign_id,
            rating=int(clean["rating"]),
            topic=clean["topic"],
            comment=clean["comment"],
            language=lang.language,
            now=now,
            submission=ticket.nonce,
            session=session,
        )
    return Page("thanks", lang, view, answered=before is not None), "answered"


def _same(answer: LinkAnswer, clean: Mapping[str, str]) -> bool:
    """Whether a form's values are the answer stored."""
    return (str(answer.rating), answer.topic, answer.comment) == (
        clean["rating"],
        clean["topic"],
        clean["comment"],
    )


def _open(
    token: str, keys: LinkKeys, now: dt.datetime, session: Session
) -> tuple[LinkView | None, Kind | None]:
    """The link a token names and what is wrong with it (None: it works)."""
    claim = keys.read_link(token)
    if claim is None:
        return None, "unknown"
    view = link_view(claim.link_id, session=session)
    if view is None:
        return None, "unknown"
    if view.revoked:
        return view, "revoked"
    if min(claim.expires_at, view.expires_at) <= now:
        return view, "expired"
    return view, None


def _form(
    view: LinkView,
    lang: Lang,
    keys: LinkKeys,
    now: dt.datetime,
    values: Mapping[str, str],
    *,
    answered: bool,
) -> Page:
    return Page("form", lang, view, dict(values), {}, keys.form_token(view.link_id, now), answered)


def _values_of(answer: LinkAnswer | None) -> dict[str, str]:
    if answer is None:
        return {}
    return {"rating": str(answer.rating), "topic": answer.topic, "comment": answer.comment}


def _audit(
    view: LinkView, outcome: str, now: dt.datetime, started: float, services: Services
) -> None:
    entry = Audited(
        at=now,
        platform="web",
        workspace="",
        channel="",
        user_id=f"creator:{view.creator_id}",
        command="form:feedback",
        arguments=f"link:{view.link_id}",
        allowed=outcome != "denied",
        outcome=outcome,
        rows=1 if outcome == "answered" else None,
        latency_ms=round((time.perf_counter() - started) * 1000),
    )
    record_entry(services.sessions, entry)
