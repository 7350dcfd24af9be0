"""One random Reply through all three renderers at once (Slack, Lark, text): each renderer's
own tests fuzz it alone; here the same Reply must satisfy every platform, mentions included."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from creatorbot.bot.render_text import render
from creatorbot.commands.reply import Block, File, Reply, Text, mention_of
from tests.bot.test_slack_blocks import PIECES, SHORT, replies
from tests.fuzz.support import check_renders, fuzz, mention_ids

USER_IDS = st.from_regex(r"[A-Za-z0-9_.:-]{1,64}", fullmatch=True)
# Text around a real mention: what data or users may put next to one to break it or forge one.
AROUND = st.lists(
    st.one_of(
        PIECES, st.sampled_from(["<@U123>", "<!here>", "<at id=all></at>", "\ue000", "\ue001"])
    ),
    max_size=8,
).map("".join)


@st.composite
def mentioning(draw: st.DrawFn) -> Block:
    """A paragraph with the bot's own mentions of a few chat users among junk."""
    parts = []
    for user in draw(st.lists(USER_IDS, min_size=1, max_size=4)):
        parts += [draw(AROUND), mention_of(user)]
    return Text("".join([*parts, draw(AROUND)]))


FILES = st.builds(
    File,
    name=st.one_of(SHORT, st.just("feedback-2026-11-24.csv")),
    content=st.binary(max_size=64),
    mime=st.sampled_from(["text/csv", "application/vnd.ms-excel"]),
    title=SHORT,
)


@st.composite
def full_replies(draw: st.DrawFn) -> tuple[Reply, dict[int, str]]:
    """A Reply from the block renderers' own strategy, with files and mentions slipped in
    (their strategy has neither); image upload ids follow their block to its new place."""
    reply, images = draw(replies())
    placed: list[tuple[Block, int | None]] = [(b, i) for i, b in enumerate(reply.blocks)]
    for extra in draw(st.lists(st.one_of(mentioning(), FILES), max_size=4)):
        placed.insert(draw(st.integers(0, len(placed))), (extra, None))
    moved = {new: images[old] for new, (_, old) in enumerate(placed) if old in images}
    return Reply(tuple(b for b, _ in placed), ok=draw(st.booleans())), moved


# Each Reply is large (up to 60 blocks, tables of 500 rows): few examples go a long way.
@fuzz(40)
@given(full_replies())
def test_any_reply_renders_on_every_platform(case: tuple[Reply, dict[int, str]]) -> None:
    reply, images = case
    check_renders(reply, images=images)
    # The console shows every person the Reply mentions, as @id.
    text = render(reply)
    assert all(f"@{user}" in text for user in mention_ids(reply))
