"""Optional error reports to Sentry (SENTRY_DSN) and traces over OTLP/HTTP, off unless set."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr
from sqlalchemy.engine import make_url

from creatorbot import __version__
from creatorbot.bot.logs import user_hash
from creatorbot.commands.trail import REDACTED, hide_secrets
from creatorbot.extras import need

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

    from creatorbot.bot.settings import Settings

logger = logging.getLogger(__name__)

# The tracer provider once OTEL_EXPORTER_OTLP_ENDPOINT started it; None: traces are off.
_provider: TracerProvider | None = None


def start(settings: Settings) -> None:
    """Start what the settings ask for (nothing is imported otherwise); `MissingExtra`, with
    the install hint, when a setting's extra is not installed."""
    if settings.sentry_dsn:
        start_sentry(settings)
    if settings.otel_endpoint:
        start_traces(settings.otel_endpoint, settings.otel_service_name)


def start_sentry(settings: Settings) -> None:
    """Send errors the bot logs to Sentry, with secrets and chat user ids taken out."""
    sentry_sdk = need("sentry", "sentry_sdk")
    scrub = Scrubber(secrets_of(settings))
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value() if settings.sentry_dsn else None,
        environment=settings.sentry_environment or None,
        release=f"creatorbot@{__version__}",
        # No personal data: send_default_pii stays at its default, False (naming it is
        # deprecated since sentry-sdk 2.76, and warns).
        include_local_variables=False,  # a frame's locals may hold a token or a user's text
        max_request_body_size="never",
        before_send=lambda event, hint: scrub.event(event),
        before_breadcrumb=lambda crumb, hint: scrub.crumb(crumb),
    )


def start_traces(endpoint: str, service: str) -> None:
    """Export a span per command answered and per scheduled post to `endpoint` (OTLP/HTTP)."""
    global _provider
    need("otel", "opentelemetry.sdk.trace")
    exporter = need("otel", "opentelemetry.exporter.otlp.proto.http.trace_exporter")
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    url = endpoint.rstrip("/") + "/v1/traces"  # as the OTLP exporter reads the variable itself
    provider.add_span_processor(BatchSpanProcessor(exporter.OTLPSpanExporter(endpoint=url)))
    _provider = provider


def traced(what: str, fields: Mapping[str, object], seconds: float) -> None:
    """A span for one command answered or post made (`Services.traced`), ended now and begun
    `seconds` ago; the user as the logs' hash. Nothing when traces are off."""
    if _provider is None:
        return
    from opentelemetry.trace import Status, StatusCode

    attributes: dict[str, str | int | float] = {
        f"creatorbot.{key}": str(value) for key, value in fields.items() if key != "user"
    }
    if "user" in fields:
        attributes["creatorbot.user_hash"] = user_hash(str(fields["user"]))
    attributes["creatorbot.latency_ms"] = round(seconds * 1000, 1)
    name = f"{what} {fields.get('command') or fields.get('job') or ''}".strip()
    ended = time.time_ns()
    try:
        span = _provider.get_tracer("creatorbot").start_span(
            name, start_time=ended - int(seconds * 1e9), attributes=attributes
        )
        if fields.get("outcome") == "failed":
            span.set_status(Status(StatusCode.ERROR))
        span.end(end_time=ended)
    except Exception:  # a trace lost never costs the answer
        logger.warning("span not recorded", exc_info=True)


def flush() -> None:
    """Send the spans still waiting (tests, and before a short command exits)."""
    if _provider is not None:
        _provider.force_flush()


def stop() -> None:
    """Send what waits and turn traces off."""
    global _provider
    if _provider is not None:
        _provider.shutdown()
        _provider = None


def secrets_of(settings: Settings) -> list[str]:
    """The secret values the settings hold (tokens, signing secrets, the database password)."""
    found = [
        value.get_secret_value()
        for value in settings.__dict__.values()
        if isinstance(value, SecretStr) and value.get_secret_value()
    ]
    if settings.database_url:
        try:
            password = make_url(settings.database_url).password
        except Exception:  # a URL the bot will refuse anyway
            password = None
        if password:
            found.append(str(password))
    return found


class Scrubber:
    """Takes secrets (the settings' own, and whatever looks like one, as the audit trail does)
    and chat user ids (as the logs' hash) out of what is sent to Sentry."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so that a secret inside another goes with it; short ones would blank
        # ordinary words.
        self.secrets = sorted((s for s in secrets if len(s) >= 6), key=len, reverse=True)

    def text(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return hide_secrets(text)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {
                key: user_hash(str(item)) if key == "user" else self.value(item)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        """The event with its messages, exception values, extras and breadcrumbs scrubbed
        (not its ids, which would look like keys)."""
        for key in ("message", "logentry", "extra", "tags", "request"):
            if key in event:
                event[key] = self.value(event[key])
        for exception in (event.get("exception") or {}).get("values") or []:
            if isinstance(exception.get("value"), str):
                exception["value"] = self.text(exception["value"])
        crumbs = event.get("breadcrumbs")
        values = crumbs.get("values") if isinstance(crumbs, Mapping) else crumbs
        for crumb in values or []:
            self.crumb(crumb)
        if "user" in event:  # send_default_pii=False: only what the logs' hash gives
            event["user"] = {}
        return event

    def crumb(self, crumb: dict[str, Any]) -> dict[str, Any]:
        """A breadcrumb (a log line, an HTTP call) with its message and data scrubbed."""
        for key in ("message", "data"):
            if key in crumb:
                crumb[key] = self.value(crumb[key])
        return crumb
