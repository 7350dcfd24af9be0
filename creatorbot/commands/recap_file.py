"""The payout file of a campaign's recap, for finance: one row per creator who earned a reward,
what they earned and what is paid after the budget cap (CSV or XLSX, never a formula)."""

from __future__ import annotations

from creatorbot.commands.i18n import Lang
from creatorbot.commands.recap_figures import Final
from creatorbot.commands.reply import File, Header, Reply, Text
from creatorbot.commands.spreadsheet import CSV_MIME, XLSX_MIME, Cell, csv_bytes, xlsx_bytes
from creatorbot.storage.models import Market
from creatorbot.storage.money import from_minor
from creatorbot.storage.queries.metrics import MONEY

COLUMNS = (
    "campaign",
    "market",
    "currency",
    "rank",
    "handle",
    "display_name",
    "metric",
    "value",
    "tier",
    "earned",
    "paid",
)


def payout_rows(final: Final, market: Market) -> list[tuple[Cell, ...]]:
    """Every creator who earned a reward, by rank then handle: amounts exact in the currency's
    major unit (the campaign's metric when it is money, earned before the cap, paid after it),
    rank 0 for the unranked."""
    creators = final.payouts.creators
    earning = creators[creators["earned"] > 0]
    names = dict(
        zip(
            final.standings["creator_id"].tolist(),
            final.standings["display_name"].tolist(),
            strict=True,
        )
    )
    slug, metric = final.campaign.slug, final.campaign.metric
    code, currency = market.code, market.currency
    money = metric in MONEY  # then in the same major unit as what is earned and paid
    return [
        (
            slug,
            code,
            currency,
            int(rank),
            handle,
            names.get(creator_id, handle),
            metric,
            from_minor(int(value), market.minor_units) if money else int(value),
            int(tier),
            from_minor(int(earned), market.minor_units),
            from_minor(int(paid), market.minor_units),
        )
        for rank, creator_id, handle, value, tier, earned, paid in zip(
            earning["rank"].tolist(),
            earning["creator_id"].tolist(),
            earning["handle"].tolist(),
            earning["value"].tolist(),
            earning["tier"].tolist(),
            earning["earned"].tolist(),
            earning["paid"].tolist(),
            strict=True,
        )
    ]


def payout_file(final: Final, market: Market, lang: Lang, *, xlsx: bool) -> Reply:
    """The payout file attached, with a line saying what it holds."""
    campaign = final.campaign
    title = lang._("Payouts · {campaign}").format(campaign=campaign.name)
    rows = payout_rows(final, market)
    if not rows:
        return Reply((Header(title), Text(lang._("Nobody earned a reward in this campaign."))))
    name = f"payouts-{campaign.slug}"
    if xlsx:
        file = File(f"{name}.xlsx", xlsx_bytes("payouts", COLUMNS, rows), XLSX_MIME, title)
    else:
        file = File(f"{name}.csv", csv_bytes(COLUMNS, rows), CSV_MIME, title)
    paid = final.payouts
    line = lang.n_(
        "{count} creator, {money} in all, after the budget cap and the rule for ties.",
        "{count} creators, {money} in all, after the budget cap and the rule for ties.",
        len(rows),
    ).format(
        count=lang.number(len(rows)),
        money=lang.money(paid.paid, market.currency, market.minor_units),
    )
    return Reply((Header(title), Text(line), file), rows=len(rows))
