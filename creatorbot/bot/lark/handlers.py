"""What creatorbot does with each Lark event: messages and bot-menu clicks are answered from the
worker pool; card actions are answered within Lark's 3 seconds with a toast and/or a new card."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot import exports
from creatorbot.bot.lark import convert
from creatorbot.bot.lark.api import Card, LarkApi
from creatorbot.bot.lark.deliver import card_for, send_files
from creatorbot.bot.lark.drops import ACTIONS as DROP_ACTIONS
from creatorbot.bot.lark.drops import FILE, LarkDrops
from creatorbot.bot.lark.form import (
    SEARCH,
    SUBMIT,
    form_card,
    searched_of,
    submitted,
    thanks_card,
)
from creatorbot.bot.lark.groups import Departments
from creatorbot.bot.lark.locales import Locales
from creatorbot.bot.lark.poster import post_uuid
from creatorbot.bot.long_lists import with_csv
from creatorbot.bot.metrics import Metrics, command_label
from creatorbot.bot.pool import Busy, WorkPool, busy_message
from creatorbot.commands import enrol_file
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.forms import FORM_ACTION, FORM_ID, SUBMISSION, Choice, FormLink, label_key
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Reply, Text
from creatorbot.commands.router import Router, split_command
from creatorbot.storage.events import claim_event

logger = logging.getLogger(__name__)

RUN = "run"  # re-run a command and replace the card (next page, refresh)
OPEN = "open"  # run a command and answer with a new card (open creator, acknowledge)
CARD_BUDGET = 2.0  # seconds a card action may spend before answering with a toast instead
# On the long connection a handler holds the SDK's only loop: other events wait behind it.
CARD_BUDGET_LONG_CONNECTION = 0.5
# Busy notices go out from threads of their own: never on the event's thread (it would hold up
# Lark's 3-second ack), never on the full worker pool; past these, a notice is dropped.
NOTICE_THREADS = 2
NOTICE_BACKLOG = 64
MESSAGE = "im.message.receive_v1"
MENU = "application.bot.menu_v6"
ENTERED = "im.chat.access_event.bot_p2p_chat_entered_v1"
CARD_ACTION = "card.action.trigger"
EVENTS = (MESSAGE, MENU, ENTERED, CARD_ACTION)
# The bot menu's event keys (set in the developer console) → the command each runs; any other
# key is read as a command itself, underscores as spaces.
MENU_COMMANDS = {
    "portfolio": "portfolio me",
    "tiers": "tiers",
    "leaderboard": "leaderboard gmv 7d",
    "snapshot": "snapshot",
    "alerts": "alerts",
    "campaigns": "campaign",
    "feedback": "feedback",
    "help": "help",
}
Answer = dict[str, Any]


class LarkHandlers:
    """Every Lark event creatorbot handles. Each returns fast; slow work goes to the pool."""

    def __init__(
        self,
        *,
        router: Router,
        api: LarkApi,
        pool: Executor,
        metrics: Metrics,
        sessions: sessionmaker[Session],
        clock: Callable[[], dt.datetime],
        locale: str = "en",
        card_budget: float = CARD_BUDGET,
        notices: Executor | None = None,
    ) -> None:
        self.router = router
        self.notices = notices or WorkPool(NOTICE_THREADS, NOTICE_BACKLOG)
        self.card_budget = card_budget
        self.api = api
        self.pool = pool
        self.metrics = metrics
        self.sessions = sessions
        self.clock = clock
        self.locale = locale
        self.locales = Locales(locale, sessions=sessions, clock=clock)
        self.departments = Departments(api)
        self.drops = LarkDrops(router=router, api=api, request=self._request)
        self.routes: dict[str, Callable[[dict[str, Any], str], Answer | None]] = {
            MESSAGE: self.on_message,
            MENU: self.on_menu,
            ENTERED: self.on_entered,
            CARD_ACTION: self.on_card_action,
        }

    def dispatch(self, body: dict[str, Any]) -> Answer:
        """One authenticated event (schema 2.0) → the answer Lark gets back ({} for events;
        a toast and/or card for card actions). An event delivered again is dropped."""
        header = _part(body, "header")
        kind = str(header.get("event_type") or "")
        event_id = str(header.get("event_id") or "")
        handler = self.routes.get(kind)
        if handler is None:
            logger.info("Lark event ignored", extra={"type": kind[:60]})
            return {}
        if event_id:
            with self.sessions.begin() as session:
                first = claim_event(convert.PLATFORM, event_id, self.clock(), session=session)
            if not first:
                self.metrics.requests.labels(platform="lark", outcome="duplicate").inc()
                logger.info("duplicate delivery dropped", extra={"event_id": event_id})
                return {}
        self.metrics.requests.labels(platform="lark", outcome=kind).inc()
        return handler(_part(body, "event"), str(header.get("tenant_key") or "")) or {}

    # --- messages ---------------------------------------------------------------------------

    def on_message(self, event: dict[str, Any], tenant: str) -> None:
        """A DM to the bot, or a group message that @mentions it, is a command; a file sent in
        the DM is a file to import, or a list to enrol when `campaign enroll SLUG` answers it
        or is sent in that chat within minutes of it, before or after (a file sent in a group
        is only kept in mind for that)."""
        if (event.get("sender") or {}).get("sender_type") != "user":
            return
        message = event.get("message") or {}
        user = convert.open_id((event.get("sender") or {}).get("sender_id"))
        self.locales.seen(user, message, tenant)
        if message.get("message_type") == FILE:
            self._submit(self.drops.arrived, message, user, tenant, to=user)
            return
        text = convert.command_text(convert.message_text(message), {})
        if enrol_file.bare_enrolment(text):
            self._submit(self._answer_enrolment, message, user, tenant, to=user)
            return
        self._submit(self._answer_message, message, user, tenant, to=user)

    def _answer_enrolment(self, message: dict[str, Any], user: str, tenant: str) -> None:
        """`campaign enroll SLUG` naming no creators: the enrolment preview of the file it
        answers, else of the user's latest file in this chat within minutes; else the answer
        asks for the list and waits for their next file here."""
        group = message.get("chat_type") != "p2p"
        if group and not convert.mentions_bot(message, self.api.bot_open_id()):
            return
        people = convert.people_mentioned(message, self.api.bot_open_id()) if group else {}
        text = convert.command_text(convert.message_text(message), people)
        if not enrol_file.bare_enrolment(text):  # another person mentioned: no list command
            self._answer_message(message, user, tenant)
            return
        if message.get("parent_id") and self.drops.answered(message, user, tenant, text):
            return
        if self.drops.latest(message, user, tenant, text):
            return
        from creatorbot.commands import enrol_later

        request = self._request(text, user, str(message.get("chat_id") or ""), tenant)
        self._send_answer(message, request, enrol_later.ask(self.router, request), group)

    def _answer_message(self, message: dict[str, Any], user: str, tenant: str) -> None:
        group = message.get("chat_type") != "p2p"
        if group and not convert.mentions_bot(message, self.api.bot_open_id()):
            return
        people = convert.people_mentioned(message, self.api.bot_open_id()) if group else {}
        text = convert.command_text(convert.message_text(message), people) or "help"
        chat = str(message.get("chat_id") or "")
        request = self._request(text, user, chat, tenant)
        if split_command(text) == ("feedback", ""):
            self._send_form(FormLink("feedback"), request, note_in=message if group else None)
            return
        started = time.perf_counter()
        self._send_answer(message, request, self.router.handle(request), group)
        self.metrics.answer_seconds.labels(
            platform="lark", command=command_label(_name(text), self.router.commands)
        ).observe(time.perf_counter() - started)

    def _send_answer(
        self, message: dict[str, Any], request: CommandRequest, answer: Reply, group: bool
    ) -> None:
        """A command's answer: a card in the chat it was asked in (in a group, in answer to
        the message), its files to the asker's private chat; sent once."""
        lang = Lang(request.locale)
        user, chat = request.user, request.channel
        reply = with_csv(answer, lang)
        if group:  # the card is for the group, the file for the asker only
            reply = exports.sent_to(reply, lang, user)
        card = card_for(self.api, reply, lang)
        # One answer per message asked, whatever happens on the way: Lark keeps the first.
        once = post_uuid(f"answer:{message.get('message_id', '')}")
        if group:
            self.api.reply_card(str(message["message_id"]), card, chat=chat, uuid=once)
        else:
            self.api.send_card(chat, card, uuid=once)
        send_files(self.api, reply, user, uuid=once)
        self.metrics.posts.labels(platform="lark", outcome="posted").inc()

    # --- the bot menu and the first DM ------------------------------------------------------

    def on_menu(self, event: dict[str, Any], tenant: str) -> None:
        """A bot-menu click: its command, answered in the user's DM with the bot."""
        user = convert.open_id((event.get("operator") or {}).get("operator_id"))
        key = str(event.get("event_key") or "help")
        text = MENU_COMMANDS.get(key, key.replace("_", " "))
        self._submit(self._answer_privately, text, user, tenant, to=user)

    def on_entered(self, event: dict[str, Any], tenant: str) -> None:
        """A user opens a DM with the bot; the first time (no message yet), the help card."""
        if event.get("last_message_id"):
            return
        user = convert.open_id(event.get("operator_id"))
        self._submit(self._answer_privately, "help", user, tenant, to=user)

    def _answer_privately(self, text: str, user: str, tenant: str) -> None:
        request = self._request(text, user, "", tenant)
        if split_command(text) == ("feedback", ""):
            self._send_form(FormLink("feedback"), request)
            return
        lang = Lang(request.locale)
        reply = with_csv(self.router.handle(request), lang)
        self.api.send_card(user, card_for(self.api, reply, lang))
        send_files(self.api, reply, user)
        self.metrics.posts.labels(platform="lark", outcome="posted").inc()

    # --- cards ------------------------------------------------------------------------------

    def on_card_action(self, event: dict[str, Any], tenant: str) -> Answer:
        """A button or a form's submit. Answered now: a form is saved before the answer says
        so; a re-run replaces the card if it is ready in time, else the card follows."""
        action = _part(event, "action")
        value = _part(action, "value")
        name, argument = str(value.get("action") or ""), str(value.get("value") or "")
        user = convert.open_id(_part(event, "operator"))
        context = _part(event, "context")
        chat = str(context.get("open_chat_id") or "")
        message_id = str(context.get("open_message_id") or "")
        request = self._request(argument, user, chat, tenant)
        lang = Lang(request.locale)
        try:
            if name == SUBMIT:
                form_value = _part(action, "form_value")
                return self._submit_form(argument, form_value, request, message_id)
            if name == SEARCH:
                field = str(value.get("field") or "")
                return self._search_form(argument, field, _part(action, "form_value"), request)
            if name == FORM_ACTION:
                self.pool.submit(
                    self._guarded, self._send_form, (FormLink.parse(argument), request), user
                )
                return _toast("info", lang._("The form is in your chat with creatorbot."))
            if name in DROP_ACTIONS:  # a dropped file's Import or Cancel
                work = (name, request, argument, message_id)
                self.pool.submit(self._guarded, self.drops.click, work, user)
                return _toast("info", lang._("Working on it…"))
            if name == RUN:
                return self._rerun(request, message_id)
            if name == OPEN:
                self.pool.submit(
                    self._guarded, self._answer_card_action, (request, message_id), user
                )
                return {}
        except Busy:
            self._count_busy("card_action", user)
            return _toast("warning", busy_message(lang))
        except Exception:
            self.metrics.errors.labels(platform="lark", stage="card_action").inc()
            logger.exception("card action failed", extra={"action": name[:40], "user": user})
            return _toast("error", _sorry(lang))
        logger.warning("unknown card action", extra={"action": name[:40]})
        return {}

    def _submit_form(
        self, link_value: str, form_value: dict[str, Any], request: CommandRequest, card: str
    ) -> Answer:
        link = FormLink.parse(link_value)
        spec = self.router.forms.get(link.name)
        lang = Lang(request.locale)
        if spec is None:
            return _toast("error", _sorry(lang))
        values = submitted(spec.form, form_value)
        values[FORM_ID] = str(link.prefill.get(FORM_ID) or "")
        values[SUBMISSION] = card
        result = self.router.submit(request, link.name, values)
        if not result.ok:
            return _toast("error", " ".join(result.errors.values())[:300])
        return {
            **_toast("success", result.message[:300]),
            "card": _raw(thanks_card(spec.form, lang, result.message)),
        }

    def _search_form(
        self, link_value: str, field: str, form_value: dict[str, Any], request: CommandRequest
    ) -> Answer:
        """A type-ahead field's Search: the same form back at once, that field's select holding
        what matches the search box (nothing chosen yet), every other answer as it was."""
        link = FormLink.parse(link_value)
        spec = self.router.forms.get(link.name)
        if spec is None:
            return _toast("error", _sorry(Lang(request.locale)))
        values = submitted(spec.form, form_value)
        searched = searched_of(spec.form, form_value)
        prefill = {k: v for k, v in link.prefill.items() if k == FORM_ID}
        choices: dict[str, list[Choice]] = {}
        for f in spec.form.fields:
            value = values.get(f.name, "")
            if f.source and f.name == field:
                choices[f.name] = self.router.choices(
                    request, link.name, f.name, searched.get(f.name, "")
                )
                continue
            if f.source and value:  # kept chosen, under the label its own search gives
                found = self.router.choices(request, link.name, f.name, value)
                label = next((c.label for c in found if c.value == value), value)
                prefill[label_key(f.name)] = label
                choices[f.name] = found
            elif f.source:
                choices[f.name] = self.router.choices(
                    request, link.name, f.name, searched.get(f.name, "")
                )
            if value:
                prefill[f.name] = value
        again = FormLink(link.name, prefill)
        card = form_card(spec.form, Lang(request.locale), again, choices, searched)
        return {"card": _raw(card)}

    def _rerun(self, request: CommandRequest, message_id: str) -> Answer:
        """Replace the card with the command's new answer: inline if ready within the budget,
        else by updating the message once it is."""
        lang = Lang(request.locale)
        future: Future[Card] = Future()

        def work() -> None:
            try:
                future.set_result(self._card(request))
            except Exception as exc:
                future.set_exception(exc)

        self.pool.submit(work)
        try:
            return {"card": _raw(future.result(timeout=self.card_budget))}
        except FutureTimeout:
            future.add_done_callback(lambda done: self._late_update(done, message_id, lang))
            return _toast("info", lang._("Working on it…"))

    def _late_update(self, done: Future[Card], message_id: str, lang: Lang) -> None:
        try:
            self.api.update_card(message_id, done.result())
        except Exception:
            self.metrics.errors.labels(platform="lark", stage="late_update").inc()
            logger.exception("late card update failed", extra={"message_id": message_id})

    def _answer_card_action(self, request: CommandRequest, message_id: str) -> None:
        lang = Lang(request.locale)
        reply = exports.sent_to(with_csv(self.router.handle(request), lang), lang, request.user)
        self.api.reply_card(message_id, card_for(self.api, reply, lang), chat=request.channel)
        send_files(self.api, reply, request.user)
        self.metrics.posts.labels(platform="lark", outcome="posted").inc()

    def _card(self, request: CommandRequest) -> Card:
        """The re-run's card; its files (an Export button's) sent to the asker's chat first."""
        lang = Lang(request.locale)
        reply = exports.sent_to(with_csv(self.router.handle(request), lang), lang, request.user)
        send_files(self.api, reply, request.user)
        return card_for(self.api, reply, lang)

    # --- forms ------------------------------------------------------------------------------

    def _send_form(
        self, link: FormLink, request: CommandRequest, note_in: dict[str, Any] | None = None
    ) -> None:
        """The form, as a card in the user's DM with the bot (a form in a group would be one
        card for everyone); asked in a group, a note there says where it went."""
        spec = self.router.forms.get(link.name)
        lang = Lang(request.locale)
        if spec is None:
            logger.warning("unknown form", extra={"form": link.name[:40]})
            return
        choices = {
            f.name: self.router.choices(request, link.name, f.name, "")
            for f in spec.form.fields
            if f.source
        }
        self.api.send_card(request.user, form_card(spec.form, lang, link, choices))
        if note_in is not None:
            note = Reply((Text(lang._("The form is in your chat with creatorbot.")),))
            self.api.reply_card(
                str(note_in["message_id"]), card_for(self.api, note, lang), chat=request.channel
            )

    # --- plumbing ---------------------------------------------------------------------------

    def _request(self, text: str, user: str, chat: str, tenant: str) -> CommandRequest:
        return convert.request(
            text,
            user=user,
            chat=chat,
            tenant=tenant,
            locale=self.locales.of(user, tenant),
            member_of=partial(self.departments.of, user),
        )

    def _submit(self, work: Callable[..., None], *args: Any, to: str) -> None:
        try:
            self.pool.submit(self._guarded, work, args, to)
        except Busy:
            self._count_busy(work.__name__, to)
            if to:
                self._tell_later(to, busy_message(Lang(self.locales.of(to))))

    def _count_busy(self, work: str, user: str) -> None:
        self.metrics.requests.labels(platform="lark", outcome="busy").inc()
        logger.warning("busy: request refused", extra={"work": work, "user": user})

    def _guarded(self, work: Callable[..., None], args: tuple[Any, ...], to: str) -> None:
        """Run work off the event thread; a failure is logged and the user told, privately."""
        try:
            work(*args)
        except Exception:
            self.metrics.errors.labels(platform="lark", stage=work.__name__).inc()
            logger.exception("lark work failed", extra={"work": work.__name__, "user": to})
            if not to:
                return
            self._tell(to, _sorry(Lang(self.locales.of(to))))

    def _tell_later(self, to: str, text: str) -> None:
        """`_tell`, from the notice threads: the event is answered without waiting for Lark."""
        try:
            self.notices.submit(self._tell, to, text)
        except Busy:
            logger.warning("busy notice dropped", extra={"user": to})

    def _tell(self, to: str, text: str) -> None:
        """A short text message to `to`, privately; a failure to send it is only logged."""
        try:
            self.api.send(to, "text", {"text": text}, uuid=None)
        except Exception:
            logger.exception("could not tell the user", extra={"user": to})


def _part(body: dict[str, Any], name: str) -> dict[str, Any]:
    """A part of a callback that should be an object; {} when absent or of another shape, so
    an odd callback is answered (and ignored), never a 500."""
    found = body.get(name)
    return found if isinstance(found, dict) else {}


def _toast(kind: str, content: str) -> Answer:
    return {"toast": {"type": kind, "content": content or " "}}


def _raw(card: Card) -> dict[str, Any]:
    return {"type": "raw", "data": card}


def _sorry(lang: Lang) -> str:
    return lang._("Sorry, I couldn't answer that just now. Please try again in a minute.")


def _name(text: str) -> str:
    return split_command(text)[0] or "help"
