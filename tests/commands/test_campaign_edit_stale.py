"""An edit form submitted after someone else changed the campaign is refused, not written over
their change: the form carries a stamp of the values it showed."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from creatorbot.commands.forms import FORM_ID
from creatorbot.commands.router import Router
from tests.commands.test_campaign_setup import edit_link, stored, submit, upcoming, world

__all__ = ["world"]  # the fixture, used by name


def test_a_form_opened_before_anothers_change_does_not_undo_it(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    slug = upcoming(world)
    mine = edit_link(world, slug)
    theirs = edit_link(world, slug)
    assert submit(world, "campaign-edit", {**theirs.prefill, "gmv_target": "40000"}).ok
    late = submit(world, "campaign-edit", {**mine.prefill, "budget_cap": "2000"})
    assert not late.ok
    assert "changed since" in " ".join(late.errors.values())
    campaign = stored(sessions, slug)
    assert campaign is not None
    assert campaign.gmv_target == 4_000_000  # their change stands
    assert campaign.budget_cap == 100_000  # mine was not written: I saw other values
    again = edit_link(world, slug)  # opened again, it shows their change and takes mine
    assert again.prefill["gmv_target"] == "40000"
    assert submit(world, "campaign-edit", {**again.prefill, "budget_cap": "2000"}).ok
    campaign = stored(sessions, slug)
    assert campaign is not None and campaign.budget_cap == 200_000


def test_a_form_from_before_the_stamp_is_still_taken(
    world: Router, sessions: sessionmaker[Session]
) -> None:
    slug = upcoming(world)
    link = edit_link(world, slug)
    number = link.prefill[FORM_ID].partition(".")[0]
    values = {**link.prefill, FORM_ID: number, "gmv_target": "30000"}
    assert submit(world, "campaign-edit", values).ok
    campaign = stored(sessions, slug)
    assert campaign is not None and campaign.gmv_target == 3_000_000
