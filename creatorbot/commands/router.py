"""The command router: finds the command a text names, runs it in a unit of work, and turns
every failure into a short answer."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from creatorbot.commands.core import Call, CommandRequest, Services, UserError
from creatorbot.commands.forms import Form, FormResult
from creatorbot.commands.i18n import Lang
from creatorbot.commands.parsing import did_you_mean
from creatorbot.commands.reply import Reply, error

logger = logging.getLogger(__name__)

UMBRELLA = "creatorbot"
FORM_ERROR = "_form"  # the key of an error about the whole submission, not one field


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
    ) -> None:
        self.commands = dict(commands)
        self.services = services
        self.forms = dict(forms or {})

    def submit(self, request: CommandRequest, form: str, values: Mapping[str, str]) -> FormResult:
        """Validate and save a form submission. `ok` only once the database has committed it;
        a failure stores nothing and says so, keyed by FORM_ERROR."""
        lang = Lang(request.locale)
        spec = self.forms[form]
        try:
            with self.services.sessions.begin() as session:
                result = spec.submit(values, Call(request, session, self.services, lang))
                if not result.ok:
                    session.rollback()
        except Exception:
            ref = uuid.uuid4().hex[:8]
            logger.exception(
                "form submission failed",
                extra={
                    "form": form,
                    "user": request.user,
                    "platform": request.platform,
                    "ref": ref,
                },
            )
            message = lang._(
                "Nothing was saved: something went wrong on our side (reference {ref}). "
                "Please try again."
            ).format(ref=ref)
            return FormResult(ok=False, errors={FORM_ERROR: message})
        return result

    def handle(self, request: CommandRequest) -> Reply:
        """Answer one request. Never raises: bad input and failures become an error Reply."""
        name, arguments = split_command(request.text)
        command = self.commands.get(name or "help")
        if command is None:
            return self._unknown(name, Lang(request.locale))
        return self.run(
            request, lambda call: command.answer(command.parse(arguments, call), call), name
        )

    def run(
        self, request: CommandRequest, answer: Callable[[Call], Reply], name: str = ""
    ) -> Reply:
        """Run `answer` in one unit of work; `UserError` becomes a short answer in the user's
        language and any other failure an apology with a logged reference."""
        lang = Lang(request.locale)
        context = {
            "command": name,
            "user": request.user,
            "channel": request.channel,
            "platform": request.platform,
        }
        started = time.perf_counter()
        try:
            with self.services.sessions.begin() as session:
                reply = answer(Call(request, session, self.services, lang))
        except UserError as exc:
            reply = error(exc.message, *exc.hints)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            logger.exception("command failed", extra={**context, "ref": ref})
            reply = error(
                lang._(
                    "Something went wrong on our side and the team has been told "
                    "(reference {ref}). Please try again in a minute."
                ).format(ref=ref)
            )
        latency = round((time.perf_counter() - started) * 1000, 1)
        logger.info("command answered", extra={**context, "ok": reply.ok, "latency_ms": latency})
        return reply

    def _unknown(self, name: str, lang: Lang) -> Reply:
        message = lang._("There is no command “{name}”.").format(name=name)
        hint = did_you_mean(name, self.commands, lang)
        if hint:
            message = f"{message} {hint}"
        return error(message, lang._("Type `help` to see every command."))
