"""A file dropped in chat: checked and previewed (nothing written), then what its Import and
Cancel buttons do (import it once, with progress shown as it goes; or write nothing). Audited as
`import`, like the CLI."""

from __future__ import annotations

import inspect
import logging
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from creatorbot.commands import import_replies as replies
from creatorbot.commands.core import Call, CommandRequest, UserError
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Reply, Text
from creatorbot.commands.router import Router
from creatorbot.storage import staged
from creatorbot.storage.importers import ImportFailed
from creatorbot.storage.importers.run import Prepared, prepare, write

logger = logging.getLogger(__name__)

COMMAND = "import"  # the audit log's name for it, as for `creatorbot import`
EXTENSIONS = (".csv", ".xlsx")
PROGRESS_EVERY = 2.0  # seconds between two progress edits of the message, at least
_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class Dropped:
    """A file someone dropped in their chat with the bot, not downloaded yet: `size` as the
    platform reports it (None when it does not), `fetch(limit)` downloads it, raising
    `staged.TooLarge` rather than reading more than `limit` bytes."""

    name: str
    size: int | None
    fetch: Callable[[int], bytes]


@dataclass(frozen=True)
class Outcome:
    """What a button click answers: `replaces` when the reply takes the preview's place, else
    it is for the clicker's eyes only (the message already says what happened)."""

    reply: Reply
    replaces: bool = True


def receive(router: Router, request: CommandRequest, dropped: Dropped) -> Reply:
    """The preview of a dropped file, its rows checked and nothing written; the file is kept
    for its Import button. Only a lead or an admin gets this far: anyone else is told so, and
    the file is neither downloaded nor kept."""
    return router.run(
        request,
        lambda call: _preview(dropped, call),
        COMMAND,
        f"preview {dropped.name}",
        long=True,  # a file of a million rows is read and checked whole
    )


def run_import(
    router: Router,
    request: CommandRequest,
    token: str,
    show: Callable[[Reply], None],
    *,
    clock: Callable[[], float] = time.monotonic,
) -> Outcome:
    """The Import button: claim the staged file (once, whoever clicks twice), write it in one
    transaction, showing progress through `show` at most every PROGRESS_EVERY seconds; the
    result, or why nothing was written."""
    token, market = replies.unpinned(token)
    known = _peek(router, token)
    attempt = _Attempt(token, market)
    arguments = f"{known.kind} {known.filename}" if known else token
    reply = router.run(
        request, lambda call: attempt.run(call, show, clock), COMMAND, arguments[:500], long=True
    )
    if attempt.claimed and not attempt.done:  # refused or failed: the file is spent either way
        try:
            with router.services.sessions.begin() as session:
                staged.finish(token, staged.FAILED, session=session)
        except Exception:
            logger.exception("staged file not marked failed", extra={"token": token[:8]})
    # A click that found the file expired replaces the preview (its buttons no longer work);
    # one that found it taken leaves the message to the click that took it.
    return Outcome(reply, replaces=attempt.claimed or attempt.expired)


def cancel_import(router: Router, request: CommandRequest, token: str) -> Outcome:
    """The Cancel button: nothing is written, the file is forgotten, and the message says so."""
    token = replies.unpinned(token)[0]
    known = _peek(router, token)
    if known is None:
        return Outcome(replies.expired(Lang(request.locale)))
    lost: list[bool] = []

    def answer(call: Call) -> Reply:
        found = staged.claim(
            token,
            platform=call.request.platform,
            user=call.request.user,
            now=call.services.clock(),
            session=call.session,
            to=staged.CANCELLED,
        )
        if found is None:
            lost.append(True)
            raise UserError(replies.why_not(known, call))
        text = call.lang._("Cancelled: nothing was imported from “{name}”.")
        return Reply((Text(text.format(name=found.filename)),))

    reply = router.run(request, answer, COMMAND, f"cancel {known.filename}"[:500])
    return Outcome(reply, replaces=reply.ok)


def click(
    router: Router,
    request: CommandRequest,
    button: str,
    token: str,
    show: Callable[[Reply], None],
) -> Outcome:
    """The preview's Import or Cancel button (`button`, as the preview names them)."""
    if button == replies.IMPORT:
        return run_import(router, request, token, show)
    return cancel_import(router, request, token)


# --- the preview -----------------------------------------------------------------------------


def _preview(dropped: Dropped, call: Call) -> Reply:
    lang = call.lang
    name = dropped.name
    if not name.lower().endswith(EXTENSIONS):
        raise UserError(
            lang._("I can import CSV or XLSX files; “{name}” is neither.").format(name=name),
            lang._("Export the data as CSV or Excel (.xlsx) and drop that file here."),
        )
    if dropped.size is not None and dropped.size > staged.MAX_BYTES:
        raise replies.too_large(name, lang)
    try:
        content = dropped.fetch(staged.MAX_BYTES)
    except staged.TooLarge:
        raise replies.too_large(name, lang) from None
    except OSError as exc:  # the platform refused the download, or the connection failed
        logger.warning("dropped file not downloaded: %s", exc, extra={"file": name[:80]})
        raise UserError(
            lang._("I couldn't download “{name}”. Please send it again in a minute.").format(
                name=name
            )
        ) from None
    try:
        prepared = _prepare(name, content, call)
    except ImportFailed as failed:
        return replies.refused(name, failed, lang)
    token = staged.stage(
        platform=call.request.platform,
        workspace=call.request.workspace,
        user=call.request.user,
        filename=name,
        kind=prepared.preview.kind,
        content=content,
        now=call.services.clock(),
        session=call.session,
    )
    return replies.preview_reply(name, prepared.preview, token, lang)


# --- the import ------------------------------------------------------------------------------


@dataclass
class _Attempt:
    """One click of Import, as it goes: whether it claimed the file, and wrote it."""

    token: str
    market: str | None = None  # as previewed ("" when the file named it); None: not pinned
    claimed: bool = False
    expired: bool = False
    done: bool = False

    def run(self, call: Call, show: Callable[[Reply], None], clock: Callable[[], float]) -> Reply:
        lang = call.lang
        # The claim commits at once, on its own, so that a second click sees it taken.
        with call.services.sessions.begin() as session:
            found = staged.claim(
                self.token,
                platform=call.request.platform,
                user=call.request.user,
                now=call.services.clock(),
                session=session,
            )
            known = None if found else staged.peek(self.token, session=session)
        if found is None:
            self.expired = known is None or (
                known.state == staged.STAGED and known.user_id == call.request.user
            )
            raise UserError(
                replies.why_not(known, call) if known else replies.expired(lang).summary
            )
        self.claimed = True
        progress = _Progress(found.filename, show, lang, clock)
        progress.show(0.0)
        try:
            # Recognised again, as for the preview: the same bytes, the same kind and format.
            prepared = _prepare(found.filename, found.content, call)
        except ImportFailed as failed:
            return replies.refused(found.filename, failed, lang)
        now = prepared.preview.market or ""
        if self.market is not None and now != self.market:  # the uploader's access changed
            return replies.moved(found.filename, self.market, now, lang)
        result = write(
            prepared, session=call.session, progress=progress.advance, on_total=progress.start
        )
        staged.finish(self.token, staged.IMPORTED, session=call.session)
        self.done = True
        text = lang._(
            "Imported {rows} {kind} rows from “{name}”: {new} new, {updated} updated."
        ).format(
            rows=lang.number(result.rows),
            kind=result.kind,
            name=found.filename,
            new=lang.number(result.inserted),
            updated=lang.number(result.updated),
        )
        return Reply((Text(text),), rows=result.rows)


@dataclass
class _Progress:
    """Edits the message with "Importing… 40%" as rows are written, at most every
    PROGRESS_EVERY seconds; a failed edit is logged, never the import's failure."""

    name: str
    send: Callable[[Reply], None]
    lang: Lang
    clock: Callable[[], float]
    total: int = 0
    written: int = 0
    last: float = field(default=float("-inf"))

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, rows: int) -> None:
        self.written += rows
        if self.total and self.clock() - self.last >= PROGRESS_EVERY:
            self.show(min(self.written / self.total, 1.0))

    def show(self, done: float) -> None:
        self.last = self.clock()
        text = self.lang._("Importing “{name}”… {percent}").format(
            name=self.name, percent=self.lang.percent(done, 0)
        )
        try:
            self.send(Reply((Text(text),)))
        except Exception:
            logger.warning("progress not shown", exc_info=True, extra={"file": self.name})


# --- shared ----------------------------------------------------------------------------------


def _prepare(name: str, content: bytes, call: Call) -> Prepared:
    """`prepare` the file's bytes as `name` would be read (its extension tells the format; the
    kind is recognised from its headers), for the market the uploader works in; then refuse rows
    of a market they may not see."""
    options: dict[str, object] = {}
    market = _market(call)
    if market is not None and "market" in inspect.signature(prepare).parameters:
        options["market"] = market
    reader: Callable[..., Prepared] = prepare
    with tempfile.TemporaryDirectory(prefix="creatorbot-drop-") as folder:
        path = Path(folder) / _safe_name(name)
        path.write_bytes(content)
        prepared = reader(path, session=call.session, **options)
    if "market" in prepared.typed.columns:
        for code in sorted({str(code) for code in prepared.typed["market"].dropna().unique()}):
            call.require_market(code)
    return prepared


def _market(call: Call) -> str | None:
    """The uploader's one market, else the default market, else None (the file must say)."""
    markets = call.principal.markets
    if markets is not None and len(markets) == 1:
        return next(iter(markets))
    return call.services.default_market


def _safe_name(name: str) -> str:
    """The file's own name, without folders or characters a file system may refuse."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .") or "upload"
    suffix = Path(name).suffix.lower()
    return base[:120] if base.lower().endswith(suffix) else base[:120] + suffix


def _peek(router: Router, token: str) -> staged.Staged | None:
    with router.services.sessions.begin() as session:
        return staged.peek(token[:64], session=session)
