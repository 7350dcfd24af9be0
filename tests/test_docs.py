"""`make docs-check`: the docs have no broken link or anchor and show no command the bot does not
know; and the checker catches each kind of mistake on small made-up pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from doccheck.commands import Asker
from doccheck.known import REPO
from doccheck.markdown import anchor
from doccheck.run import asker, check


@pytest.fixture
def ask(sqlite_sessions: sessionmaker[Session]) -> Asker:
    """The real router on an empty database, as the check asks it."""
    return asker(sqlite_sessions)


def write(root: Path, readme: str, **pages: str) -> Path:
    (root / "docs").mkdir()
    (root / "README.md").write_text(readme, encoding="utf-8")
    for name, text in pages.items():
        (root / "docs" / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def test_the_repository_docs_pass(ask: Asker) -> None:
    assert check(REPO, ask) == []


def test_every_docs_page_is_in_the_table_of_contents_and_the_readme() -> None:
    contents = (REPO / "docs" / "README.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for page in sorted((REPO / "docs").glob("*.md")):
        if page.name != "README.md":
            assert f"]({page.name})" in contents, page.name
            assert f"](docs/{page.name})" in readme, page.name


def test_the_readme_starts_with_the_two_quick_start_commands() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").split("\n")
    assert lines[:3] == ["# creatorbot", "", "## Quick start"]
    block = lines[lines.index("```sh") + 1 : lines.index("```")]
    assert [line.split()[:2] for line in block] == [["make", "demo"], ["make", "test"]]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Running in Slack: what to expect", "running-in-slack-what-to-expect"),
        ("`match` at scale", "match-at-scale"),
        (
            "Trust: what holds, and the test that proves it",
            "trust-what-holds-and-the-test-that-proves-it",
        ),
        ("Several replicas (PostgreSQL)", "several-replicas-postgresql"),
        ("Rotating [secrets](x.md) *now*", "rotating-secrets-now"),
    ],
)
def test_anchors_are_made_as_github_makes_them(heading: str, expected: str) -> None:
    assert anchor(heading) == expected


def test_a_link_to_a_missing_file_is_broken(tmp_path: Path, ask: Asker) -> None:
    write(
        tmp_path,
        "# x\n\nSee [Slack](docs/slack.md) and [the guide](docs/guide.md).\n",
        slack="# Slack\n",
    )
    assert check(tmp_path, ask) == ["README.md:3: docs/guide.md: no such file"]


def test_a_link_to_a_missing_heading_is_broken_and_one_to_a_real_heading_is_not(
    tmp_path: Path, ask: Asker
) -> None:
    write(
        tmp_path,
        "# x\n\n[a](docs/slack.md#install-in-slack), [b](docs/slack.md#install-slack)\n",
        slack="# Slack\n\n## Install in Slack\n\n[up](../README.md#x), [here](#nowhere)\n"
        "\n```sh\n# not a heading\n```\n[c](#not-a-heading)\n",
    )
    assert check(tmp_path, ask) == [
        "README.md:3: docs/slack.md#install-slack: no heading #install-slack in slack.md",
        "docs/slack.md:5: #nowhere: no heading #nowhere in slack.md",
        "docs/slack.md:10: #not-a-heading: no heading #not-a-heading in slack.md",
    ]


def test_repeated_headings_are_numbered(tmp_path: Path, ask: Asker) -> None:
    write(tmp_path, "# x\n\n## Notes\n\n## Notes\n\n[a](#notes-1) [b](#notes-2)\n")
    assert check(tmp_path, ask) == ["README.md:7: #notes-2: no heading #notes-2 in README.md"]


REFERENCE = """# Commands

| command | what it answers | example |
|---|---|---|
| `leaderboard [metric] [market]` | a board | `leaderboard gmv 7d MY` |
| `leaderbord [market]` | a typo | `leaderboard foo MY` |
| `digest list`, `digest run\\|frobnicate ID` | posts | `digest resume` |
| `classifica [metrica]` | in Italian | `classifica ordini IT` |
"""


def test_a_command_table_names_only_commands_and_actions_the_bot_knows(
    tmp_path: Path, ask: Asker
) -> None:
    write(tmp_path, "# x\n", commands=REFERENCE)
    problems = check(tmp_path, ask)
    assert [p.split(": ")[0:2] for p in problems] == [
        ["docs/commands.md:6", "`leaderbord [market]`"],
        ["docs/commands.md:6", "`leaderboard foo MY`"],
        ["docs/commands.md:7", "`digest run|frobnicate ID`"],
        ["docs/commands.md:7", "`digest resume`"],
    ]
    assert "no chat command “leaderbord”" in problems[0]
    assert "I don't understand “foo”" in problems[1]
    assert "“frobnicate” is not an action of digest" in problems[2]
    assert "Usage:" in problems[3]  # an example must be complete


def test_cli_verbs_options_and_slash_commands_are_the_bots_own(tmp_path: Path, ask: Asker) -> None:
    page = (
        "# CLI\n\n"
        "```sh\n$ creatorbot import FILE --dry-run --market MY\n.venv/bin/creatorbot frobnicate\n"
        "*/5 * * * * creatorbot inbox --settle 5 --since 1\ncreatorbot jobs tock\n```\n\n"
        '`creatorbot ask "leaderboard gmv 7d MY"`, `creatorbot ask "leaderbord MY"`,\n'
        "`/leaderboard gmv 7d MY`, `/slots MY`, `/data`, `/healthz`, `/slack/events`,\n"
        "`@creatorbot campagna elenco`, `@creatorbot frobnicate`, `creatorbot/commands/x.py`,\n"
        "`digest resume` (a mention may leave out the number), `alerts frobnicate 3`.\n"
    )
    write(tmp_path, "# x\n", cli=page)
    problems = check(tmp_path, ask)
    assert [p.split(": ")[0:2] for p in problems] == [
        ["docs/cli.md:5", "`creatorbot frobnicate`"],
        ["docs/cli.md:6", "`creatorbot inbox --since`"],
        ["docs/cli.md:7", "`creatorbot jobs tock`"],
        ["docs/cli.md:10", "`leaderbord MY`"],
        ["docs/cli.md:11", "`/slots`"],
        ["docs/cli.md:12", "`frobnicate`"],
        ["docs/cli.md:12", "`frobnicate`"],
        ["docs/cli.md:13", "`alerts frobnicate 3`"],
    ]
    assert "There is no command “leaderbord”" in problems[3]
    assert "no such slash command in manifest.yml" in problems[4]
    assert "no chat command “frobnicate”" in problems[5]
    assert "There is no command “frobnicate”" in problems[6]


def test_a_pointer_from_the_code_or_settings_to_a_gone_page_or_section_is_caught(
    tmp_path: Path, ask: Asker
) -> None:
    write(tmp_path, "# x\n", slack="# Slack\n\n## Install in Slack\n")
    (tmp_path / ".env.example").write_text(
        '# Slack (docs/slack.md, "Install in Slack"); Lark (docs/lark.md)\n'
        '# tokens (docs/slack.md, "Tokens")\n',
        encoding="utf-8",
    )
    (tmp_path / "creatorbot" / "bot").mkdir(parents=True)
    (tmp_path / "creatorbot" / "bot" / "x.py").write_text("# docs/slack.md\n", encoding="utf-8")
    assert check(tmp_path, ask) == [
        ".env.example:1: docs/lark.md: no such file",
        ".env.example:2: docs/slack.md: no section “Tokens”",
    ]
