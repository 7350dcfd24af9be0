"""What creatorbot does with each kind of Slack request: ack at once, then answer on the worker
pool. Commands, buttons, the feedback modal, @mentions, DMs and the App Home."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from functools import partial
from typing import Any

from slack_bolt import Ack, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot import exports
from creatorbot.bot.long_lists import with_csv
from creatorbot.bot.metrics import Metrics, command_label
from creatorbot.bot.pool import Busy, busy_message
from creatorbot.bot.slack import convert, modal
from creatorbot.bot.slack.blocks import action_name
from creatorbot.bot.slack.deliver import (
    SHARE,
    SLACK_FAILURES,
    TableBlocks,
    answered,
    message_for,
    send_privately,
    sent,
    with_share_button,
)
from creatorbot.bot.slack.drops import ACTIONS as DROP_ACTIONS
from creatorbot.bot.slack.drops import SlackDrops
from creatorbot.bot.slack.groups import UserGroups
from creatorbot.bot.slack.poster import post_once, without_blind_resends
from creatorbot.bot.slack.respond import AnswerLost, PatientRespond
from creatorbot.commands import enrol_file
from creatorbot.commands.core import CommandRequest
from creatorbot.commands.forms import FORM_ACTION, FORM_ID, SUBMISSION, FormLink
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Reply
from creatorbot.commands.router import Router, split_command
from creatorbot.storage.events import claim_event

logger = logging.getLogger(__name__)

RUN = "run"  # re-run a command and replace the answer (next page, refresh)
OPEN = "open"  # run a command and show it as a new answer (open creator, help)


class SlackHandlers:
    """Bolt listeners. Each acknowledges first; nothing slow happens before the ack."""

    def __init__(
        self,
        *,
        router: Router,
        client: WebClient,
        pool: Executor,
        metrics: Metrics,
        sessions: sessionmaker[Session],
        clock: Callable[[], dt.datetime],
        tables: TableBlocks | None = None,
    ) -> None:
        self.router = router
        self.tables = tables or TableBlocks()
        self.client = client
        self.pool = pool
        self.metrics = metrics
        self.sessions = sessions
        self.clock = clock
        self.profiles = convert.Profiles(client)
        self.channels = convert.Channels(client)
        self.groups = UserGroups(client)
        self.sender = without_blind_resends(client)  # answers that must not go out twice
        self.drops = SlackDrops(
            router=router,
            client=client,
            sender=self.sender,
            profiles=self.profiles,
            groups=self.groups,
        )

    # --- duplicate deliveries -------------------------------------------------------------

    def drop_duplicates(self, body: dict[str, Any], next: Callable[[], BoltResponse]) -> Any:
        """Middleware: an event delivered again (Slack retries, replicas) is acked, not handled."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            with self.sessions.begin() as session:
                first = claim_event(convert.PLATFORM, str(event_id), self.clock(), session=session)
            if not first:
                self.metrics.requests.labels(platform="slack", outcome="duplicate").inc()
                logger.info("duplicate delivery dropped", extra={"event_id": event_id})
                return BoltResponse(status=200, body="")
        return next()

    # --- slash commands -------------------------------------------------------------------

    def on_command(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """`/leaderboard …` and friends: ack now, answer ephemerally from the worker pool."""
        ack()
        respond = PatientRespond(respond)
        text = convert.command_text(command["command"], command.get("text", ""))
        if split_command(text) == ("feedback", ""):
            self._open_form("feedback", command["trigger_id"], command["user_id"], command)
            return
        self._submit(
            self._answer_command, text, command, respond, respond=respond, user=command["user_id"]
        )

    def _answer_command(self, text: str, command: dict[str, Any], respond: Respond) -> None:
        profile = self.profiles.get(command["user_id"])
        channel = command.get("channel_id", "")
        request = convert.request(
            text,
            user=command["user_id"],
            channel=channel,
            team=command.get("team_id", ""),
            locale=profile.locale,
            external=self.channels.external(channel),
            member_of=partial(self.groups.of, command["user_id"]),
            known_as=tuple(n for n in (profile.email, profile.name) if n),
        )
        self._respond(request, respond)

    def _respond(self, request: CommandRequest, respond: Respond, replace: bool = False) -> None:
        started = time.perf_counter()
        lang = Lang(request.locale)
        reply = exports.in_your_chat(with_csv(self.router.handle(request), lang), lang)
        reply = with_share_button(reply, request.text, lang)
        files = send_privately(self.client, reply, request.user)
        message = message_for(self.client, reply, lang, files=files, tables=self.tables.enabled)
        answered(respond, message, self.tables, response_type="ephemeral", replace_original=replace)
        self.metrics.answer_seconds.labels(
            platform="slack", command=command_label(_name(request.text), self.router.commands)
        ).observe(time.perf_counter() - started)

    # --- buttons --------------------------------------------------------------------------

    def on_action(
        self, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        """A creatorbot button: ack now, then share, re-run, open, or open a form. A form, or an
        answer where there is no chat (App Home, a modal), opens a modal at once: its trigger
        expires 3 s after the click."""
        ack()
        respond = PatientRespond(respond)
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id", "")
        name = action_name(action.get("action_id", ""))
        if name in DROP_ACTIONS:  # a dropped file's Import or Cancel
            self._submit(self.drops.click, body, action, name, respond=respond, user=user)
            return
        if name not in (FORM_ACTION, SHARE, RUN, OPEN):  # a retired button: nothing to run
            logger.warning("unknown action", extra={"action": str(action.get("action_id"))[:60]})
            return
        if name == FORM_ACTION:
            value = str(action.get("value", ""))
            self._open_form(value, body["trigger_id"], user, {"channel_id": channel})
            return
        if body.get("view") is not None or not body.get("response_url"):
            self._answer_in_modal(body, action, user)
            return
        self._submit(self._act, body, action, respond, respond=respond, user=user)

    def _act(
        self,
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Respond | None,
        modal_id: str | None = None,
    ) -> None:
        name = action_name(action.get("action_id", ""))
        value = str(action.get("value", ""))
        user = body["user"]["id"]
        profile = self.profiles.get(user)
        channel = (body.get("channel") or {}).get("id", "")
        team = (body.get("team") or {}).get("id", "")
        request = convert.request(
            value,
            user=user,
            channel=channel,
            team=team,
            locale=profile.locale,
            external=self.channels.external(channel),
            public=name == SHARE,
            member_of=partial(self.groups.of, user),
            known_as=tuple(n for n in (profile.email, profile.name) if n),
        )
        if modal_id is not None:
            self._show_in_modal(request, modal_id)
        elif respond is None:
            return
        elif name == SHARE:
            self._share(request, respond, str(action.get("action_ts") or body.get("trigger_id")))
        else:
            self._respond(request, respond, replace=name == RUN)

    def _share(self, request: CommandRequest, respond: Respond, share_id: str) -> None:
        """Post the answer publicly in the channel, then remove the private copy."""
        reply = self.router.handle(request)
        lang = Lang(request.locale)
        if not reply.ok:
            self._respond(request, respond)
            return
        shared = exports.kept_back(with_csv(reply, lang), lang)
        message = message_for(self.client, shared, lang, tables=self.tables.enabled)
        key = f"share:{request.user}:{request.channel}:{share_id}"
        sent(
            lambda m: post_once(self.sender, self.client, request.channel, m, key),
            message,
            self.tables,
        )
        self.metrics.posts.labels(platform="slack", outcome="posted").inc()
        respond(delete_original=True)

    def _answer_in_modal(self, body: dict[str, Any], action: dict[str, Any], user: str) -> None:
        """Open a modal that says the answer is coming, then fill it in from the worker pool
        (or say the bot is busy)."""
        known = self.profiles.known(user)
        lang = Lang(known.locale if known else "en")
        opened = self.client.views_open(
            trigger_id=body["trigger_id"], view=modal.notice_view(lang._("Working on it…"))
        )
        modal_id = str(opened["view"]["id"])
        try:
            self.pool.submit(self._guarded, self._act, (body, action, None, modal_id), None, user)
        except Busy:
            self.metrics.requests.labels(platform="slack", outcome="busy").inc()
            logger.warning("busy: request refused", extra={"work": "_act", "user": user})
            self.client.views_update(view_id=modal_id, view=modal.notice_view(busy_message(lang)))

    def _show_in_modal(self, request: CommandRequest, modal_id: str) -> None:
        lang = Lang(request.locale)
        reply = exports.in_your_chat(self.router.handle(request), lang)
        message = message_for(self.client, reply, lang)
        self.client.views_update(view_id=modal_id, view=modal.message_view("creatorbot", message))
        send_privately(self.client, reply, request.user)

    # --- forms ----------------------------------------------------------------------------

    def _open_form(self, value: str, trigger_id: str, user: str, origin: dict[str, Any]) -> None:
        """Open the form a button value names (`feedback?form=12&campaign=my-1111`), its
        fields pre-filled; the prompt it answers travels in the modal's private metadata. It
        opens at once, before any lookup: in the user's language if it is known (looked up
        within the hour), else in English, put in their language from the worker pool (when the
        pool is full, it stays in English, and works all the same)."""
        link = FormLink.parse(value)
        if link.name not in self.router.forms:
            logger.warning("unknown form", extra={"form": link.name[:40]})
            return
        known = self.profiles.known(user)
        view = self._form_view(link, origin, known.locale if known else None)
        opened = self.client.views_open(trigger_id=trigger_id, view=view)
        if known is not None:
            return
        shown = opened["view"]
        fill = (link, origin, user, str(shown["id"]), str(shown.get("hash") or ""))
        try:
            self.pool.submit(self._guarded, self._translate_form, fill, None, user)
        except Busy:
            logger.info("form left in English: every worker is busy", extra={"user": user})

    def _translate_form(
        self, link: FormLink, origin: dict[str, Any], user: str, view_id: str, view_hash: str
    ) -> None:
        locale = self.profiles.get(user).locale
        if Lang(locale).language == Lang().language:
            return  # already in it
        view = self._form_view(link, origin, locale)
        try:  # the hash: a form already submitted (or closed) is left alone
            self.client.views_update(view_id=view_id, hash=view_hash or None, view=view)
        except SlackApiError as exc:
            logger.info("form not translated", extra={"error": exc.response.get("error")})

    def _form_view(
        self, link: FormLink, origin: dict[str, Any], locale: str | None
    ) -> dict[str, Any]:
        metadata = {"channel": origin.get("channel_id", "")}
        if locale is not None:  # else the submission looks the user's language up
            metadata["locale"] = locale
        if link.prefill.get(FORM_ID):
            metadata[FORM_ID] = link.prefill[FORM_ID]
        form = self.router.forms[link.name].form
        return modal.form_view(form, Lang(locale or "en"), metadata, link.prefill)

    def on_options(self, ack: Ack, body: dict[str, Any]) -> None:
        """A type-ahead list in a form's modal: the choices for what the user typed, answered
        in the ack (Slack waits 3 s at most): one indexed search, no Slack call (the language
        is the one the modal was opened in)."""
        found = body.get("view")
        view: dict[str, Any] = found if isinstance(found, dict) else {}
        name = str(view.get("callback_id", "")).removeprefix(modal.CALLBACK_PREFIX)
        user = str((body.get("user") or {}).get("id") or "")
        metadata = modal.metadata_of(view) or {}
        if not user or name not in self.router.forms:
            ack(options=[])
            return
        known = self.profiles.known(user)
        request = convert.request(
            "",
            user=user,
            channel=metadata.get("channel", ""),
            team=(body.get("team") or {}).get("id", ""),
            locale=metadata.get("locale") or (known.locale if known else "en"),
            member_of=partial(self.groups.of, user),
        )
        typed = str(body.get("value") or "")
        field = str(body.get("action_id") or "")
        choices = self.router.choices(request, name, field, typed)
        ack(options=[modal.option(choice) for choice in choices])

    def on_submit(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        """A form submitted: saved and committed BEFORE the ack says so; any failure keeps the
        modal open with the error shown on the field it concerns."""
        name = str(view.get("callback_id", "")).removeprefix(modal.CALLBACK_PREFIX)
        user = str((body.get("user") or {}).get("id") or "")
        metadata = modal.metadata_of(view)
        locale = (metadata or {}).get("locale") or self.profiles.get(user).locale
        spec = self.router.forms.get(name)
        if spec is None or metadata is None or not user:
            # A modal of another version, or tampered with: nothing to save it into.
            logger.warning("form refused", extra={"form": name[:40], "user": user})
            lang = Lang(locale)
            ack(response_action="update", view=modal.notice_view(_stale(lang)))
            return
        request = convert.request(
            "",
            user=user,
            channel=metadata.get("channel", ""),
            team=(body.get("team") or {}).get("id", ""),
            locale=locale,
            member_of=partial(self.groups.of, user),
        )
        values = modal.submitted_values(view)
        values[FORM_ID] = str(metadata.get(FORM_ID) or "")
        values[SUBMISSION] = str(view.get("id") or "")
        result = self.router.submit(request, name, values)
        if result.ok:
            ack(
                response_action="update",
                view=modal.thanks_view(spec.form, Lang(locale), result.message),
            )
        else:
            ack(response_action="errors", errors=modal.field_errors(spec.form, result.errors))

    # --- messages -------------------------------------------------------------------------

    def on_mention(self, event: dict[str, Any]) -> None:
        """`@creatorbot leaderboard gmv 7d` in a channel: answered in a thread, like the console.
        A file shared with the mention is not imported there: the sender is told where to."""
        if event.get("files"):
            self._submit(self.drops.mentioned, event)
            return
        self._submit(self._answer_message, event)

    def on_message(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """A direct message to the bot is a command; one with files is a file to import (not
        the bot's own: the exports it sends to a DM are file messages too), or a list to enrol
        when it says `campaign enroll SLUG` (or says it in the file's thread, or in the DM
        within minutes of it, before or after)."""
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("user") in {a.get("user_id") for a in body.get("authorizations") or []}:
            return
        if event.get("files") and event.get("subtype") in (None, "file_share"):
            self._submit(self.drops.receive, event)
            return
        if event.get("subtype"):
            return
        text = convert.command_of_message(str(event.get("text") or ""))
        if enrol_file.bare_enrolment(text):
            self._submit(self._answer_enrolment, event)
            return
        self._submit(self._answer_message, event)

    def _answer_enrolment(self, event: dict[str, Any]) -> None:
        """`campaign enroll SLUG` naming no creators: the enrolment preview of the file whose
        thread it is in, else of the user's latest file in the DM within minutes; else the
        answer asks for the list and waits for their next file there."""
        thread = event.get("thread_ts")
        if thread and thread != event.get("ts") and self.drops.answered(event):
            return
        if self.drops.latest(event):
            return
        from creatorbot.commands import enrol_later

        self._answer_message(event, partial(enrol_later.ask, self.router))

    def _answer_message(
        self, event: dict[str, Any], answer: Callable[[CommandRequest], Reply] | None = None
    ) -> None:
        user = event.get("user", "")
        profile = self.profiles.get(user)
        channel = event.get("channel", "")
        in_channel = event.get("channel_type") != "im"
        request = convert.request(
            convert.command_of_message(event.get("text", "")) or "help",
            user=user,
            channel=channel,
            team=event.get("team", ""),
            locale=profile.locale,
            external=in_channel and self.channels.external(channel),
            public=in_channel,
            member_of=partial(self.groups.of, user),
            known_as=tuple(n for n in (profile.email, profile.name) if n),
        )
        lang = Lang(request.locale)
        reply = with_csv((answer or self.router.handle)(request), lang)
        if in_channel:  # the answer is for everyone there, the file for the asker only
            reply = exports.sent_to(reply, lang, user)
        files = send_privately(self.client, reply, user)
        message = message_for(
            self.client,
            reply,
            lang,
            files=None if in_channel else files,
            tables=self.tables.enabled,
        )
        thread = event.get("thread_ts") or (event.get("ts") if in_channel else None)
        if request.external and not reply.ok:  # the refusal is for the asker's eyes only
            sent(
                lambda m: self.client.chat_postEphemeral(
                    channel=channel, user=user, text=m.text, blocks=m.blocks
                ),
                message,
                self.tables,
            )
            return
        key = f"answer:{channel}:{event.get('ts', '')}"  # the message answered: one answer
        try:
            sent(
                lambda m: post_once(self.sender, self.client, channel, m, key, thread_ts=thread),
                message,
                self.tables,
            )
        except SLACK_FAILURES:
            with contextlib.suppress(*SLACK_FAILURES):  # Slack may be out of reach altogether
                self.client.chat_postEphemeral(channel=channel, user=user, text=_sorry(lang))
            raise
        self.metrics.posts.labels(platform="slack", outcome="posted").inc()

    # --- App Home -------------------------------------------------------------------------

    def on_home_opened(self, event: dict[str, Any]) -> None:
        """The App Home tab shows the user's own creators."""
        if event.get("tab") == "home":
            self._submit(self._publish_home, event["user"])

    def _publish_home(self, user: str) -> None:
        profile = self.profiles.get(user)
        request = convert.request(
            "home", user=user, locale=profile.locale, member_of=partial(self.groups.of, user)
        )
        from creatorbot.commands.portfolio import Owner, portfolio  # its first view loads it

        owner = Owner(email=profile.email, name=profile.name)
        reply = self.router.run(request, lambda call: portfolio(owner, call))
        message = message_for(self.client, reply, Lang(profile.locale))
        self.client.views_publish(user_id=user, view={"type": "home", "blocks": message.blocks})

    # --- plumbing -------------------------------------------------------------------------

    def _submit(
        self,
        work: Callable[..., None],
        *args: Any,
        respond: Respond | None = None,
        user: str | None = None,
    ) -> None:
        try:
            self.pool.submit(self._guarded, work, args, respond, user)
        except Busy:
            self.metrics.requests.labels(platform="slack", outcome="busy").inc()
            logger.warning("busy: request refused", extra={"work": work.__name__, "user": user})
            if respond is not None:
                lang = Lang(self.profiles.get(user).locale if user else "en")
                respond(text=busy_message(lang), response_type="ephemeral")

    def _guarded(
        self,
        work: Callable[..., None],
        args: tuple[Any, ...],
        respond: Respond | None,
        user: str | None,
    ) -> None:
        """Run work off the request thread; a failure is logged with context and, where the
        user is waiting on a response_url, answered with a short apology — never silence."""
        try:
            work(*args)
        except AnswerLost as exc:  # an apology could follow an answer that did arrive
            self.metrics.errors.labels(platform="slack", stage="answer_lost").inc()
            logger.warning("answer may not have arrived: %s", exc, extra={"user": user})
        except Exception:
            self.metrics.errors.labels(platform="slack", stage=work.__name__).inc()
            logger.exception("slack work failed", extra={"work": work.__name__, "user": user})
            if respond is not None:
                lang = Lang(self.profiles.get(user).locale if user else "en")
                respond(text=_sorry(lang), response_type="ephemeral")

    def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """Bolt's last resort: log with context (never the payload's secrets)."""
        self.metrics.errors.labels(platform="slack", stage="bolt").inc()
        logger.error(
            "slack listener error: %s",
            error,
            extra={"type": body.get("type"), "team": (body.get("team") or {}).get("id")},
        )


def _sorry(lang: Lang) -> str:
    return lang._("Sorry, I couldn't answer that just now. Please try again in a minute.")


def _stale(lang: Lang) -> str:
    return lang._(
        "This form can't be sent any more (it may come from an older version of creatorbot). "
        "Close it and open the form again."
    )


def _name(text: str) -> str:
    return text.split(" ", 1)[0].lstrip("/").lower() or "help"
