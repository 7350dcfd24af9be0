"""Jobs' posts on Lark: a Reply to a chat, sent with a `uuid` derived from the run's ledger key,
so that Lark itself turns a second send of the same post (a retry, a recovery) into the first."""

from __future__ import annotations

import uuid

from creatorbot.bot.lark.api import LarkApi, LarkError
from creatorbot.bot.lark.deliver import card_for, send_files
from creatorbot.bot.long_lists import with_csv
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Reply
from creatorbot.jobs.posting import PostFailed, Target

NAMESPACE = uuid.UUID("5b0f3c1e-2a7d-4e38-9d0a-63726561746f")  # creatorbot's ledger keys


def post_uuid(key: str) -> str:
    """The message-create `uuid` of a post (Lark allows 50 characters; ledger keys are longer)."""
    return str(uuid.uuid5(NAMESPACE, key))


class LarkPoster:
    """The `Poster` of the Lark platform."""

    def __init__(self, api: LarkApi) -> None:
        self.api = api

    def post(self, target: Target, reply: Reply, *, key: str) -> str:
        """Upload the charts, send the card, send the files; `chat:message_id`. A chart that does
        not upload fails the post (the runner retries it) rather than being dropped."""
        idempotency = post_uuid(key)
        reply = with_csv(reply, Lang(target.locale))  # the chat subscribed: it gets the CSV
        try:
            card = card_for(self.api, reply, Lang(target.locale), charts_required=True)
            message_id = self.api.send_card(target.channel, card, uuid=idempotency)
            send_files(self.api, reply, target.channel, uuid=idempotency)
        except LarkError as exc:
            raise PostFailed(str(exc)) from exc
        return f"{target.channel}:{message_id}"

    def find(self, target: Target, key: str) -> str | None:
        """Nothing to look up: a post sent again with the same `uuid` within the hour is the
        first one, so recovery posts again and Lark answers with what it already has."""
        return None

    def update(self, target: Target, ref: str, reply: Reply) -> None:
        """Patch the card `chat:message_id` (sent for all to share: everyone sees the update)."""
        _chat, _, message_id = ref.rpartition(":")
        try:
            self.api.update_card(message_id, card_for(self.api, reply, Lang(target.locale)))
        except LarkError as exc:
            raise PostFailed(str(exc)) from exc

    def reply_in_thread(self, target: Target, ref: str, reply: Reply, *, key: str) -> str:
        """Answer the card `chat:message_id` with a card, once (the `uuid` of `key`)."""
        chat, _, message_id = ref.rpartition(":")
        try:
            card = card_for(self.api, reply, Lang(target.locale))
            answer = self.api.reply_card(message_id, card, chat=chat, uuid=post_uuid(key))
        except LarkError as exc:
            raise PostFailed(str(exc)) from exc
        return f"{chat}:{answer}"

    def user_by_email(self, workspace: str, email: str) -> str | None:
        """The open_id of the user with this email (contact v3 batch_get_id); None when the
        user is unknown or outside the app's contacts range."""
        try:
            return self.api.open_id_by_email(email)
        except LarkError as exc:
            raise PostFailed(str(exc)) from exc


def lark_poster(app_id: str, app_secret: str, domain: str) -> LarkPoster:
    """A poster of its own, for processes that post without serving Lark (`jobs tick`)."""
    return LarkPoster(LarkApi(app_id, app_secret, domain))
