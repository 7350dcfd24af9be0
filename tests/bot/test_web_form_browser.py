"""The creators' form in a real browser: headless Chromium (Debian's package, driven by
Playwright) on a phone-sized viewport opens a link, fills the form in Italian, sends it and sees
the thank-you page; the answer is in `feedback report`. The page passes axe-core with no serious
violation, weighs under 50 KB and asks nothing of any other server. Screenshots are kept under
$CREATORBOT_TEST_ARTIFACTS (default: the test's tmp_path) as web-form-*.png."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.bot.http import WebApp, make_server, run_until_closed
from creatorbot.bot.metrics import Metrics
from creatorbot.bot.web.pages import PREFIX, FormPages
from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.link_tokens import LinkKeys
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.router import Router
from tests.bot.web_world import CAMPAIGN, SECRET, seed_world

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
MAX_PAGE_BYTES = 50 * 1024
PHONE = {"width": 390, "height": 844}


def chromium_or_skip() -> str:
    """Where Chromium is; without it, a failure in CI (`.ci/run` installs it), else a skip."""
    found = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if found:
        return found
    message = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CREATORBOT_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def served(sqlite_sessions: sessionmaker[Session]) -> Iterator[tuple[str, Router]]:
    """The bot's real HTTP server (waitress) on a free loopback port, with the form pages and
    the real clock; the base URL and the chat router."""
    seed_world(sqlite_sessions)
    app = WebApp({}, Metrics())
    server = make_server(app, "127.0.0.1", 0, threads=4)
    base = f"http://127.0.0.1:{server.effective_port}"
    keys = LinkKeys(SECRET, None, base, 14)
    services = Services(sessions=sqlite_sessions, links=keys)
    pages = FormPages(services, keys)
    app.pages[PREFIX], app.too_large = pages, pages.too_large
    thread = threading.Thread(target=run_until_closed, args=(server,), daemon=True)
    thread.start()
    try:
        yield base, Router(commands(), services, forms())
    finally:
        server.close()
        thread.join(timeout=5)


def test_a_creator_answers_in_italian_on_a_phone(
    served: tuple[str, Router], artifacts: Path
) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium_or_skip()
    base, router = served
    slug = str(CAMPAIGN["slug"])
    issued = router.handle(CommandRequest(text=f"feedback link @giulia campaign:{slug}"))
    url = next(
        word
        for block in issued.blocks
        for word in str(getattr(block, "text", "")).split()
        if word.startswith(base)
    )
    requests: list[str] = []
    responses: list[Any] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale="it-IT"
        )
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("response", lambda response: responses.append(response))
        response = page.goto(url)
        assert response is not None and response.status == 200
        page.wait_for_load_state("networkidle")
        received = sum(len(r.body()) for r in responses)  # everything the page loaded
        assert page.locator("html").get_attribute("lang") == "it"
        assert "Black Friday IT" in page.inner_text("main")
        page.screenshot(path=str(artifacts / "web-form-1-form.png"), full_page=True)

        from axe_core_python.sync_playwright import Axe

        results = Axe().run(page)
        serious = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]])
            for v in results["violations"]
            if v.get("impact") in ("serious", "critical")
        ]
        assert serious == []

        page.locator('input[name="rating"][value="4"]').check()
        page.locator('input[name="topic"][value="payout"]').check()
        page.locator("textarea[name=comment]").fill("Pagamenti puntuali, grazie! <b>ciao</b>")
        page.locator("textarea[name=comment]").focus()
        page.keyboard.press("Tab")  # the keyboard reaches the button after the comment
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("h1").inner_text() in ("Thank you!", "Grazie!")
        assert page.locator("html").get_attribute("lang") == "it"
        page.screenshot(path=str(artifacts / "web-form-2-thanks.png"), full_page=True)
        browser.close()
    assert received < MAX_PAGE_BYTES
    assert requests and all(r.startswith(base + "/f/") for r in requests), requests
    assert (artifacts / "web-form-2-thanks.png").stat().st_size > 0
    report = router.handle(CommandRequest(text="feedback report"))
    from creatorbot.bot.render_text import render

    shown = render(report)
    assert "Pagamenti puntuali, grazie! <b>ciao</b>" in shown
    assert "creator" in shown
