"""What a file dropped in chat is answered with: the preview (what the file holds, with its
Import and Cancel buttons), why a file is refused, and why a click finds nothing to do."""

from __future__ import annotations

from creatorbot.commands.core import Call, UserError
from creatorbot.commands.i18n import Lang
from creatorbot.commands.import_actions import CANCEL, IMPORT
from creatorbot.commands.import_problems import failure_lines, problem_text
from creatorbot.commands.reply import Button, Buttons, Context, Fields, Header, Reply, Text
from creatorbot.storage import staged
from creatorbot.storage.importers import ImportFailed
from creatorbot.storage.importers.native.formats import FORMATS
from creatorbot.storage.importers.run import CANONICAL, Preview

SHOWN_PROBLEMS = 20  # lines of an ImportFailed shown in chat


def preview_reply(name: str, preview: Preview, token: str, lang: Lang) -> Reply:
    """What the file holds and would change, with the buttons that import it or drop it."""
    items = [
        (lang._("Recognised as"), _recognised(preview, lang)),
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
    if preview.left_out_orders:
        left_out = lang.n_(
            "{count} cancelled or unpaid order",
            "{count} cancelled or unpaid orders",
            preview.left_out_orders,
        )
        items.append(
            (lang._("Left out"), left_out.format(count=lang.number(preview.left_out_orders)))
        )
    if preview.market:
        how = problem_text(preview.market_source or "", lang)
        market = lang.market_name(preview.market)
        items.insert(1, (lang._("Market"), f"{market} ({how})" if how else market))
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
                Button(lang._("Import"), IMPORT, pinned(token, preview), style="primary"),
                Button(lang._("Cancel"), CANCEL, pinned(token, preview), style="danger"),
            )
        )
    )
    hint = lang._("Nothing is written until you press Import. The buttons work for 24 hours.")
    blocks.append(Context(hint))
    return Reply(tuple(blocks), rows=preview.rows)


def pinned(token: str, preview: Preview) -> str:
    """What the buttons carry: the token, and the market the preview read the file for, so
    that the click writes nothing elsewhere."""
    return f"{token}.{preview.market or ''}"


def unpinned(value: str) -> tuple[str, str | None]:
    """The token and the market a button's value pins (None from a button without a pin)."""
    token, dot, market = value.partition(".")
    return token, market if dot else None


def moved(name: str, market: str | None, now: str | None, lang: Lang) -> Reply:
    """The answer to a click that would write the file into another market than previewed."""
    text = lang._(
        "Nothing was imported: the preview of “{name}” was for {market}, and it would now be "
        "read for {other}. Drop the file again."
    ).format(
        name=name,
        market=lang.market_name(market) if market else "—",
        other=lang.market_name(now) if now else "—",
    )
    return Reply((Text(text),), ok=False)


def _recognised(preview: Preview, lang: Lang) -> str:
    """The kind, or the native export read as it and the language of its headers."""
    if preview.format == CANONICAL:
        return preview.kind
    export = FORMATS[preview.format].label if preview.format in FORMATS else preview.format
    if not preview.language:
        return lang._("{export}, read as {kind}").format(
            export=problem_text(export, lang), kind=preview.kind
        )
    return lang._("{export} ({language} headers), read as {kind}").format(
        export=problem_text(export, lang),
        language=lang.language_name(preview.language),
        kind=preview.kind,
    )


def _days(preview: Preview, lang: Lang) -> str:
    if not preview.days:
        return "—"
    if len(preview.days) == 1:
        shown = lang.date(preview.days[0])
    else:
        count = lang.n_("{count} day", "{count} days", len(preview.days))
        window = lang.window(preview.days[0], preview.days[-1])
        shown = f"{window} ({count.format(count=lang.number(len(preview.days)))})"
    if preview.day_source:
        where = problem_text(preview.day_source, lang)
        shown += " · " + lang._("day from the {where}").format(where=where)
    return shown


def _unknown(preview: Preview, lang: Lang) -> str:
    if not preview.unknown_creators:
        return lang._("none")
    count = lang.number(preview.unknown_creators)
    if preview.creates_creators:
        return lang._("{count}, to be created").format(count=count)
    return lang._("{count}, refused").format(count=count)


def refused(name: str, failed: ImportFailed, lang: Lang) -> Reply:
    """Why a file cannot be imported: the import's problem lines, in the reader's language,
    under a heading in it."""
    lines = [part for text in failure_lines(failed, lang) for part in text.splitlines()]
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


def too_large(name: str, lang: Lang) -> UserError:
    """The answer to a file over the size dropped files may have."""
    megabytes = lang.number(staged.MAX_BYTES // (1024 * 1024))
    return UserError(
        lang._("“{name}” is too large: I can import files up to {size} MB.").format(
            name=name, size=megabytes
        ),
        lang._("Split it (by day, for example) and drop each part."),
    )


def why_not(known: staged.Staged, call: Call) -> str:
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
    return expired(lang).summary


def expired(lang: Lang) -> Reply:
    """The answer to a click on a preview whose file is no longer kept."""
    return Reply(
        (Text(lang._("This preview has expired (they last 24 hours): drop the file again.")),),
        ok=False,
    )
