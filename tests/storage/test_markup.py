"""Chat markup taken out of names from files: a name shown by the bot never notifies a channel,
mentions a person or carries a link, and ordinary text is left as it was. The expected names are
written by hand."""

from __future__ import annotations

import pytest

from creatorbot.storage.markup import inert, plain

PLAIN = [
    # ordinary text, including look-alikes of markup, is left alone
    ("Bob Tan", "Bob Tan"),
    ("eve@here.com", "eve@here.com"),
    ("@allison", "@allison"),
    ("@channelled", "@channelled"),
    ("me@all", "me@all"),
    ("Tom <3 Mei", "Tom <3 Mei"),
    ("a < b > c", "a < b > c"),
    ("<b>bold</b>", "<b>bold</b>"),
    ("<atlas> map", "<atlas> map"),
    # Slack mentions, broadcasts, channels and links
    ("<@U0123|boss> Bob", "Bob"),
    ("<!here> Bob", "Bob"),
    ("<!channel>Bob", "Bob"),
    ("<!subteam^S01|@cm-my> Ana", "Ana"),
    ("<#C01|ops>Raj", "Raj"),
    ("Dina <http://evil.example|click> Tan", "Dina Tan"),
    ("<https://x.example> Ana", "Ana"),
    ("<HTTPS://X.EXAMPLE|go> Ana", "Ana"),
    ("<mailto:a@b.example|mail> Ana", "Ana"),
    ("<tel:+60123|call> Ana", "Ana"),
    ("<slack://open> Ana", "Ana"),
    # Lark mentions, with their text, any case, across lines; and lone tags
    ('<at user_id="ou_9">Boss</at>Carl', "Carl"),
    ('<AT user_id="ou_9">Boss</AT>Carl', "Carl"),
    ('<at user_id="ou_9">Big\nBoss</at > Carl', "Carl"),
    ("<at id=all></at> Mei", "Mei"),
    ("Hi <at id=all> there", "Hi there"),
    ("Hi </at> there", "Hi there"),
    # broadcasts written out, in any case
    ("@channel Mei", "Mei"),
    ("@Here Mei", "Mei"),
    ("Mei @EVERYONE", "Mei"),
    ("(@all) Mei", "() Mei"),
    # the bot's own mention markers, and the spaces left behind
    ("Dina \ue000U1\ue001 Tan", "Dina U1 Tan"),
    ("a  <@U1>  b", "a b"),
    (" <@U1>\t<!here>\n b ", "b"),
    ("<@U1><!here>", ""),
]


@pytest.mark.parametrize(("text", "shown"), PLAIN)
def test_plain_takes_chat_markup_out_of_a_name(text: str, shown: str) -> None:
    assert plain(text) == shown


def test_inert_takes_out_the_mention_markers_only() -> None:
    assert inert("a\ue000b\ue001c <@U1>") == "abc <@U1>"
    assert inert("plain  text") == "plain  text"
