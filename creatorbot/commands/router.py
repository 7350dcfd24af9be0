"""The command router: finds the command a text names, runs it in a unit of work, and turns
every failure into a short answer."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from creatorbot.commands.core import Call, CommandRequest, Services, UserError
from creatorbot.commands.forms import Form, FormResult
from creatorbot.commands.i18n import Lang
from creatorbot.commands.limits import MAX_COMMAND_CHARS, Limiter, RateLimiter, too_long
from creatorbot.commands.parsing import closest, did_you_mean
from creatorbot.commands.policy import FORM_ROLE, Principal, needed_role, principal_of
from creatorbot.commands.reply import Buttons, Reply, Text, error, inert, mention_of
from creatorbot.commands.trail import record
from creatorbot.commands.vocabulary import (
    action,
    command_name,
    command_words,
    role_word,
    words_of,
)
from creatorbot.storage.failures import database_unreachable, first_line
from creatorbot.storage.lone import reads_first
from creatorbot.storage.models import Role

if TYPE_CHECKING:
    from creatorbot.commands.forms import Choice

logger = logging.getLogger(__name__)

UMBRELLA = "creatorbot"
FORM_ERROR = "_form"  # the key of an error about the whole submission, not one field
PUBLIC_IN_CHANNEL = frozenset({"digest"})  # commands whose effect is posting to the channel
MAX_TYPED = 100  # characters of a type-ahead's text that are searched


@dataclass(frozen=True)
class Command:
    """A chat command: `parse` turns the words after its name into a typed query, `answer`
    turns the query into a Reply. `summary` is a catalog message id; `example` a sample call."""

    name: str
    parse: Callable[[str, Call], Any]
    answer: Callable[[Any, Call], Reply]
    summary: str
    example: str


@dataclass(frozen=True)
class FormSpec:
    """A form and the function that validates and saves one submission of it."""

    form: Form
    submit: Callable[[Mapping[str, str], Call], FormResult]
    role: Role = FORM_ROLE  # the least role that may submit it


def split_command(text: str) -> tuple[str, str]:
    """(`name`, `arguments`) of a command text: a leading `/` and the `creatorbot` umbrella
    word are optional."""
    stripped = text.strip().lstrip("/").strip()
    name, _, rest = stripped.partition(" ")
    if name.lower() == UMBRELLA:
        name, _, rest = rest.strip().partition(" ")
    return name.lower(), rest.strip()


class Router:
    """Dispatches requests to commands; the one place a command's errors are caught."""

    def __init__(
        self,
        commands: Mapping[str, Command],
        services: Services,
        forms: Mapping[str, FormSpec] | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        self.commands = dict(commands)
        self.services = services
        self.forms = dict(forms or {})
        # Counted in this process unless one shared by every process is given (`serve`).
        self.limiter: Limiter = limiter or RateLimiter(
            services.rate_limit_per_minute, exempt=services.rate_limit_exempt
        )
        # Held while an answer is worked out; no bound unless the bot sets one (`serve`).
        self.gate: AbstractContextManager[object] = nullcontext()

    def submit(self, request: CommandRequest, form: str, values: Mapping[str, str]) -> FormResult:
        """Validate and save a form submission. `ok` only once the database has committed it;
        a failure stores nothing and says so, keyed by FORM_ERROR."""
        values = {
            key: inert(value) if isinstance(value, str) else value for key, value in values.items()
        }
        lang = Lang(request.locale)
        spec = self.forms[form]
        started = time.perf_counter()
        outcome = "failed"
        try:
            with self.services.sessions.begin() as session:
                principal = self._principal(request, session)
                if not principal.may(spec.role):
                    outcome = "denied"
                    return FormResult(ok=False, errors={FORM_ERROR: self._denial(principal, lang)})
                call = Call(request, session, self.services, lang, principal)
                result = spec.submit(values, call)
                if not result.ok:
                    session.rollback()
            outcome = "answered" if result.ok else "refused"
        except Exception as exc:
            context = {"form": form, "user": request.user, "platform": request.platform}
            ref, unreachable = logged_failure("form submission failed", exc, context)
            if unreachable:
                message = lang._(
                    "Nothing was saved: I can't reach the database right now. "
                    "Please try again in a minute (reference {ref})."
                )
            else:
                message = lang._(
                    "Nothing was saved: something went wrong on our side (reference {ref}). "
                    "Please try again."
                )
            return FormResult(ok=False, errors={FORM_ERROR: message.format(ref=ref)})
        finally:
            self._audit(request, f"form:{form}", "", outcome, None, started)
        return result

    def choices(self, request: CommandRequest, form: str, field: str, typed: str) -> list[Choice]:
        """What a form field's type-ahead list offers for `typed`: only what the user may see,
        nothing to someone who may not fill the form, and nothing (logged) on a failure. Asked
        at every keystroke: one light unit of work, not audited."""
        from creatorbot.commands.pickers import SOURCES  # its searches: not for every start

        spec = self.forms.get(form)
        source = next((f.source for f in spec.form.fields if f.name == field), "") if spec else ""
        if source not in SOURCES:
            return []
        started = time.perf_counter()
        try:
            with self.services.sessions.begin() as session:
                reads_first(session)
                principal = self._principal(request, session)
                if spec is None or not principal.may(spec.role):
                    return []
                call = Call(request, session, self.services, Lang(request.locale), principal)
                found = SOURCES[source](inert(typed)[:MAX_TYPED], call)
        except Exception as exc:
            context = {"form": form, "user": request.user, "platform": request.platform}
            logged_failure("form choices failed", exc, context)
            return []
        latency = round((time.perf_counter() - started) * 1000, 1)
        logger.info("form choices", extra={"form": form, "field": field, "latency_ms": latency})
        return found

    def handle(self, request: CommandRequest) -> Reply:
        """Answer one request. Never raises: bad input and failures become an error Reply."""
        request = replace(request, text=inert(request.text))
        lang = Lang(request.locale)
        if len(request.text) > MAX_COMMAND_CHARS:
            self._audit(request, "-", request.text, "refused", None, time.perf_counter())
            return error(too_long(len(request.text), lang))
        name, arguments = split_command(request.text)
        command = self.commands.get(command_name(name) or name or "help")
        if command is None:
            self._audit(request, name[:32], arguments, "refused", None, time.perf_counter())
            return self._unknown(name, lang)
        command, arguments = self.meant(command, arguments)
        return self.run(
            request,
            lambda call: command.answer(command.parse(arguments, call), call),
            command.name,
            arguments,
        )

    def run(
        self,
        request: CommandRequest,
        answer: Callable[[Call], Reply],
        name: str = "",
        arguments: str = "",
        *,
        long: bool = False,
    ) -> Reply:
        """Run `answer` in one unit of work, if the user may and is not over the rate limit;
        `UserError` becomes a short answer in the user's language and any other failure an
        apology with a logged reference. Every run is written to the audit trail. A question
        waits its turn at the gate; `long` work (an import) does not, so that it never holds a
        place for minutes while questions wait behind it."""
        lang = Lang(request.locale)
        context = {
            "request_id": uuid.uuid4().hex[:12],
            "command": name,
            "user": request.user,
            "channel": request.channel,
            "platform": request.platform,
        }
        started = time.perf_counter()
        if not self.limiter.allow(request.platform, request.user):
            self._audit(request, name, arguments, "rate_limited", None, started)
            seconds = self.limiter.retry_in(request.platform, request.user)
            return error(
                lang._(
                    "You're sending commands faster than I can answer them well. "
                    "Please wait {seconds} seconds and try again."
                ).format(seconds=lang.number(seconds))
            )
        with nullcontext() if long else self.gate:  # in turn: first come, first served
            reply, outcome = self._worked_out(request, answer, name, arguments, context)
        took = time.perf_counter() - started
        latency = round(took * 1000, 1)
        logger.info("command answered", extra={**context, "ok": reply.ok, "latency_ms": latency})
        self.services.traced("command", {**context, "outcome": outcome}, took)
        self._audit(request, name, arguments, outcome, reply.rows if reply.ok else None, started)
        return reply

    def _worked_out(
        self,
        request: CommandRequest,
        answer: Callable[[Call], Reply],
        name: str,
        arguments: str,
        context: dict[str, str],
    ) -> tuple[Reply, str]:
        """The reply and its outcome for the audit trail: answered, refused, denied or failed."""
        lang = Lang(request.locale)
        outcome = "failed"
        try:
            with self.services.sessions.begin() as session:
                reads_first(session)  # a question that only reads sends no BEGIN nor COMMIT
                principal = self._principal(request, session)
                if not principal.may(needed_role(name, arguments)):
                    outcome = "denied"
                    reply = error(self._denial(principal, lang, name, arguments))
                elif request.external and (request.public or name in PUBLIC_IN_CHANNEL):
                    outcome = "refused"
                    reply = error(self._external(lang))
                else:
                    reply = answer(Call(request, session, self.services, lang, principal))
                    outcome = "answered" if reply.ok else "refused"
                    if principal.role is None:  # `help` for someone without access yet
                        reply = replace(reply, blocks=(*reply.blocks, Text(self._no_access(lang))))
        except UserError as exc:
            outcome = "refused"
            reply = error(exc.message, *exc.hints)
            if exc.buttons:
                reply = replace(reply, blocks=(*reply.blocks, Buttons(exc.buttons)))
        except Exception as exc:
            ref, unreachable = logged_failure("command failed", exc, context)
            if unreachable:
                message = lang._(
                    "I can't reach the database right now, so nothing was changed. "
                    "Please try again in a minute (reference {ref})."
                )
            else:
                message = lang._(
                    "Something went wrong on our side and the team has been told "
                    "(reference {ref}). Please try again in a minute."
                )
            reply = error(message.format(ref=ref))
        return reply, outcome

    # --- access -------------------------------------------------------------------------------

    def _principal(self, request: CommandRequest, session: Session) -> Principal:
        return principal_of(
            request.platform,
            request.user,
            member_of=request.member_of,
            admins=self.services.admins,
            session=session,
            roles=self.services.roles,
        )

    def _denial(self, principal: Principal, lang: Lang, name: str = "", arguments: str = "") -> str:
        if principal.role is None:
            return self._no_access(lang)
        if needed_role(name, arguments) is Role.ADMIN:
            return lang._("Only an admin can use `{command}`. Ask one if you need it.").format(
                command=name
            )
        if name == "import":
            return lang._(
                "Only a lead or an admin can import files; your role is {role}. "
                "Ask an admin if you need it."
            ).format(role=role_word(principal.role.value, lang.language))
        return lang._("Your role ({role}) can't do that. Ask an admin if you need it.").format(
            role=role_word(principal.role.value, lang.language)
        )

    def _no_access(self, lang: Lang) -> str:
        admins = ", ".join(mention_of(user) for user in sorted(self.services.admins))
        ask = (
            lang._("Ask an admin ({admins}) to give you a role, for example:").format(admins=admins)
            if admins
            else lang._("Ask an admin to give you a role, for example:")
        )
        return (
            lang._("You don't have access to creatorbot's data yet.")
            + " "
            + ask
            + " `access grant @you viewer MY`."
        )

    def _external(self, lang: Lang) -> str:
        return lang._(
            "This channel is shared with another organisation (Slack Connect): "
            "I don't post here. Ask me in a direct message instead."
        )

    def _audit(
        self,
        request: CommandRequest,
        name: str,
        arguments: str,
        outcome: str,
        rows: int | None,
        started: float,
    ) -> None:
        record(
            self.services.sessions,
            request,
            command=name,
            arguments=arguments,
            allowed=outcome not in ("denied", "rate_limited"),
            outcome=outcome,
            rows=rows,
            latency_ms=round((time.perf_counter() - started) * 1000),
            at=self.services.clock(),
        )

    def meant(self, command: Command, arguments: str) -> tuple[Command, str]:
        """The command and arguments meant: the first word's action in English (`senarai` →
        `list`), and `COMMAND help` as `help COMMAND`."""
        first, _, rest = arguments.partition(" ")
        meant = action(command.name, first) if first else None
        if meant == "help" and command.name != "help" and "help" in self.commands:
            return self.commands["help"], command.name
        if meant and meant != "help":
            return command, f"{meant} {rest}".strip()
        return command, arguments

    def _unknown(self, name: str, lang: Lang) -> Reply:
        message = lang._("There is no command “{name}”.").format(name=name)
        hint = did_you_mean(name, command_hints(name, self.commands, lang.language), lang)
        if hint:
            message = f"{message} {hint}"
        return error(message, lang._("Type `help` to see every command."))


def command_hints(name: str, names: Mapping[str, Command], language: str) -> list[str]:
    """The command names a mistyped word is closest to, in English and the asker's language
    (in any language when none of those is close), each command once and by its English name
    when that is among the closest."""
    own = [word for command in names for word in words_of("commands", command, language)]
    close = closest(name, [*names, *own], limit=6) or closest(name, command_words(), limit=6)
    meant: dict[str, str] = {}
    for form in close:
        command = command_name(form) or form
        meant.setdefault(command, command if command in close else form)
    return list(meant.values())


def logged_failure(what: str, exc: BaseException, context: dict[str, str]) -> tuple[str, bool]:
    """Log a failure under a fresh reference the user is given; (reference, whether the
    database was out of reach). An outage is one line with the driver's reason, not a traceback
    per request."""
    ref = uuid.uuid4().hex[:8]
    if database_unreachable(exc):
        logger.error(
            f"{what}: database unreachable", extra={**context, "ref": ref, "error": first_line(exc)}
        )
        return ref, True
    logger.exception(what, extra={**context, "ref": ref})
    return ref, False
