"""The load driver's fake Slack on one event loop answers the bot's real client as the threaded
fake does, tells a waiting user their answer, and its own client reads replies right."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import urllib.request
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient

from bench.loop_slack import LoopSlack, post
from bench.pace import pace_line


def test_the_sdk_uploads_a_file_and_posts_through_it() -> None:
    with LoopSlack() as fake:
        fake.add_channel("C1")
        client = WebClient(token="xoxb-load", base_url=fake.api_url)
        assert client.auth_test()["ok"]
        client.files_upload_v2(
            channel="C1", content=b"\x89PNG" + bytes(range(256)), filename="a.png"
        )
        (upload,) = fake.uploads()
        assert upload["content"] == b"\x89PNG" + bytes(range(256))
        assert [c.method for c in fake.calls()] == [
            "auth.test",
            "files.getUploadURLExternal",
            "upload",
            "files.completeUploadExternal",
        ]


def test_a_waiting_user_gets_what_their_response_url_was_sent() -> None:
    with LoopSlack() as fake:
        url = fake.response_url("U1")

        async def expect() -> asyncio.Future[tuple[float, dict[str, object] | None]]:
            return fake.expect(url)

        arrival = fake.run(expect())
        body = json.dumps({"text": "Classifica", "blocks": []}).encode()
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200

        async def answer() -> tuple[float, dict[str, object] | None]:
            return await asyncio.wait_for(arrival, 5)

        when, said = fake.run(answer())
        assert when > 0
        assert said == {"text": "Classifica", "blocks": []}


def test_a_chunked_body_is_read_whole() -> None:
    with LoopSlack() as fake:
        parts = urlsplit(fake.base_url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
        pieces = [b'{"text": "sa', b'tu", "blocks": []}']
        connection.request(
            "POST",
            "/response/U2-9",
            body=iter(pieces),
            headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
            encode_chunked=True,
        )
        assert connection.getresponse().status == 200
        connection.close()
        assert fake.responses() == [{"text": "satu", "blocks": []}]


def test_its_client_reads_status_and_body_of_a_refusal() -> None:
    with LoopSlack() as fake:
        # A response_url refuses a table block in plain text with 400, as Slack does.
        body = json.dumps({"blocks": [{"type": "table", "rows": []}]}).encode()
        url = f"{fake.base_url}/response/U3-1"
        status, answer = fake.run(post(url, body, {"Content-Type": "application/json"}))
        assert status == 400
        assert answer.decode() == fake.calls("response_url")[0].response.get(
            "error", answer.decode()
        )


def test_the_pace_line_says_each_reading() -> None:
    assert pace_line(0.4, 0.55).endswith("took 0.40, then 0.55 s of CPU")
    assert float(pace_line().split(" took ")[1].split()[0]) > 0


def test_its_server_is_closed_on_the_loop_that_serves_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # asyncio's Server is not thread-safe: closed from the test's thread while the loop ends a
    # connection, both wake its waiters and one of them finds them gone (a TypeError at stop).
    closed_on: list[threading.Thread] = []
    close = asyncio.base_events.Server.close

    def recording(server: asyncio.base_events.Server) -> None:
        closed_on.append(threading.current_thread())
        close(server)

    monkeypatch.setattr(asyncio.base_events.Server, "close", recording)
    fake = LoopSlack().start()
    status, _answer = fake.run(post(f"{fake.base_url}/response/U4-1", b"{}", {}))
    assert status == 200
    serving = fake._loop_thread
    fake.stop()
    assert closed_on == [serving]
