"""Each command's manual page: its usage, every option with its meaning, and three examples
(catalog messages, so each language writes them with its own words)."""

from __future__ import annotations

from dataclasses import dataclass

from creatorbot.commands.i18n import N_

PERIOD = N_(
    "a number of days (7d, 30 days, last 30 days), today, yesterday, this week, last week, "
    "wtd, this month, last month, mtd, a day (2026-11-11, 15 nov) or days (1-15 nov, "
    "1/11–15/11, 2026-11-01..2026-11-15); at most 366 days. Default: 7d, ending on the latest "
    "day with data"
)
COMPARED = N_(
    "this week and last week are compared with the same days of the week before, this month "
    "and last month with the same days of the month before (last month: the whole month before "
    "it); any other period (7d, wtd, mtd, dates) with as many days just before it"
)
MARKET = N_("the market's code: {markets}")
AS_OF = N_("the last day of the window (YYYY-MM-DD), at most the latest day with data")
DAY = N_("the day, said another way: yesterday, today, a date (15 nov, 2026-11-15)")


@dataclass(frozen=True)
class Page:
    """A command's manual page: the usage line, (option, meaning) pairs and three examples."""

    usage: str
    options: tuple[tuple[str, str], ...]
    examples: tuple[str, str, str]


PAGES = {
    "leaderboard": Page(
        N_("leaderboard [metric] [period] [market] [options]"),
        (
            (
                N_("metric"),
                N_(
                    "gmv (default), orders, items_sold, live_gmv, video_gmv, live_minutes, "
                    "video_views, new_followers"
                ),
            ),
            (N_("period"), PERIOD),
            (N_("compared with"), COMPARED),
            (N_("market"), MARKET),
            (N_("tier:T"), N_("only creators of that tier")),
            (N_("campaign:SLUG"), N_("only the campaign's creators, over its window")),
            (N_("category:C"), N_("only creators of that category")),
            (
                N_("segment:S"),
                N_("only a segment: attention, potential, level-up, at-risk, dormant, new"),
            ),
            (N_("cm:NAME|me · am:NAME|me"), N_("only the creators a CM or AM owns (me: yours)")),
            (N_("top N"), N_("how many rows to show, 1 to 50 (default 10)")),
            (N_("as-of:YYYY-MM-DD"), AS_OF),
        ),
        (
            N_("leaderboard gmv 7d MY top 10"),
            N_("leaderboard orders last week IT"),
            N_("leaderboard live_gmv 1-15 nov MY tier:gold"),
        ),
    ),
    "campaign": Page(
        N_(
            "campaign SLUG | campaign list [market] | campaign list past [market] | "
            "campaign recap SLUG [export] [csv|xlsx] | campaign compare A B | campaign new | "
            "campaign edit SLUG | campaign enroll SLUG @handle…|filters | "
            "campaign unenroll SLUG @handle… | campaign follow SLUG [at HH:MM] | "
            "campaign unfollow SLUG"
        ),
        (
            ("SLUG", N_("the campaign's short name, e.g. my-1111-2026")),
            (N_("list"), N_("the running and upcoming campaigns")),
            (N_("list past"), N_("the campaigns that ended, with their results")),
            (
                N_("recap"),
                N_(
                    "what an ended campaign achieved: result, ranking, payouts, what it was "
                    "worth, feedback"
                ),
            ),
            (N_("export"), N_("the payout file for finance, CSV or XLSX (leads)")),
            (N_("compare A B"), N_("two ended campaigns side by side")),
            (N_("market"), MARKET),
            (N_("new"), N_("leads: set a campaign up in a form")),
            (N_("edit"), N_("leads: change it (once it runs: later end, targets, budget up)")),
            (
                N_("enroll"),
                N_(
                    "leads: add creators by handle or by filters (category:beauty tier:L2 "
                    "segment:potential top 100), after a preview"
                ),
            ),
            (N_("unenroll"), N_("leads: take creators out, by handle")),
            (N_("follow"), N_("leads: this channel hears when it starts, ends and its last days")),
        ),
        (
            N_("campaign my-1111-2026"),
            N_("campaign recap my-payday-2026-10"),
            N_("campaign compare my-payday-2026-10 my-payday-2026-11"),
        ),
    ),
    "creator": Page(
        N_("creator HANDLE [market]"),
        (
            ("HANDLE", N_("the creator's handle, or a display name in quotes")),
            (N_("market"), MARKET),
        ),
        (N_("creator aisyah.beauty"), N_('creator "Aisyah Rahman" MY'), N_("creator #12")),
    ),
    "portfolio": Page(
        N_("portfolio [@cm|me] [market]"),
        (
            (N_("me"), N_("your own creators (the default)")),
            ("@cm", N_("a CM's or AM's creators (leads only)")),
            (N_("market"), MARKET),
        ),
        (N_("portfolio"), N_("portfolio me MY"), N_('portfolio "Farah Aziz" MY')),
    ),
    "tiers": Page(
        N_("tiers [market] [cm:NAME|me] [am:NAME|me]"),
        (
            (N_("market"), MARKET),
            (N_("cm:NAME|me · am:NAME|me"), N_("only the creators a CM or AM owns (me: yours)")),
        ),
        (N_("tiers MY"), N_("tiers IT cm:me"), N_("tiers MY am:Daniel")),
    ),
    "slots": Page(
        N_("slots [market] [period] [as-of:YYYY-MM-DD]"),
        (
            (N_("market"), MARKET),
            (N_("period"), PERIOD),
            (N_("compared with"), COMPARED),
            (N_("as-of:YYYY-MM-DD"), AS_OF),
        ),
        (N_("slots MY 7d"), N_("slots IT last week"), N_("slots MY 30d as-of:2026-11-15")),
    ),
    "match": Page(
        N_("match CATEGORY [market] [top N] [export]"),
        (
            (N_("CATEGORY"), N_("the merchant's category, e.g. beauty")),
            (N_("market"), MARKET),
            (N_("top N"), N_("how many rows to show, 1 to 50 (default 10)")),
            (N_("export"), N_("the whole list as a spreadsheet")),
        ),
        (N_("match beauty MY"), N_("match fashion IT top 20"), N_("match beauty MY export")),
    ),
    "feedback": Page(
        N_("feedback | feedback report [campaign:SLUG] | feedback export [campaign:SLUG]"),
        (
            (N_("report"), N_("the ratings and topics logged so far")),
            (N_("export"), N_("every response as a spreadsheet (csv or xlsx)")),
            (N_("campaign:SLUG"), N_("only one campaign's feedback")),
        ),
        (
            N_("feedback"),
            N_("feedback report campaign:my-1111-2026"),
            N_("feedback export xlsx"),
        ),
    ),
    "snapshot": Page(
        N_("snapshot [market] [as-of:YYYY-MM-DD]"),
        ((N_("market"), MARKET), (N_("as-of:YYYY-MM-DD"), AS_OF), (N_("day"), DAY)),
        (N_("snapshot MY"), N_("snapshot IT yesterday"), N_("snapshot MY as-of:2026-11-15")),
    ),
    "alerts": Page(
        N_("alerts [market] [as-of:YYYY-MM-DD] | alerts ack ID | alerts snooze ID"),
        (
            (N_("market"), MARKET),
            (N_("as-of:YYYY-MM-DD"), N_("the day to look at (default: the latest day with data)")),
            (N_("day"), DAY),
            (N_("ack ID"), N_("mark an alert as seen")),
            (N_("snooze ID"), N_("quiet an alert for a while")),
        ),
        (N_("alerts MY yesterday"), N_("alerts IT as-of:2026-11-15"), N_("alerts ack 12")),
    ),
    "digest": Page(
        N_(
            "digest subscribe KIND [market] [at HH:MM] | digest list | "
            "digest run|pause|resume|unsubscribe ID"
        ),
        (
            (N_("subscribe"), N_("post snapshot, alerts, feedback or portfolio here every day")),
            (N_("at HH:MM"), N_("the market's local time to post at (default 09:00)")),
            (N_("list"), N_("this channel's subscriptions")),
            (N_("run ID"), N_("post a subscription now")),
            (N_("pause ID · resume ID"), N_("stop posting for a while, then start again")),
            (N_("unsubscribe ID"), N_("stop a subscription for good")),
        ),
        (
            N_("digest subscribe snapshot MY at 09:00"),
            N_("digest list"),
            N_("digest run 3"),
        ),
    ),
    "access": Page(
        N_("access grant @user ROLE [MARKET …] | access revoke @user | access list"),
        (
            (N_("grant"), N_("give a role (admin, lead, cm, am, viewer) in markets")),
            (N_("revoke"), N_("take a person's access away")),
            (N_("list"), N_("who has access, and to what")),
        ),
        (
            N_("access grant slack:U0123ABCD cm MY"),
            N_("access revoke slack:U0123ABCD"),
            N_("access list"),
        ),
    ),
    "audit": Page(
        N_("audit [@user] [days]"),
        (
            (N_("@user"), N_("only one person's commands")),
            (N_("days"), N_("how many days back (default 7)")),
        ),
        (N_("audit"), N_("audit 30"), N_("audit slack:U0123ABCD 7")),
    ),
    "help": Page(
        N_("help [command] | COMMAND help"),
        ((N_("command"), N_("a command's usage, options and examples")),),
        (N_("help"), N_("help leaderboard"), N_("leaderboard help")),
    ),
}
