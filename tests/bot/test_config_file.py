"""The config file (CREATORBOT_CONFIG): each kind of problem is named with its line, the
environment wins over the file, secrets are refused, the example file is good, and `config
check` / `run` say so with their exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from creatorbot.bot.app import file_roles
from creatorbot.bot.cli import main
from creatorbot.bot.config_file import ROLES, ConfigError, problems_of
from creatorbot.bot.settings import Settings
from creatorbot.commands.policy import Principal
from creatorbot.storage.models import Role

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "creatorbot.example.yaml"
MARK = "# <- here"


@pytest.fixture
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory of its own (no `.env`), none of the developer's settings in the way."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "CREATORBOT_CONFIG",
        "CREATORBOT_STAFF",
        "CREATORBOT_COLUMN_MAP",
        "CREATORBOT_SOURCES",
        "CREATORBOT_ADMINS",
        "CREATORBOT_DEFAULT_MARKET",
        "DATABASE_URL",
        "PORT",
        "DWH_PASSWORD",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CREATORBOT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def written(folder: Path, text: str, name: str = "creatorbot.yaml") -> tuple[Path, int]:
    """The file, and the line (1-based) of the one marked `# <- here`."""
    path = folder / name
    path.write_text(text.replace(MARK, ""), encoding="utf-8")
    marked = [n for n, line in enumerate(text.splitlines(), start=1) if MARK in line]
    return path, marked[0] if marked else 0


def problems(path: Path, environ: dict[str, str] | None = None) -> list[str]:
    return problems_of(path, Settings.model_fields, environ or {})


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "staff:\n  Nurul: U1\n  ana@x.com:\n    chat: U2\n    role: 'lead '  # <- here\n",
            "staff.ana@x.com.role: 'lead ' is not one of admin, lead, cm, am, viewer",
        ),
        (
            "default_market: MY\nrate_limit_per_minute: lots  # <- here\n",
            "rate_limit_per_minute: 'lots' is not valid: input should be a valid integer",
        ),
        (
            "locale: it\nsegment_top_share_pct: 150  # <- here\n",
            "segment_top_share_pct: 150 is not valid: input should be less than or equal to 100",
        ),
        (
            "locale: it\ndefualt_market: MY  # <- here\n",
            "defualt_market: unknown setting 'defualt_market'; did you mean 'default_market'?",
        ),
        (
            "CREATORBOT_DEFAULT_MARKET: MY  # <- here\n",
            "unknown setting 'CREATORBOT_DEFAULT_MARKET'; did you mean 'default_market'?",
        ),
        (
            "staff:\n  Farah:\n    chat: U1\n    rol: cm  # <- here\n",
            "staff.Farah.rol: unknown key 'rol'; did you mean 'role'?",
        ),
        (
            "staff:\n  Farah: U1\n  Luca: U2\n  Farah: U3  # <- here\n",
            "staff.Farah: given twice (first on line 2)",
        ),
        ("port: 1\nstaff: [a, b\nlocale: it  # <- here\n", "not valid YAML"),
        (
            "column_map:\n  daily_metrics:\n    Creator: handle\n    GMV: gmvv  # <- here\n",
            "column_map.daily_metrics.GMV: unknown column 'gmvv'; did you mean 'gmv'?",
        ),
        (
            "column_map:\n  dailymetrics: {Creator: handle}  # <- here\n",
            "column_map.dailymetrics: unknown kind 'dailymetrics'; did you mean 'daily_metrics'?",
        ),
        (
            "locale: it\nslack_bot_token: xoxb-1  # <- here\n",
            "slack_bot_token: a secret is never read from the file: set SLACK_BOT_TOKEN in the "
            "environment",
        ),
        (
            "LARK_APP_SECRET: s  # <- here\n",
            "LARK_APP_SECRET: a secret is never read from the file: set LARK_APP_SECRET",
        ),
        (
            "link_secret: abc  # <- here\n",
            "set CREATORBOT_LINK_SECRET in the environment",
        ),
        (
            "database_url: postgresql://bot:hunter2@db/creatorbot  # <- here\n",
            "database_url: a database URL with a password is never read from the file",
        ),
        (
            "sources:\n  dwh:\n    markets: [MY]\n    url: postgresql://r:pw@dwh/a  # <- here\n"
            "    kinds: {tiers: SELECT 1}\n",
            "sources.dwh.url: a password is a secret: write ${NAME} for it",
        ),
        (
            "sources:\n  dwh:\n    url: sqlite://\n    market: MY\n    kinds:\n"
            "      orders: SELECT 1  # <- here\n",
            "sources.dwh.kinds.orders: unknown kind 'orders'",
        ),
        (
            "sources:\n  dwh:\n    url: sqlite://\n    market: MY\n    kinds:\n      tiers:\n"
            "        query: SELECT 1\n        colums: {a: b}  # <- here\n",
            "sources.dwh.kinds.tiers.colums: unknown key 'colums'; did you mean 'columns'?",
        ),
        (
            "sources:\n  dwh:\n    url: sqlite://\n    market: MY\n    at: soon  # <- here\n"
            "    kinds: {tiers: SELECT 1}\n",
            'sources.dwh.at: `at` must be a local time as HH:MM, e.g. "06:00"',
        ),
        (
            "admins: U1\nstaff:\n  Farah:\n    chat: U1\n    role: cm\n"
            "    markets: [Malaysia]  # <- here\n",
            "staff.Farah.markets: ['Malaysia'] is not valid: expected market codes",
        ),
        (
            "header_aliases:\n  creator_performence:  # <- here\n    handle: [Creator]\n",
            "header_aliases.creator_performence: unknown export format 'creator_performence'; "
            "did you mean 'creator_performance'?",
        ),
        (
            "header_aliases:\n  live_analytics:\n    duration: [Durata]\n"
            "    gmvv: [Incasso]  # <- here\n",
            "header_aliases.live_analytics.gmvv: unknown column 'gmvv'; did you mean 'gmv'?",
        ),
        ("- a\n- b  # <- here\n", "expected settings by name"),
    ],
)
def test_each_problem_is_named_with_its_line(clean: Path, text: str, said: str) -> None:
    path, line = written(clean, text)
    if "expected settings by name" in said:
        line = 1  # the document as a whole: where it starts
    found = problems(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:{line}: ")
    assert said in found[0]


def test_every_problem_is_told_at_once_in_the_order_of_the_file(clean: Path) -> None:
    path, _ = written(
        clean,
        "locale: it\nport: many\nstaff:\n  A: {chat: U1, role: boss}\nlocale: en\nmystery: 1\n",
    )
    lines = problems(path)
    assert [int(line.split(":")[1]) for line in lines] == [2, 4, 5, 6]


def test_a_source_password_from_the_environment_is_checked_where_it_is_used(clean: Path) -> None:
    text = (
        "sources:\n  dwh:\n    url: postgresql://r:${DWH_PASSWORD}@dwh/a  # <- here\n"
        "    market: MY\n    kinds: {tiers: SELECT 1}\n"
    )
    path, line = written(clean, text)
    assert problems(path, {"DWH_PASSWORD": "s3cret"}) == []
    assert problems(path) == [
        f"{path}:{line}: sources.dwh.url: the URL uses ${{DWH_PASSWORD}}, which is not set"
    ]


# --- hostile files -----------------------------------------------------------------------


def test_an_alias_bomb_is_refused_without_being_expanded(clean: Path) -> None:
    # Nine of the one before, ten times over: 9**10 values if expanded, 100 aliases written.
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    path = clean / "bomb.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    found = problems(path)
    assert len(found) == 1 and "once its aliases are expanded" in found[0]
    with pytest.raises(ConfigError):
        Settings(CREATORBOT_CONFIG=str(path))


def test_too_many_aliases_are_refused_at_the_first_one_too_many(clean: Path) -> None:
    text = "x: &x 1\n" + "".join(f"k{n}: *x\n" for n in range(100)) + "k100: *x  # <- here\n"
    path, line = written(clean, text)
    assert problems(path) == [f"{path}:{line}: more than 100 aliases (*name)"]


def test_a_huge_file_is_refused_before_it_is_parsed(clean: Path) -> None:
    path = clean / "big.yaml"
    path.write_text("locale: it\n" + "# padding\n" * 110_000, encoding="utf-8")
    assert problems(path) == [f"{path}: larger than 1,000,000 bytes"]


@pytest.mark.parametrize(
    "value", ["!!python/object/apply:os.system ['true']", "!!python/name:os.system ''"]
)
def test_python_tags_are_refused(clean: Path, value: str) -> None:
    path, line = written(clean, f"locale: it\nport: {value}  # <- here\n")
    found = problems(path)
    assert len(found) == 1 and found[0].startswith(f"{path}:{line}: not valid here")


def test_merge_keys_work_and_the_keys_written_win(clean: Path) -> None:
    inline = "sources:\n  a: &base\n    url: sqlite://\n    market: MY\n    kinds: {tiers: S}\n"
    path, _ = written(clean, inline + "  b:\n    <<: *base\n    at: '05:00'\n")
    sources = Settings(CREATORBOT_CONFIG=str(path)).warehouse_sources({})
    assert (str(sources["a"].at), str(sources["b"].at)) == ("06:00:00", "05:00:00")
    assert sources["b"].markets == ("MY",)


# --- precedence --------------------------------------------------------------------------


FILE = """
port: 4000
default_market: MY
admins: [U1, U2]
staff:
  Nurul Huda: U04ABCDEF
  Farah Aziz: {chat: U06, role: cm, markets: [MY]}
column_map:
  daily_metrics: {Creator: handle}
"""


def test_the_file_gives_settings_and_the_environment_wins(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = written(clean, FILE)
    monkeypatch.setenv("CREATORBOT_CONFIG", str(path))
    settings = Settings()
    assert (settings.port, settings.default_market) == (4000, "MY")
    assert settings.admin_ids == {"U1", "U2"}
    assert settings.staff == {"Nurul Huda": "U04ABCDEF", "Farah Aziz": "U06"}
    assert settings.column_map == {"daily_metrics": {"Creator": "handle"}}
    assert settings.deprecated == ()

    monkeypatch.setenv("PORT", "5000")
    (clean / ".env").write_text("CREATORBOT_DEFAULT_MARKET=IT\n", encoding="utf-8")
    settings = Settings()
    assert (settings.port, settings.default_market) == (5000, "IT")


def test_the_old_json_variables_still_work_and_win_per_name(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = written(clean, FILE)
    monkeypatch.setenv("CREATORBOT_CONFIG", str(path))
    monkeypatch.setenv("CREATORBOT_STAFF", '{"Nurul Huda": "UENV", "Luca": "U07"}')
    monkeypatch.setenv("CREATORBOT_COLUMN_MAP", "{}")  # as copied from an old .env.example
    settings = Settings()
    assert settings.staff == {"Nurul Huda": "UENV", "Farah Aziz": "U06", "Luca": "U07"}
    assert settings.column_map == {"daily_metrics": {"Creator": "handle"}}
    assert settings.deprecated == ("CREATORBOT_STAFF",)


def test_an_old_variable_in_use_is_warned_about_once(
    clean: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CREATORBOT_COLUMN_MAP", '{"daily_metrics": {"Creator": "handle"}}')
    assert main(["db", "upgrade"]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "deprecated" in line]
    assert len(warned) == 1
    assert (
        "CREATORBOT_COLUMN_MAP is deprecated: move it to the config file's `column_map:`"
        in (warned[0])
    )


def test_the_old_sources_file_and_the_files_sources_are_both_read(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = clean / "sources.yaml"
    old.write_text(
        "sources:\n  b: {url: 'sqlite://', market: IT, kinds: {tiers: S}}\n", encoding="utf-8"
    )
    path, _ = written(clean, "sources:\n  a: {url: 'sqlite://', market: MY, kinds: {tiers: S}}\n")
    monkeypatch.setenv("CREATORBOT_SOURCES", str(old))
    monkeypatch.setenv("CREATORBOT_CONFIG", str(path))
    settings = Settings()
    sources = settings.warehouse_sources({})
    assert {name: s.markets for name, s in sources.items()} == {"a": ("MY",), "b": ("IT",)}
    assert settings.deprecated == ("CREATORBOT_SOURCES",)


# --- the example -------------------------------------------------------------------------


def test_the_example_file_is_good_and_every_name_in_it_is_a_setting(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert problems(EXAMPLE, {"DWH_PASSWORD": "x"}) == []
    text = EXAMPLE.read_text(encoding="utf-8")
    # The settings it shows commented out (`# inbox: …`) are settings too.
    named = re.findall(r"^#? ?([a-z_]+):", text, flags=re.MULTILINE)
    assert "inbox" in named and "database_url" in named and "staff" in named
    fields = set(Settings.model_fields) | {"sources"}
    assert [name for name in named if name not in fields] == []

    monkeypatch.setenv("CREATORBOT_CONFIG", str(EXAMPLE))
    settings = Settings()
    assert settings.staff["giulia.romano@example.com"] == "U05GHIJKL"
    assert settings.staff_roles["U06MNOPQR"].role == "cm"
    assert settings.staff_roles["U06MNOPQR"].markets == ("MY",)
    assert set(settings.warehouse_sources({"DWH_PASSWORD": "x"})) == {"dwh-my"}
    assert file_roles(settings) == {
        "U05GHIJKL": Principal("U05GHIJKL", Role.LEAD, frozenset({"IT"})),
        "U06MNOPQR": Principal("U06MNOPQR", Role.CM, frozenset({"MY"})),
    }


def test_the_files_roles_are_the_roles_access_knows() -> None:
    assert set(ROLES) == {role.value for role in Role}


# --- the command line --------------------------------------------------------------------


def test_config_check_prints_ok_for_a_good_file(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = written(clean, FILE)
    assert main(["config", "check", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: OK\n"


def test_config_check_prints_every_problem_and_fails(
    clean: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = written(clean, "port: many\nlocale: it\nstaff: {A: {chat: U1, role: boss}}\n")
    monkeypatch.setenv("CREATORBOT_CONFIG", str(path))  # no PATH: the one configured
    assert main(["config", "check"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{path}:1: port: 'many' is not valid: input should be a valid integer, unable to parse "
        "string as an integer",
        f"{path}:3: staff.A.role: 'boss' is not one of admin, lead, cm, am, viewer",
        f"{path}: 2 problems",
    ]


def test_config_check_without_a_file_says_what_to_do(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "check"]) == 2
    assert "give its path, or set CREATORBOT_CONFIG" in capsys.readouterr().err
    assert main(["config", "check", str(clean / "nowhere.yaml")]) == 1
    assert f"{clean / 'nowhere.yaml'}: cannot be read" in capsys.readouterr().err


def test_run_refuses_to_start_on_a_bad_file_with_the_same_lines(
    clean: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = written(clean, "staff:\n  A: U1\n  A: U2\nsecret_thing: 1\n")
    assert main(["config", "check", str(path)]) == 1
    checked = capsys.readouterr().err.splitlines()[:-1]
    monkeypatch.setenv("CREATORBOT_CONFIG", str(path))
    assert main(["run"]) == 2
    refused = capsys.readouterr().err.splitlines()
    assert refused[:-1] == checked and len(checked) == 2
    assert "nothing was started" in refused[-1]
    assert not (clean / "data").exists()  # not even the database was made


def test_run_refuses_a_source_whose_password_is_not_in_the_environment(
    clean: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "sources:\n  dwh:\n    url: postgresql://r:${DWH_PASSWORD}@dwh/a  # <- here\n"
        "    market: MY\n    kinds: {tiers: SELECT 1}\n"
    )
    path, line = written(clean, text)
    monkeypatch.setenv("CREATORBOT_CONFIG", str(path))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    assert main(["run"]) == 2
    assert f"{path}:{line}: sources.dwh.url: the URL uses ${{DWH_PASSWORD}}, which is not set" in (
        capsys.readouterr().err
    )


def test_the_file_may_be_named_in_dot_env(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = written(clean, FILE)
    (clean / ".env").write_text(f"CREATORBOT_CONFIG={path}\n", encoding="utf-8")
    assert Settings().port == 4000
    assert main(["config", "check"]) == 0
    assert capsys.readouterr().out == f"{path}: OK\n"


def test_an_operators_header_names_a_tiktok_shop_export_column(
    clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from creatorbot.storage.importers.native import aliases
    from creatorbot.storage.importers.native.aliases import recognise

    header = ["Handle del creator", "GMV attribuito al creator"]
    assert recognise(header) is None  # no shipped alias says these
    path, _ = written(
        clean,
        "header_aliases:\n  creator_performance:\n    handle: Handle del creator\n"
        "    gmv: [GMV attribuito al creator, GMV creator]\n",
    )
    monkeypatch.setenv("CREATORBOT_CONFIG", str(path))
    settings = Settings()
    try:
        aliases.configure(settings.header_aliases)
        found = recognise(header)
        assert found is not None and found.format.name == "creator_performance"
        assert found.fields == {"Handle del creator": "handle", "GMV attribuito al creator": "gmv"}
        assert recognise(["Creator username", "Creator-attributed GMV"]) is not None  # still
    finally:
        aliases.configure({})
    assert recognise(header) is None


def test_an_export_with_the_operators_headers_is_imported(
    clean: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from creatorbot.storage.importers.native import aliases

    export = clean / "creator_data_20261201.csv"
    export.write_text("Handle del creator,GMV attribuito al creator\namir,RM100.00\n", "utf-8")
    assert main(["import", str(export), "--market", "MY", "--dry-run"]) == 1
    assert "the header matches no kind of file" in capsys.readouterr().err
    path, _ = written(
        clean,
        "header_aliases:\n  creator_performance:\n    handle: Handle del creator\n"
        "    gmv: [GMV attribuito al creator]\n",
    )
    monkeypatch.setenv("CREATORBOT_CONFIG", str(path))
    try:
        assert main(["import", str(export), "--market", "MY", "--dry-run"]) == 0
    finally:
        aliases.configure({})
    out = capsys.readouterr().out
    assert "creator performance export" in out and "Columns: matched 2 of 2" in out
