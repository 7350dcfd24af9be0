"""The `campaign` actions that change things — `new`, `edit`, `enroll`, `unenroll`, `follow`,
`unfollow` — read and answered by their own modules (leads and admins, commands/policy.py)."""

from __future__ import annotations

from creatorbot.commands import campaign_enroll, campaign_follow, campaign_setup
from creatorbot.commands.core import Call, UserError
from creatorbot.commands.policy import CAMPAIGN_SETUP
from creatorbot.commands.reply import Reply

ACTIONS = CAMPAIGN_SETUP


def parse(tokens: list[str], call: Call) -> object:
    """The action's own query from the words after it."""
    action, rest = tokens[0].lower(), tokens[1:]
    if action == "new":
        if rest:
            raise UserError(call.lang._("`campaign new` takes nothing more: it opens the form."))
        return campaign_setup.SetupQuery("new")
    if action == "edit":
        if len(rest) != 1:
            raise UserError(call.lang._("Which campaign? Write `campaign edit SLUG`."))
        return campaign_setup.SetupQuery("edit", rest[0])
    if action in ("enroll", "unenroll"):
        return campaign_enroll.parse(action, rest, call)
    return campaign_follow.parse(action, rest, call)


def answer(query: object, call: Call) -> Reply:
    """The answer of the module the query belongs to."""
    if isinstance(query, campaign_setup.SetupQuery):
        return campaign_setup.answer(query, call)
    if isinstance(query, campaign_enroll.EnrollQuery):
        return campaign_enroll.answer(query, call)
    assert isinstance(query, campaign_follow.FollowQuery)
    return campaign_follow.answer(query, call)
