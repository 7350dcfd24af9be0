"""The words in three languages: every command, metric, option and period has English, Italian
and Malay forms, and no form means two things."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict

import pytest
from babel import Locale

from creatorbot.analytics.calendar import CALENDAR
from creatorbot.analytics.segments import SEGMENTS
from creatorbot.commands import leaderboard
from creatorbot.commands.digest import KIND_LABELS
from creatorbot.commands.i18n import Lang
from creatorbot.commands.parsing import folded
from creatorbot.commands.registry import commands
from creatorbot.commands.segments import LABELS, segment_name
from creatorbot.commands.vocabulary import LANGUAGES, PATH
from creatorbot.storage.demo import DemoSpec, build_world
from creatorbot.storage.models import Role
from creatorbot.storage.queries.metrics import RANKABLE

RAW = tomllib.loads(PATH.read_text(encoding="utf-8"))


def meanings(section: dict[str, dict[str, list[str]]]) -> dict[str, set[str]]:
    """Each folded form of a section and the meanings it is given."""
    found: dict[str, set[str]] = defaultdict(set)
    for meaning, entry in section.items():
        for language in LANGUAGES:
            for form in entry.get(language, []):
                found[folded(form)].add(meaning)
    return found


def ambiguous(section: dict[str, dict[str, list[str]]]) -> dict[str, set[str]]:
    return {form: meant for form, meant in meanings(section).items() if len(meant) > 1}


def test_every_command_has_its_words_in_three_languages() -> None:
    for name in commands():
        entry = RAW["commands"].get(name, {})
        assert all(entry.get(language) for language in LANGUAGES), name
    assert set(RAW["commands"]) == set(commands())


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("metrics", set(RANKABLE)),
        ("options", set(leaderboard.OPTIONS)),
        ("periods", {"days", "wtd", "mtd", *CALENDAR}),
    ],
)
def test_every_metric_option_and_period_in_three_languages(
    section: str, expected: set[str]
) -> None:
    assert set(RAW[section]) == expected
    for meaning, entry in RAW[section].items():
        assert all(entry.get(language) for language in LANGUAGES), (section, meaning)


def test_no_command_word_names_two_commands() -> None:
    assert ambiguous(RAW["commands"]) == {}


def test_no_action_word_means_two_actions_of_a_command() -> None:
    for command, table in RAW["actions"].items():
        merged = {**table, **RAW["actions"]["any"]}
        assert ambiguous(merged) == {}, command


def test_no_word_after_a_command_means_two_things() -> None:
    """A metric, a period phrase, an option key and an action are read in the same place: one
    form has one meaning across all of them (`tahap` the command and `tahap:` the option are
    told apart by the colon)."""
    words: dict[str, set[str]] = defaultdict(set)
    for section in ("metrics", "periods"):
        for form, meant in meanings(RAW[section]).items():
            words[form] |= {f"{section}.{m}" for m in meant}
    for table in RAW["actions"].values():
        for form, meant in meanings(table).items():
            words[form] |= {f"action.{m}" for m in meant}
    clashes = {form: meant for form, meant in words.items() if len(meant) > 1}
    assert clashes == {}
    assert ambiguous(RAW["options"]) == {}


def test_no_word_reads_as_a_market_or_a_number() -> None:
    """Two letters are read as a market code; a word of digits as a count."""
    for section in ("commands", "metrics", "options"):
        for form in meanings(RAW[section]):
            assert not (len(form) == 2 and form.isalpha()) or section == "options", form
            assert not form.isdigit(), form


def test_no_single_word_is_a_demo_creators_handle() -> None:
    world = build_world(DemoSpec(creators=2000, days=2, seed=7, end=dt.date(2026, 11, 23)))
    handles = {folded(handle) for handle in world.creators["handle"]}
    forms = set()
    for section in ("commands", "metrics", "periods"):
        forms |= {form for form in meanings(RAW[section]) if " " not in form}
    for table in RAW["actions"].values():
        forms |= set(meanings(table))
    assert forms & handles == set()


def test_month_names_are_babels() -> None:
    """The short month names people write are the ones Babel writes for each language."""
    for language in LANGUAGES:
        written = [folded(names[0]) for names in RAW["months"][language]]
        babel = Locale.parse(language).months["format"]["abbreviated"]
        assert written == [folded(str(babel[m])).rstrip(".") for m in range(1, 13)], language
    numbers: dict[str, set[int]] = defaultdict(set)  # across the languages: `mar`, `set`, `mei`
    for language in LANGUAGES:
        for number, names in enumerate(RAW["months"][language], start=1):
            for name in names:
                numbers[folded(name)].add(number)
    assert {name: n for name, n in numbers.items() if len(n) > 1} == {}


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("kinds", {kind.value for kind in KIND_LABELS}),
        ("roles", {role.value for role in Role}),
        ("segments", set(SEGMENTS)),
        ("switches", {"on", "off"}),
        ("times", {"at"}),
    ],
)
def test_digest_access_and_segment_words_in_three_languages(
    section: str, expected: set[str]
) -> None:
    """What a digest posts, the roles access gives, the segments: each in every language, and
    no form names two of them."""
    assert set(RAW[section]) == expected
    for meaning, entry in RAW[section].items():
        assert all(entry.get(language) for language in LANGUAGES), (section, meaning)
    assert ambiguous(RAW[section]) == {}


def test_a_segment_is_typed_as_its_label_reads() -> None:
    """The segment's name each language shows (`Salto di fascia`) is a word it is found by."""
    for language in LANGUAGES:
        lang = Lang(language)
        for name, label in LABELS.items():
            assert segment_name(lang._(label), lang) == name, (language, label)
