"""Where an answer's files go, said in the answer: the note follows the last file, an answer
without files is left as it is, and a Slack file line links only to a well-formed address."""

from __future__ import annotations

from creatorbot.bot import exports
from creatorbot.bot.slack.blocks import render_message
from creatorbot.commands.i18n import Lang
from creatorbot.commands.reply import Context, File, Header, Reply, Text, mention_of


def test_the_note_follows_the_last_file_and_counts_them() -> None:
    files = (File("a.csv", b"a"), File("b.csv", b"b"))
    reply = Reply((Header("Export"), *files, Text("after")))
    noted = exports.in_your_chat(reply, Lang("en"))
    assert noted.blocks == (
        Header("Export"),
        *files,
        Context("The files are in your chat with creatorbot."),
        Text("after"),
    )
    one = exports.sent_to(Reply((File("a.csv", b"a"),)), Lang("it"), "U9")
    assert one.blocks[-1] == Context(
        f"{mention_of('U9')}, ti ho mandato il file nella tua chat con creatorbot."
    )


def test_an_answer_without_files_is_left_as_it_is() -> None:
    reply = Reply((Header("GMV leaderboard"), Text("…")))
    lang = Lang("ms")
    assert exports.in_your_chat(reply, lang) is reply
    assert exports.sent_to(reply, lang, "U1") is reply
    assert exports.kept_back(reply, lang) is reply


def test_a_slack_file_line_links_only_to_a_well_formed_address() -> None:
    reply = Reply((File("top <b>.csv", b"x"),))
    good = render_message(reply, files={0: "https://test.slack.com/files/UBOT/F1/top.csv"})
    assert good.blocks[0]["elements"][0]["text"] == (
        "📎 <https://test.slack.com/files/UBOT/F1/top.csv|top &lt;b&gt;.csv>"
    )
    forged = render_message(reply, files={0: "https://x.example/|<!channel>"})
    assert forged.blocks[0]["elements"][0]["text"] == "📎 top &lt;b&gt;.csv"
    assert render_message(reply).blocks[0]["elements"][0]["text"] == "📎 top &lt;b&gt;.csv"
