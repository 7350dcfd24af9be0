"""Where no scheduler runs (the shell, `ask`): the configured platforms' posters, and `digest
run` posting at once. The jobs floor is loaded by the first such post, not by every question."""

from __future__ import annotations

from typing import TYPE_CHECKING

from creatorbot.extras import need

if TYPE_CHECKING:
    from creatorbot.bot.app import App
    from creatorbot.jobs.posting import Poster
    from creatorbot.jobs.runner import Runner


def platform_posters(app: App) -> dict[str, Poster]:
    """The posters of the platforms the settings configure (the console's is always there)."""
    settings = app.settings
    posters: dict[str, Poster] = {}
    if settings.slack_bot_token:
        need("slack", "slack_sdk")
        from creatorbot.bot.slack.poster import slack_poster

        token = settings.slack_bot_token.get_secret_value()
        posters["slack"] = slack_poster(
            token, settings.slack_api_url, table_blocks=settings.slack_table_blocks
        )
    if settings.has_lark and settings.lark_app_secret:
        need("lark", "lark_oapi")
        from creatorbot.bot.lark.poster import lark_poster

        secret = settings.lark_app_secret.get_secret_value()
        posters["lark"] = lark_poster(settings.lark_app_id or "", secret, settings.lark_domain)
    return posters


def post_on_demand(app: App, posters: dict[str, Poster]) -> None:
    """`digest run` posts at once; owners are looked up through `posters` meanwhile."""
    for platform, poster in posters.items():
        app.people.posters.setdefault(platform, poster)
    made: list[Runner] = []

    def post_now() -> None:
        from creatorbot.bot.scheduling import make_runner, run_once

        if not made:
            made.append(make_runner(app, posters))
        run_once(app, made[0], app.services.clock())

    app.wake_jobs.target = post_now
