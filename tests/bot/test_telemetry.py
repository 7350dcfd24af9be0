"""Error reports (SENTRY_DSN) and traces (OTEL_EXPORTER_OTLP_ENDPOINT), each received by a fake
server on 127.0.0.1: an error the bot logs arrives in Sentry without the secrets or the user id,
and every command answered is a span with its name, platform, outcome, latency and user hash."""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from creatorbot.bot import telemetry
from creatorbot.bot.app import App, build
from creatorbot.bot.cli import main
from creatorbot.bot.settings import Settings
from creatorbot.commands.core import CommandRequest
from tests.bot.test_cli import data_dir  # noqa: F401  (the fixture)

TOKEN = "xoxb-1234-5678-SeCrEtToKeN"  # the Slack token, as its value must never be sent
SIGNING = "plain-signing-secret-value"  # a secret that looks like no token: found by its value
USER = "U0TELEMETRY"
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


class Received:
    """What a fake ingest server was sent: (path, body decoded) per request."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, bytes]] = []
        self.arrived = threading.Event()


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Received]]:
    """A server on 127.0.0.1 that answers every POST with 200 and keeps its body; its base URL."""
    for name in PROXIES:
        monkeypatch.delenv(name, raising=False)
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli  # type: ignore[import-not-found]

                body = brotli.decompress(body)
            received.requests.append((self.path, body))
            received.arrived.set()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def app(data_dir: Path) -> Iterator[App]:  # noqa: F811
    built = build(Settings(_env_file=None))
    try:
        yield built
    finally:
        built.close()


def test_an_error_the_bot_logs_reaches_sentry_without_secrets_or_the_user(
    receiver: tuple[str, Received], app: App
) -> None:
    sentry_sdk = pytest.importorskip("sentry_sdk")
    url, received = receiver
    host = url.removeprefix("http://")
    settings = Settings(
        _env_file=None,
        SENTRY_DSN=f"http://publickey@{host}/1",
        SENTRY_ENVIRONMENT="test",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SIGNING,
    )

    def fails(call: object) -> Any:
        raise RuntimeError(f"Slack refused {TOKEN} (signing {SIGNING})")

    telemetry.start(settings)
    try:
        reply = app.router.run(CommandRequest("help", platform="slack", user=USER), fails, "help")
        sentry_sdk.flush(timeout=10)
        assert not sentry_sdk.get_client().should_send_default_pii()
    finally:
        sentry_sdk.get_client().close()

    assert not reply.ok
    envelopes = [body for path, body in received.requests if path == "/api/1/envelope/"]
    assert envelopes, f"nothing reached Sentry: {received.requests!r}"
    sent = b"\n".join(envelopes)
    event = next(
        json.loads(line)
        for body in envelopes
        for line in body.splitlines()
        if line.startswith(b"{") and b'"exception"' in line
    )
    assert event["environment"] == "test"
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert "command failed" in json.dumps(event["logentry"])
    assert event["extra"]["user"] == hashlib.sha256(USER.encode()).hexdigest()[:12]
    assert TOKEN.encode() not in sent
    assert SIGNING.encode() not in sent
    assert USER.encode() not in sent


def test_each_command_answered_is_a_span(receiver: tuple[str, Received], app: App) -> None:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    url, received = receiver
    telemetry.start_traces(url, "creatorbot-test")
    try:
        help_reply = app.router.handle(CommandRequest("help", platform="lark", user=USER))
        unknown = app.router.handle(CommandRequest("access grant", platform="slack", user="U2"))
        telemetry.flush()
    finally:
        telemetry.stop()

    assert help_reply.ok and not unknown.ok
    spans = []
    for path, body in received.requests:
        assert path == "/v1/traces"
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            service = {a.key: a.value.string_value for a in resource.resource.attributes}
            assert service["service.name"] == "creatorbot-test"
            for scope in resource.scope_spans:
                spans += scope.spans
    assert [span.name for span in spans] == ["command help", "command access"]
    fields = [{a.key: a.value for a in span.attributes} for span in spans]
    assert fields[0]["creatorbot.command"].string_value == "help"
    assert fields[0]["creatorbot.platform"].string_value == "lark"
    assert fields[0]["creatorbot.outcome"].string_value == "answered"
    assert (
        fields[0]["creatorbot.user_hash"].string_value
        == (hashlib.sha256(USER.encode()).hexdigest()[:12])
    )
    assert fields[0]["creatorbot.latency_ms"].double_value >= 0
    assert fields[1]["creatorbot.outcome"].string_value == "denied"
    assert fields[1]["creatorbot.platform"].string_value == "slack"
    assert all(USER.encode() not in body for _, body in received.requests)
    assert all(span.end_time_unix_nano >= span.start_time_unix_nano for span in spans)


@pytest.mark.parametrize(
    ("setting", "value", "module", "hint"),
    [
        ("SENTRY_DSN", "http://key@127.0.0.1:9/1", "sentry_sdk", "sentry"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9", "opentelemetry", "otel"),
    ],
)
def test_a_setting_without_its_extra_gives_the_hint(
    data_dir: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setting: str,
    value: str,
    module: str,
    hint: str,
) -> None:
    monkeypatch.setenv(setting, value)
    for name in [module, *(n for n in sys.modules if n.startswith(module + "."))]:
        monkeypatch.setitem(sys.modules, name, None)  # as when the package is not installed

    code = main(["ask", "help"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("creatorbot: ")
    assert err.endswith(
        f"needs the {hint} extra, which is not installed: pip install 'creatorbot[{hint}]'\n"
    )


def test_a_failed_post_is_a_span_marked_as_an_error(receiver: tuple[str, Received]) -> None:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    from opentelemetry.proto.trace.v1.trace_pb2 import Status

    url, received = receiver
    fields = {"job": "snapshot", "key": "creatorbot:snapshot:1:2026-11-24", "platform": "lark"}
    telemetry.start_traces(url, "creatorbot")
    try:
        telemetry.traced("post", {**fields, "outcome": "failed"}, 0.25)
        telemetry.flush()
    finally:
        telemetry.stop()

    (span,) = [
        span
        for _, body in received.requests
        for resource in ExportTraceServiceRequest.FromString(body).resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    attributes = {a.key: a.value for a in span.attributes}
    assert span.name == "post snapshot"
    assert span.status.code == Status.STATUS_CODE_ERROR
    assert attributes["creatorbot.job"].string_value == "snapshot"
    assert attributes["creatorbot.platform"].string_value == "lark"
    assert attributes["creatorbot.outcome"].string_value == "failed"
    assert attributes["creatorbot.latency_ms"].double_value == 250.0
    assert span.end_time_unix_nano - span.start_time_unix_nano == 250_000_000
