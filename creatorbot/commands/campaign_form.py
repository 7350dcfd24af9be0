"""The campaign set-up form, defined once: `campaign new` opens it empty, `campaign edit SLUG`
filled with the campaign as it stands (a Slack modal, a Lark card form, questions at the
console)."""

from __future__ import annotations

from creatorbot.commands.forms import Form, FormField
from creatorbot.commands.i18n import N_

KINDS = (
    ("incentive", N_("Incentive program")),
    ("competition", N_("Competition")),
    ("mega_sale", N_("Mega sale")),
    ("ip_event", N_("IP event")),
)
METRICS = (
    ("gmv", N_("GMV")),
    ("orders", N_("Orders")),
    ("items_sold", N_("Items sold")),
    ("live_gmv", N_("LIVE GMV")),
    ("video_gmv", N_("Video GMV")),
    ("live_minutes", N_("LIVE minutes")),
    ("video_views", N_("Video views")),
    ("new_followers", N_("New followers")),
)

FIELDS = (
    FormField("kind", N_("Kind"), kind="choice", choices=KINDS),
    FormField("name", N_("Name"), placeholder=N_("e.g. Payday Live Sprint"), max_length=128),
    FormField(
        "slug",
        N_("Short name (slug)"),
        required=False,
        placeholder=N_("Left empty: made from the name, e.g. my-payday-live-sprint-2026"),
        max_length=64,
    ),
    FormField("market", N_("Market"), required=False, placeholder=N_("e.g. MY"), max_length=8),
    FormField("starts_on", N_("First day"), placeholder=N_("YYYY-MM-DD"), max_length=10),
    FormField("ends_on", N_("Last day"), placeholder=N_("YYYY-MM-DD"), max_length=10),
    FormField("metric", N_("Ranking metric"), kind="choice", choices=METRICS),
    FormField("gmv_target", N_("GMV target"), required=False, placeholder=N_("e.g. 250000")),
    FormField(
        "creator_target",
        N_("Creators to enrol (target)"),
        required=False,
        placeholder=N_("e.g. 200"),
    ),
    FormField(
        "reward_tiers",
        N_("Reward tiers, incentive programs (threshold:reward)"),
        required=False,
        placeholder=N_("e.g. 5000:100; 20000:500"),
        max_length=500,
    ),
    FormField(
        "reward_bands",
        N_("Prizes by rank, competitions (ranks:reward)"),
        required=False,
        placeholder=N_("e.g. 1-3:500; 4-10:200"),
        max_length=500,
    ),
    FormField(
        "budget_cap", N_("Budget cap for rewards"), required=False, placeholder=N_("e.g. 10000")
    ),
    FormField(
        "remind_days",
        N_("Remind followers on each of the last N days"),
        required=False,
        placeholder=N_("e.g. 3"),
        max_length=3,
    ),
)

CAMPAIGN_NEW = Form(
    name="campaign-new", title=N_("New campaign"), submit=N_("Create"), fields=FIELDS
)
CAMPAIGN_EDIT = Form(
    name="campaign-edit", title=N_("Edit campaign"), submit=N_("Save"), fields=FIELDS
)
