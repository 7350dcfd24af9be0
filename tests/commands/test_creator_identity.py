"""`creator HANDLE` never picks one of two creators a reader cannot tell apart (handles equal up
to case, Unicode form or invisible characters, stored before imports refused them): it asks which
one, listing each with what opens it."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.core import CommandRequest, Services
from creatorbot.commands.forms import FormResult
from creatorbot.commands.registry import commands, forms
from creatorbot.commands.reply import Buttons, Reply
from creatorbot.commands.router import Router
from creatorbot.storage.models import Creator, FeedbackResponse
from tests.commands.conftest import creator_row, metric_row, seed

END = dt.date(2026, 11, 23)
LOOK_ALIKES = {  # handle: display name
    "Aisyah.Beauty": "Aisyah Official",
    "aisyah.beauty": "Aisyah Fan Page",
    "aisyah\u200b.beauty": "Aisyah Copy",
}


@pytest.fixture
def ids(sessions: sessionmaker[Session]) -> dict[str, int]:
    """The look-alikes written straight to the database (as before imports refused them), a
    creator in Italy with the same handle, and an unrelated one."""
    creators = [creator_row(h, display_name=n) for h, n in LOOK_ALIKES.items()]
    creators += [creator_row("aisyah.beauty", market="IT"), creator_row("bella")]
    metrics = [metric_row(END, c["handle"], 10_000, market=c["market"]) for c in creators]
    seed(sessions, creators, metrics)
    with sessions.begin() as session:
        return {
            c.handle: c.id for c in session.scalars(select(Creator).where(Creator.market == "MY"))
        }


def test_look_alike_handles_are_all_shown_never_one_picked(
    ids: dict[str, int], reply: Callable[..., Reply], chat: Callable[..., str]
) -> None:
    for typed in ("aisyah.beauty MY", "@AISYAH.BEAUTY MY", "aisyah\u200b.beauty MY"):
        answer = reply(f"creator {typed}")
        shown = chat(f"creator {typed}")
        assert "Which one?" in shown, typed
        for name in LOOK_ALIKES.values():
            assert name in shown
        assert "aisyah\\u200b.beauty" in shown  # the invisible character made visible
        for handle, number in ids.items():
            if handle in LOOK_ALIKES:
                assert f"creator #{number}" in shown
        [buttons] = [b for b in answer.blocks if isinstance(b, Buttons)]
        assert sorted(b.value for b in buttons.buttons) == sorted(
            f"creator #{ids[h]}" for h in LOOK_ALIKES
        )


def test_the_number_shown_opens_that_creator(ids: dict[str, int], chat: Callable[..., str]) -> None:
    copy = ids["aisyah\u200b.beauty"]
    profile = chat(f"creator #{copy}")
    assert "Aisyah Copy" in profile and "Which one?" not in profile
    assert "Aisyah Official" not in profile


def test_a_number_that_names_no_creator_is_refused(
    ids: dict[str, int], chat: Callable[..., str]
) -> None:
    missing = max(ids.values()) + 100
    assert chat(f"creator #{missing}") == f"There is no creator #{missing}."


def test_a_single_creator_is_found_up_to_case_and_invisible_characters(
    ids: dict[str, int], chat: Callable[..., str]
) -> None:
    for typed in ("BELLA", "be\u200blla", "ｂｅｌｌａ", unicodedata.normalize("NFD", "bella")):
        assert "Bella (@bella) · MY" in chat(f"creator {typed}"), typed


def test_the_feedback_form_asks_which_look_alike_and_takes_its_number(
    ids: dict[str, int], sessions: sessionmaker[Session]
) -> None:
    router = Router(commands(), Services(sessions=sessions), forms())
    values = {"creator": "AISYAH.BEAUTY", "rating": "4", "topic": "payout", "comment": "ok"}

    def send(creator: str) -> FormResult:
        request = CommandRequest(text="", user="U1", locale="en")
        return router.submit(request, "feedback", {**values, "creator": creator})

    refused = send("AISYAH.BEAUTY")
    assert not refused.ok
    visible = {h: h.replace("\u200b", "\\u200b") for h in LOOK_ALIKES}  # as it is shown
    for handle, seen in visible.items():
        assert f"#{ids[handle]} (@{seen} · MY)" in refused.errors["creator"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(FeedbackResponse)) == 0
    copy = ids["aisyah\u200b.beauty"]
    assert send(f"#{copy}").ok
    with sessions() as session:
        assert session.scalars(select(FeedbackResponse.creator_id)).all() == [copy]
