"""A file dropped in chat: its preview with Import and Cancel buttons, and what each button does
(import it, with progress shown as it goes, or write nothing). Audited as `import`, like the CLI."""

from __future__ import annotations

import inspect
import logging
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from creatorbot.commands.core import Call, CommandRequest, UserError
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Button, Buttons, Context, Fields, Header, Reply, Text
from creatorbot.commands.router import Router
from creatorbot.storage import staged
from creatorbot.storage.importers import ImportFailed
from creatorbot.storage.importers.run import Prepared, Preview, prepare, write

logger = logging.getLogger(__name__)

COMMAND = "import"  # the audit log's name for it, as for `creatorbot import`
IMPORT = "import"  # the buttons' actions; their value is the staged file's token
CANCEL = "import_cancel"
EXTENSIONS = (".csv", ".xlsx")
PROGRESS_EVERY = 2.0  # seconds between two progress edits of the message, at least
SHOWN_PROBLEMS = 20  # lines of an ImportFailed shown in chat
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
        request, lambda call: _preview(dropped, call), COMMAND, f"preview {dropped.name}"
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
    known = _peek(router, token)
    attempt = _Attempt(token)
    arguments = f"{known.kind} {known.filename}" if known else token
    reply = router.run(
        request, lambda call: attempt.run(call, show, clock), COMMAND, arguments[:500]
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
    known = _peek(router, token)
    if known is None:
        return Outcome(_expired(Lang(request.locale)))
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
            raise UserError(_why_not(known, call))
        text = call.lang._("Cancelled: nothing was imported from “{name}”.")
        return Reply((Text(text.format(name=found.filename)),))

    reply = router.run(request, answer, COMMAND, f"cancel {known.filename}"[:500])
    return Outcome(reply, replaces=reply.ok)


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
        raise _too_large(name, lang)
    try:
        content = dropped.fetch(staged.MAX_BYTES)
    except staged.TooLarge:
        raise _too_large(name, lang) from None
    except OSError as exc:  # the platform refused the download, or the connection failed
        logger.warning("dropped file not downloaded: %s", exc, extra={"file": name[:80]})
        raise UserError(
            lang._("I couldn't download “{name}”. Please send it again in a minute.").format(
                name=name
            )
        ) from None
    try:
        prepared = _prepare(name, content, None, call)
    except ImportFailed as failed:
        return _refused(name, failed, lang)
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
    return _preview_reply(name, prepared.preview, token, lang)


def _preview_reply(name: str, preview: Preview, token: str, lang: Lang) -> Reply:
    kind = preview.kind
    if preview.format != "canonical":
        kind = f"{kind} ({preview.format}{', ' + preview.language if preview.language else ''})"
    items = [
        (lang._("Recognised as"), kind),
        (
            lang._("Columns"),
            lang._("matched {matched} of {total} columns").format(
                matched=lang.number(len(preview.matched)), total=lang.number(preview.columns)
            ),
        ),
        (lang._("Rows"), lang.number(preview.rows)),
        (lang._("Days"), _days(preview, lang)),
        (
            lang._("New / updated"),
            lang._("{new} new, {updated} updated").format(
                new=lang.number(preview.new), updated=lang.number(preview.updated)
            ),
        ),
        (lang._("Unknown creators"), _unknown(preview, lang)),
    ]
    blocks: list[Header | Fields | Text | Buttons | Context] = [
        Header(lang._("Import preview: {name}").format(name=name)),
        Fields(tuple(items)),
    ]
    if preview.unmatched:
        ignored = lang._("Not read: {columns}.").format(columns=", ".join(preview.unmatched))
        blocks.append(Text(ignored))
    blocks.append(
        Buttons(
            (
                Button(lang._("Import"), IMPORT, token, style="primary"),
                Button(lang._("Cancel"), CANCEL, token, style="danger"),
            )
        )
    )
    hint = lang._("Nothing is written until you press Import. The buttons work for 24 hours.")
    blocks.append(Context(hint))
    return Reply(tuple(blocks), rows=preview.rows)


def _days(preview: Preview, lang: Lang) -> str:
    if not preview.days:
        return "—"
    if len(preview.days) == 1:
        return lang.date(preview.days[0])
    count = lang.n_("{count} day", "{count} days", len(preview.days))
    window = lang.window(preview.days[0], preview.days[-1])
    return f"{window} ({count.format(count=lang.number(len(preview.days)))})"


def _unknown(preview: Preview, lang: Lang) -> str:
    if not preview.unknown_creators:
        return lang._("none")
    count = lang.number(preview.unknown_creators)
    if preview.creates_creators:
        return lang._("{count}, to be created").format(count=count)
    return lang._("{count}, refused").format(count=count)


def _refused(name: str, failed: ImportFailed, lang: Lang) -> Reply:
    """Why a file cannot be imported: the import's own problem lines (English, as the CLI
    prints them) under a heading in the reader's language."""
    lines = str(failed).splitlines()
    shown = lines[:SHOWN_PROBLEMS]
    if len(lines) > len(shown):
        shown.append("…")
    return Reply(
        (
            Header(lang._("“{name}” can't be imported").format(name=name)),
            Text(lang._("I found these problems, and nothing was written:")),
            Text("\n".join(shown)),
            Context(lang._("Fix the file and drop it here again.")),
        ),
        ok=False,
    )


def _too_large(name: str, lang: Lang) -> UserError:
    megabytes = lang.number(staged.MAX_BYTES // (1024 * 1024))
    return UserError(
        lang._("“{name}” is too large: I can import files up to {size} MB.").format(
            name=name, size=megabytes
        ),
        lang._("Split it (by day, for example) and drop each part."),
    )


# --- the import ------------------------------------------------------------------------------


@dataclass
class _Attempt:
    """One click of Import, as it goes: whether it claimed the file, and wrote it."""

    token: str
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
            raise UserError(_why_not(known, call) if known else _expired(lang).summary)
        self.claimed = True
        progress = _Progress(found.filename, show, lang, clock)
        progress.show(0.0)
        try:
            prepared = _prepare(found.filename, found.content, found.kind, call)
        except ImportFailed as failed:
            return _refused(found.filename, failed, lang)
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


def _prepare(name: str, content: bytes, kind: str | None, call: Call) -> Prepared:
    """`prepare` the file's bytes as `name` would be read (its extension tells the format),
    for the market the uploader works in; then refuse rows of a market they may not see."""
    options: dict[str, object] = {}
    market = _market(call)
    if market is not None and "market" in inspect.signature(prepare).parameters:
        options["market"] = market
    reader: Callable[..., Prepared] = prepare
    with tempfile.TemporaryDirectory(prefix="creatorbot-drop-") as folder:
        path = Path(folder) / _safe_name(name)
        path.write_bytes(content)
        prepared = reader(path, session=call.session, kind=kind, **options)
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


def _why_not(known: staged.Staged, call: Call) -> str:
    """Why a click found nothing to do with the staged file `known`."""
    lang = call.lang
    name = known.filename
    if known.user_id != call.request.user or known.platform != call.request.platform:
        return lang._("Only the person who dropped “{name}” can import it.").format(name=name)
    if known.state == staged.IMPORTING:
        return lang._("“{name}” is already being imported.").format(name=name)
    if known.state == staged.IMPORTED:
        return lang._("“{name}” was already imported.").format(name=name)
    if known.state == staged.CANCELLED:
        return lang._("“{name}” was cancelled: nothing was imported.").format(name=name)
    if known.state == staged.FAILED:
        return lang._("“{name}” was not imported. Drop the file again to try once more.").format(
            name=name
        )
    return _expired(lang).summary


def _expired(lang: Lang) -> Reply:
    return Reply(
        (Text(lang._("This preview has expired (they last 24 hours): drop the file again.")),),
        ok=False,
    )
