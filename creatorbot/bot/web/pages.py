"""`GET/POST /f/{token}`: the creators' feedback form as server-rendered HTML (Jinja2, escaped
everywhere), with strict security headers, a body cap and rate limits per address and link
(counted in the database)."""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs

from jinja2 import Environment, PackageLoader, select_autoescape

from creatorbot.bot.http import HttpRequest, HttpResponse
from creatorbot.commands.core import Services
from creatorbot.commands.forms import FEEDBACK, LANGUAGES, RATINGS, FormField
from creatorbot.commands.i18n import Lang
from creatorbot.commands.link_tokens import LinkKeys
from creatorbot.commands.own_answers import CREATOR_FIELDS, Page, choose_language, show, submit
from creatorbot.commands.shared_limits import SharedLimiter

logger = logging.getLogger(__name__)

PREFIX = "/f/"
MAX_TOKEN = 64  # characters; ours are 39
MAX_FIELDS = 10  # form fields parsed from a body; ours sends 4
STATUS = {
    "form": 200,
    "thanks": 200,
    "unknown": 404,  # garbled, forged or altered: as if there were nothing here
    "expired": 410,
    "revoked": 410,
    "stale": 403,  # no CSRF ticket, a forged one, or one too old
    "replayed": 409,  # a form already sent, sent again
    "failed": 500,
    "busy": 429,
    "too_large": 413,
}


@dataclass(frozen=True)
class Shown:
    """One choice as the page shows it: its value, text, and what a screen reader says."""

    value: str
    shown: str
    spoken: str = ""


@dataclass(frozen=True)
class FieldView:
    """A form field, in the page's language."""

    name: str
    label: str
    required: bool
    max_length: int
    choices: tuple[Shown, ...]


def field_view(form_field: FormField, lang: Lang) -> FieldView:
    """How a field of the shared feedback form is rendered on the web."""
    label = lang._(form_field.own_label or form_field.label)
    choices: tuple[Shown, ...] = ()
    if form_field.choices is RATINGS:
        choices = tuple(
            Shown(
                v,
                s,
                lang.n_("{count} star out of 5", "{count} stars out of 5", int(v)).format(
                    count=lang.number(int(v))
                ),
            )
            for v, s in RATINGS
        )
    elif form_field.choices:
        choices = tuple(Shown(v, lang._(s)) for v, s in form_field.choices)
    return FieldView(form_field.name, label, form_field.required, form_field.max_length, choices)


class FormPages:
    """The handler of every request under `/f/`: one link's form, its submission, or a polite
    page saying why not. Rate limits per address and per link are counted in the database,
    shared by every process and replica."""

    PREFIX = PREFIX  # where it is routed

    def __init__(
        self,
        services: Services,
        keys: LinkKeys,
        *,
        per_address: int = 60,
        per_link: int = 20,
        trust_proxy: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.services = services
        self.keys = keys
        # Counted in the database: every worker process and replica shares one count.
        self.by_address = SharedLimiter(services.sessions, "form-address", per_address, clock)
        self.by_link = SharedLimiter(services.sessions, "form-link", per_link, clock)
        self.trust_proxy = trust_proxy
        self.env = Environment(
            loader=PackageLoader("creatorbot.bot.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.css = files("creatorbot.bot.web").joinpath("templates/style.css").read_text("utf-8")
        digest = base64.b64encode(hashlib.sha256(self.css.encode()).digest()).decode()
        self.csp = (
            f"default-src 'none'; style-src 'sha256-{digest}'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.path[len(PREFIX) :]
        query = parse_qs(request.query, max_num_fields=MAX_FIELDS)
        asked = next(iter(query.get("lang") or []), None)
        browser = _first_language(request.header("Accept-Language"))
        if not self.by_address.allow("web", self.address(request)):
            return self.message("busy", Lang(choose_language(None, asked, browser)), retry=60)
        if not token or len(token) > MAX_TOKEN or "/" in token:
            return self.render(Page("unknown", Lang(choose_language(None, asked, browser))))
        claim = self.keys.read_link(token)
        if claim is not None and not self.by_link.allow("link", str(claim.link_id)):
            return self.message("busy", Lang(choose_language(None, asked, browser)), retry=60)
        if request.method == "GET":
            return self.render(show(token, self.services, self.keys, asked=asked, browser=browser))
        content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            lang = Lang(choose_language(None, asked, browser))
            return self.render(Page("stale", lang))
        try:
            fields = parse_qs(
                request.body.decode("utf-8"), max_num_fields=MAX_FIELDS, keep_blank_values=True
            )
        except (UnicodeDecodeError, ValueError):
            return self.render(Page("stale", Lang(choose_language(None, asked, browser))))
        values = {name: found[0] for name, found in fields.items() if found}
        page = submit(token, values, self.services, self.keys, asked=asked, browser=browser)
        return self.render(page)

    def too_large(self, request: HttpRequest) -> HttpResponse:
        """The page for a body over the cap (never read)."""
        query = parse_qs(request.query, max_num_fields=MAX_FIELDS)
        asked = next(iter(query.get("lang") or []), None)
        browser = _first_language(request.header("Accept-Language"))
        return self.message("too_large", Lang(choose_language(None, asked, browser)))

    def address(self, request: HttpRequest) -> str:
        """Who is asking, for the per-address limit: the peer, or behind a trusted proxy the
        address it says it forwards for (the last hop it added)."""
        forwarded = request.header("X-Forwarded-For") if self.trust_proxy else None
        if forwarded:
            return forwarded.split(",")[-1].strip()[:64]
        return request.remote or "-"

    # --- rendering --------------------------------------------------------------------------

    def render(self, page: Page) -> HttpResponse:
        """The page for an outcome, with its status."""
        if page.kind in ("form", "replayed"):
            return self.form(page)
        return self.message(page.kind, page.lang, page)

    def form(self, page: Page) -> HttpResponse:
        lang = page.lang
        view = page.view
        assert view is not None
        about = lang._("Your answer as @{handle}.").format(handle=view.handle)
        if view.campaign_name:
            about = lang._("Your answer as @{handle}, about {campaign}.").format(
                handle=view.handle, campaign=view.campaign_name
            )
        notice = ""
        if page.kind == "replayed":
            notice = lang._(
                "This form was sent already. Check your answer below and send it again to "
                "change it."
            )
        elif page.answered:
            notice = lang._("You answered before: sending the form again changes your answer.")
        status = STATUS[page.kind] if not page.errors else 400
        return self.html(
            "form.html",
            status,
            lang,
            title=lang._(FEEDBACK.title),
            heading=lang._("Your feedback"),
            intro=lang._("Tell the team how it is going. It takes a minute."),
            about=about,
            notice=notice,
            errors=dict(page.errors),
            check_label=lang._("Please check the form:"),
            required_label=lang._("required"),
            fields=[field_view(f, lang) for f in CREATOR_FIELDS],
            values=dict(page.values),
            ticket=page.ticket,
            submit=lang._(FEEDBACK.submit),
        )

    def message(
        self, kind: str, lang: Lang, page: Page | None = None, retry: int | None = None
    ) -> HttpResponse:
        heading, lines, again = _wording(kind, lang, page)
        extra = {"Retry-After": str(retry)} if retry is not None else {}
        return self.html(
            "message.html",
            STATUS[kind],
            lang,
            extra,
            title=heading,
            heading=heading,
            lines=lines,
            again=again,
        )

    def html(
        self,
        template: str,
        status: int,
        lang: Lang,
        extra: dict[str, str] | None = None,
        **context: Any,
    ) -> HttpResponse:
        body = self.env.get_template(template).render(
            lang=lang.language,
            css=self.css,
            languages=LANGUAGES,
            language_label=lang._("Language"),
            **context,
        )
        return HttpResponse(status, body.encode("utf-8"), self.headers() | (extra or {}))

    def headers(self) -> dict[str, str]:
        """The headers of every page: nothing loads from elsewhere, nothing frames it, nothing
        is cached or sent on as a referrer."""
        return {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": self.csp,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
            "Cache-Control": "no-store",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Resource-Policy": "same-origin",
        }


def _wording(kind: str, lang: Lang, page: Page | None) -> tuple[str, list[str], str]:
    """(heading, paragraphs, the "open the form again" button or "") of a message page."""
    ask = lang._("Ask your contact in the team for a new link.")
    if kind == "thanks":
        lines = [
            lang._("Your answer was updated.")
            if page is not None and page.answered
            else lang._("Your answer was saved.")
        ]
        if page is not None and page.view is not None:
            day = lang.date(page.view.expires_at.date())
            lines.append(
                lang._("You can open this link again until {date} to change it.").format(date=day)
            )
        return lang._("Thank you!"), lines, ""
    if kind == "expired":
        return lang._("This link has expired"), [ask], ""
    if kind == "revoked":
        return lang._("This link no longer works"), [ask], ""
    if kind == "stale":
        return (
            lang._("Your answer was not sent"),
            [lang._("The form was open too long, or did not come from this page. Open it again.")],
            lang._("Open the form again"),
        )
    if kind == "busy":
        return lang._("Too many tries"), [lang._("Please wait a minute and try again.")], ""
    if kind == "too_large":
        return (
            lang._("That was too long"),
            [lang._("Keep your comment under 2,000 characters and send it again.")],
            lang._("Open the form again"),
        )
    if kind == "failed":
        return (
            lang._("Nothing was saved"),
            [lang._("Something went wrong on our side. Please try again in a few minutes.")],
            lang._("Open the form again"),
        )
    return (
        lang._("This link doesn't work"),
        [lang._("Check that the whole link was copied."), ask],
        "",
    )


def _first_language(header: str | None) -> str | None:
    """The first language an Accept-Language header names (`it-IT,it;q=0.9` → `it-IT`)."""
    if not header:
        return None
    return header.split(",")[0].split(";")[0].strip()[:16] or None
