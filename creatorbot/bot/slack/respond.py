"""Answers through a response_url, waited through Slack's 429s and retried after a 5xx: a user
who ran a command gets the answer even when Slack stumbles for a moment. Never sent again after a
lost connection: a response_url has no idempotency key and no history to look in, and Slack may
have shown the answer before the connection went; only a 429 or a 5xx says it did not."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from http.client import HTTPException
from typing import Any

from slack_bolt import Respond
from slack_sdk.webhook import WebhookClient, WebhookResponse

logger = logging.getLogger(__name__)

RETRIES = 3  # a response_url takes five posts at most: the answer and its retries fit
FIRST_PAUSE = 0.5  # seconds after a 5xx, doubled after each
MAX_WAIT = 10.0  # a longer Retry-After is clamped: the user is waiting


class AnswerLost(Exception):
    """The connection went while an answer was being sent: it may have been shown."""


class PatientRespond(Respond):
    """Bolt's `respond`, sent again while Slack answers 429 (after its Retry-After) or 5xx.
    Bolt's own gives back the refusal and the answer is silently lost; and it posts the answer
    a second time after a lost connection (slack_sdk's retry), which this one never does."""

    def __init__(self, respond: Respond, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(response_url=respond.response_url, proxy=respond.proxy, ssl=respond.ssl)
        self.sleep = sleep

    def __call__(self, *args: Any, **message: Any) -> WebhookResponse:
        if args:
            raise TypeError("answer with keywords: text=…, blocks=…")
        if self.response_url is None:
            raise ValueError("no response_url to answer on")
        client = WebhookClient(
            url=self.response_url, proxy=self.proxy, ssl=self.ssl, retry_handlers=[]
        )
        pause = FIRST_PAUSE
        for attempt in range(RETRIES + 1):
            try:
                response = client.send(**message)
            except (OSError, HTTPException) as exc:
                raise AnswerLost(f"{type(exc).__name__}: {exc}") from exc
            status = response.status_code
            if not _passing(status) or attempt == RETRIES:
                break
            wait = min(_retry_after(response) if status == 429 else pause, MAX_WAIT)
            logger.info("Slack asked to wait", extra={"status": status, "wait": wait})
            self.sleep(wait)
            pause *= 2
        if status >= 400:
            logger.warning("Slack refused the answer", extra={"status": status})
        return response


def _passing(status: int) -> bool:
    """Whether Slack's refusal is one that goes away: a rate limit or a server error."""
    return status == 429 or status >= 500


def _retry_after(response: WebhookResponse) -> float:
    for name, value in (response.headers or {}).items():
        if name.lower() == "retry-after":
            try:
                return max(float(value), 0.0)
            except (TypeError, ValueError):
                break
    return 1.0
