"""The parts of a many-part answer or post, built one at a time: a part that fails becomes one
line saying so in the reader's language, and the rest is shown all the same."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import N_, Lang
from creatorbot.commands.reply import Block, Text
from creatorbot.storage.failures import database_unreachable, disk_full

logger = logging.getLogger(__name__)

# What each part is called in the line that replaces it.
LEADERBOARD = N_("Leaderboard")
MOVERS = N_("Climbers and fallers")
CHART = N_("Chart")
FIGURES = N_("Campaign figures")
RANKING = N_("Top creators")
TIERS = N_("Reward tiers")
SCAN = N_("Today's anomaly scan")
ALERT = N_("Alert #{id}")


def part(
    name: str, label: str, call: Call, lang: Lang, build: Callable[[], Sequence[Block]]
) -> list[Block]:
    """The blocks `build` makes; if it fails, one line naming the part (`label`, already in
    the reader's language) instead, the failure logged with its context and counted.

    The part runs inside a savepoint, so what it read or wrote before failing leaves the rest
    of the answer a working transaction. A database out of reach (or out of disk) is not one
    part's failure: it ends the whole answer, which tells the user so, or the post, which is
    retried. A `UserError` is an answer, not a failure, and goes up as well."""
    savepoint = call.session.begin_nested()
    try:
        blocks = list(build())
    except UserError:
        savepoint.rollback()
        raise
    except Exception as exc:
        if database_unreachable(exc) or disk_full(exc):
            raise
        savepoint.rollback()
        ref = uuid.uuid4().hex[:8]
        request = call.request
        logger.exception(
            "part failed",
            extra={
                "part": name,
                "ref": ref,
                "command": request.text,
                "user": request.user,
                "channel": request.channel,
                "platform": request.platform,
            },
        )
        call.services.failed(request.platform, "part")
        line = lang._("{part}: not available this time; the team has been told (reference {ref}).")
        return [Text(line.format(part=label, ref=ref))]
    savepoint.commit()
    return blocks
