"""The one settings object, read from the environment and `.env`, built once by the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from creatorbot.commands.link_tokens import MIN_SECRET, LinkKeys

if TYPE_CHECKING:  # imported where used: pandas and the sync's modules are slow to import
    from creatorbot.analytics.segment_rules import SegmentRules
    from creatorbot.storage.sync import Source


# The settings that were JSON (or a file of their own) in the environment, now sections of the
# config file; still read, with a warning.
DEPRECATED = {
    "CREATORBOT_STAFF": "staff",
    "CREATORBOT_COLUMN_MAP": "column_map",
    "CREATORBOT_SOURCES": "sources",
}
# Settings only the config file gives: an alias no environment variable has, so that the
# environment (and `.env`) never fill them.
_FILE_ONLY = "creatorbot.yaml:"


class FileRole(BaseModel):
    """A role the config file gives a chat user: in `markets`, or every market when empty."""

    role: Literal["admin", "lead", "cm", "am", "viewer"]
    markets: tuple[str, ...] = ()


class Settings(BaseSettings):
    """Everything creatorbot can be configured with; `.env.example` documents each field,
    `creatorbot.example.yaml` the config file."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment, then `.env`, then the config file: the first that gives a setting
        wins (a mapping's entries are merged, the environment's winning for the same name)."""
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            _ConfigFile(settings_cls),
            file_secret_settings,
        )

    config: Path | None = Field(default=None, validation_alias="CREATORBOT_CONFIG")
    # The deprecated environment variables in use (DEPRECATED), for one warning each at start.
    deprecated: tuple[str, ...] = Field(
        default=(), validation_alias=AliasChoices(_FILE_ONLY + "deprecated")
    )

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    statement_timeout_seconds: float = Field(
        default=30, ge=0, validation_alias="CREATORBOT_STATEMENT_TIMEOUT_SECONDS"
    )
    data_dir: Path = Field(
        default=Path("data"), validation_alias=AliasChoices("CREATORBOT_DATA_DIR", "data_dir")
    )
    admins: str = Field(default="", validation_alias="CREATORBOT_ADMINS")
    default_market: str | None = Field(default=None, validation_alias="CREATORBOT_DEFAULT_MARKET")
    locale: str | None = Field(default=None, validation_alias="CREATORBOT_LOCALE")
    staff: dict[str, str] = Field(default_factory=dict, validation_alias="CREATORBOT_STAFF")
    column_map: dict[str, dict[str, str]] = Field(
        default_factory=dict, validation_alias="CREATORBOT_COLUMN_MAP"
    )
    sources: Path | None = Field(default=None, validation_alias="CREATORBOT_SOURCES")
    # The config file's `sources:` (checked when it was read); `staff:` entries' roles by chat id.
    warehouses: dict[str, Any] = Field(
        default_factory=dict, validation_alias=AliasChoices(_FILE_ONLY + "sources")
    )
    staff_roles: dict[str, FileRole] = Field(
        default_factory=dict, validation_alias=AliasChoices(_FILE_ONLY + "staff_roles")
    )
    # TikTok Shop exports' headers the shipped aliases lack: format → column field → headers.
    header_aliases: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict, validation_alias=AliasChoices(_FILE_ONLY + "header_aliases")
    )

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_previous_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_PREVIOUS_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    # Tables as Slack's table block (False: always the code block every workspace shows).
    slack_table_blocks: bool = Field(default=True, validation_alias="SLACK_TABLE_BLOCKS")

    lark_app_id: str | None = Field(default=None, validation_alias="LARK_APP_ID")
    lark_app_secret: SecretStr | None = Field(default=None, validation_alias="LARK_APP_SECRET")
    lark_verification_token: SecretStr | None = Field(
        default=None, validation_alias="LARK_VERIFICATION_TOKEN"
    )
    lark_encrypt_key: SecretStr | None = Field(default=None, validation_alias="LARK_ENCRYPT_KEY")
    lark_domain: str = Field(default="https://open.larksuite.com", validation_alias="LARK_DOMAIN")
    lark_mode: Literal["http", "websocket"] = Field(default="http", validation_alias="LARK_MODE")

    jobs_grace_minutes: int = Field(
        default=180, ge=0, validation_alias="CREATORBOT_JOBS_GRACE_MINUTES"
    )
    scheduler_tick_seconds: int = Field(
        default=20, ge=1, le=300, validation_alias="CREATORBOT_SCHEDULER_TICK_SECONDS"
    )

    inbox: Path | None = Field(default=None, validation_alias="CREATORBOT_INBOX")
    inbox_poll_seconds: int = Field(
        default=30, ge=1, validation_alias="CREATORBOT_INBOX_POLL_SECONDS"
    )

    ranking_cache_mb: int = Field(default=256, ge=0, validation_alias="CREATORBOT_RANKING_CACHE_MB")
    ranking_warm: bool = Field(default=True, validation_alias="CREATORBOT_RANKING_WARM")
    # Segment rules (docs/commands.md, "Segments"): percentages and days as whole numbers.
    segment_top_share_pct: int = Field(
        default=50, ge=1, le=100, validation_alias="CREATORBOT_SEGMENT_TOP_SHARE_PCT"
    )
    segment_attention_drop_pct: int = Field(
        default=25, ge=1, le=100, validation_alias="CREATORBOT_SEGMENT_ATTENTION_DROP_PCT"
    )
    segment_potential_rise_pct: int = Field(
        default=50, ge=0, validation_alias="CREATORBOT_SEGMENT_POTENTIAL_RISE_PCT"
    )
    segment_potential_max_day_pct: int = Field(
        default=25, ge=1, le=100, validation_alias="CREATORBOT_SEGMENT_POTENTIAL_MAX_DAY_PCT"
    )
    segment_levelup_within_pct: int = Field(
        default=10, ge=1, le=100, validation_alias="CREATORBOT_SEGMENT_LEVELUP_WITHIN_PCT"
    )
    segment_levelup_stretch_pct: int = Field(
        default=200, ge=1, validation_alias="CREATORBOT_SEGMENT_LEVELUP_STRETCH_PCT"
    )
    segment_dormant_days: int = Field(
        default=14, ge=1, le=59, validation_alias="CREATORBOT_SEGMENT_DORMANT_DAYS"
    )
    segment_new_days: int = Field(
        default=14, ge=1, le=60, validation_alias="CREATORBOT_SEGMENT_NEW_DAYS"
    )
    rate_limit_per_minute: int = Field(
        default=30, ge=0, validation_alias="CREATORBOT_RATE_LIMIT_PER_MINUTE"
    )
    rate_limit_exempt: str = Field(default="", validation_alias="CREATORBOT_RATE_LIMIT_EXEMPT")
    audit_retention_days: int = Field(
        default=365, ge=1, validation_alias="CREATORBOT_AUDIT_RETENTION_DAYS"
    )

    # Creators' own feedback form by signed link (README "Creators answer for themselves").
    link_secret: SecretStr | None = Field(default=None, validation_alias="CREATORBOT_LINK_SECRET")
    link_secret_previous: SecretStr | None = Field(
        default=None, validation_alias="CREATORBOT_LINK_SECRET_PREVIOUS"
    )
    public_url: str = Field(default="", validation_alias="CREATORBOT_PUBLIC_URL")
    link_days: int = Field(default=14, ge=1, le=365, validation_alias="CREATORBOT_LINK_DAYS")
    web_rate_per_minute: int = Field(
        default=60, ge=0, validation_alias="CREATORBOT_WEB_RATE_PER_MINUTE"
    )
    link_rate_per_minute: int = Field(
        default=20, ge=0, validation_alias="CREATORBOT_LINK_RATE_PER_MINUTE"
    )
    web_trust_proxy: bool = Field(default=False, validation_alias="CREATORBOT_WEB_TRUST_PROXY")

    port: int = Field(default=3000, validation_alias="PORT")
    # HTTP worker processes sharing PORT; None: every core on PostgreSQL, 1 on SQLite
    # (creatorbot/bot/processes.py decides).
    processes: int | None = Field(
        default=None, ge=1, le=64, validation_alias="CREATORBOT_PROCESSES"
    )
    workers: int = Field(default=32, ge=1, validation_alias="CREATORBOT_WORKERS")
    answering: int = Field(default=2, ge=1, le=64, validation_alias="CREATORBOT_ANSWERING")
    backlog: int = Field(default=256, ge=0, validation_alias="CREATORBOT_BACKLOG")
    http_threads: int = Field(default=16, ge=1, validation_alias="CREATORBOT_HTTP_THREADS")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    log_format: Literal["text", "json"] = Field(default="text", validation_alias="LOG_FORMAT")
    # Error reports and traces (bot/telemetry.py), each off unless set, each an extra.
    sentry_dsn: SecretStr | None = Field(default=None, validation_alias="SENTRY_DSN")
    sentry_environment: str = Field(default="", validation_alias="SENTRY_ENVIRONMENT")
    otel_endpoint: str = Field(default="", validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT")
    otel_service_name: str = Field(default="creatorbot", validation_alias="OTEL_SERVICE_NAME")

    @property
    def resolved_database_url(self) -> str:
        """The database to use: `DATABASE_URL`, else a SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'creatorbot.sqlite3').resolve()}"

    @property
    def segment_rules(self) -> SegmentRules:
        """The segment rules these settings give."""
        from creatorbot.analytics.segment_rules import SegmentRules

        return SegmentRules(
            top_share_pct=self.segment_top_share_pct,
            attention_drop_pct=self.segment_attention_drop_pct,
            potential_rise_pct=self.segment_potential_rise_pct,
            potential_max_day_pct=self.segment_potential_max_day_pct,
            levelup_within_pct=self.segment_levelup_within_pct,
            levelup_stretch_pct=self.segment_levelup_stretch_pct,
            dormant_days=self.segment_dormant_days,
            new_days=self.segment_new_days,
        )

    @property
    def has_slack(self) -> bool:
        """Whether Slack can run: the bot token, and how Slack reaches us (the signing secret
        for HTTP; the app token for Socket Mode, which needs no signing secret)."""
        return bool(self.slack_bot_token and (self.slack_signing_secret or self.slack_app_token))

    @property
    def has_lark(self) -> bool:
        """Whether Lark app credentials are configured."""
        return bool(self.lark_app_id and self.lark_app_secret)

    @property
    def serves_http(self) -> bool:
        """Whether work arrives over HTTP (Slack or Lark callbacks, the creators' form pages),
        which several processes can share; Socket Mode and the long connection are one each."""
        slack_http = self.has_slack and not self.slack_app_token
        lark_http = self.has_lark and self.lark_mode == "http"
        return slack_http or lark_http or bool(self.link_secret and self.public_url)

    @property
    def has_platform(self) -> bool:
        """Whether Slack or Lark is configured (else the bot can only run on the console)."""
        return self.has_slack or self.has_lark

    def platform_problems(self) -> list[str]:
        """Why a platform set up only in part cannot start, one plain sentence each, naming the
        settings missing and the ones that are there (never their values); empty when every
        platform is either complete or not configured at all."""
        problems = []
        slack = _given(
            SLACK_BOT_TOKEN=self.slack_bot_token,
            SLACK_SIGNING_SECRET=self.slack_signing_secret,
            SLACK_PREVIOUS_SIGNING_SECRET=self.slack_previous_signing_secret,
            SLACK_APP_TOKEN=self.slack_app_token,
        )
        if slack and not self.slack_bot_token:
            problems.append(
                f"{_not_set(['SLACK_BOT_TOKEN'], slack)}: set SLACK_BOT_TOKEN too, "
                f"or {_unset(slack)} to run on the console."
            )
        elif slack and not (self.slack_signing_secret or self.slack_app_token):
            problems.append(
                f"{_not_set(['SLACK_SIGNING_SECRET'], slack)}: set SLACK_SIGNING_SECRET (HTTP) "
                f"or SLACK_APP_TOKEN (Socket Mode) as well, or {_unset(slack)} to run on "
                "the console."
            )
        lark = _given(
            LARK_APP_ID=self.lark_app_id,
            LARK_APP_SECRET=self.lark_app_secret,
            LARK_VERIFICATION_TOKEN=self.lark_verification_token,
            LARK_ENCRYPT_KEY=self.lark_encrypt_key,
        )
        app = ("LARK_APP_ID", "LARK_APP_SECRET")
        callbacks = ("LARK_VERIFICATION_TOKEN", "LARK_ENCRYPT_KEY")
        if lark and not self.has_lark:
            absent = [name for name in app if name not in lark]
            problems.append(
                f"{_not_set(absent, lark)}: set {' and '.join(absent)} too, "
                f"or {_unset(lark)} to run on the console."
            )
        elif lark and self.lark_mode == "http" and not set(callbacks) <= set(lark):
            absent = [name for name in callbacks if name not in lark]
            problems.append(
                f"{_not_set(absent)} but LARK_MODE is http: Lark's HTTP callbacks need "
                "LARK_VERIFICATION_TOKEN and LARK_ENCRYPT_KEY (Developer Console → Events & "
                "Callbacks → Encryption strategy); or set LARK_MODE=websocket for the long "
                "connection."
            )
        return problems

    def warehouse_sources(self, environ: Mapping[str, str]) -> dict[str, Source]:
        """The warehouses of the config file's `sources:` and of the (deprecated) sources file
        CREATORBOT_SOURCES, which wins for the same name; their URLs' `${NAME}`s taken from
        `environ`; SourcesError when the sources file cannot be used."""
        from creatorbot.storage.sync import load_sources
        from creatorbot.storage.sync.sources import sources_from

        found = sources_from(self.warehouses, environ)
        return found | (load_sources(self.sources, environ) if self.sources else {})

    @property
    def link_keys(self) -> LinkKeys | None:
        """How creators' form links are signed, when `CREATORBOT_LINK_SECRET` is set; a
        ValueError when a secret is too short to be safe."""
        if self.link_secret is None:
            return None
        secret = self.link_secret.get_secret_value()
        previous = self.link_secret_previous.get_secret_value() if self.link_secret_previous else ""
        for name, value in (
            ("CREATORBOT_LINK_SECRET", secret),
            ("CREATORBOT_LINK_SECRET_PREVIOUS", previous),
        ):
            if value and len(value) < MIN_SECRET:
                raise ValueError(
                    f"{name} is shorter than {MIN_SECRET} characters: make one with "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
                )
        return LinkKeys(secret.encode(), previous.encode() or None, self.public_url, self.link_days)

    @property
    def admin_ids(self) -> frozenset[str]:
        """The bootstrap admins' user ids, from the comma-separated `CREATORBOT_ADMINS`."""
        return _ids(self.admins)

    @property
    def rate_limit_exempt_ids(self) -> frozenset[str]:
        """User ids the per-user rate limit never applies to, from the comma-separated
        `CREATORBOT_RATE_LIMIT_EXEMPT` (a benchmark's user, a monitoring probe)."""
        return _ids(self.rate_limit_exempt)


def _ids(listed: str) -> frozenset[str]:
    return frozenset(part.strip() for part in listed.split(",") if part.strip())


def _given(**values: object) -> list[str]:
    """The names of the settings that have a value."""
    return [name for name, value in values.items() if value]


def _not_set(absent: list[str], present: list[str] | None = None) -> str:
    """ "A is not set but B and C are"; without `present`, only "A is not set"."""
    said = f"{_names(absent)} {'is' if len(absent) == 1 else 'are'} not set"
    if present:
        said += f" but {_names(present)} {'is' if len(present) == 1 else 'are'}"
    return said


def _unset(present: list[str]) -> str:
    return f"unset {present[0]}" if len(present) == 1 else "unset them all"


def _names(names: list[str]) -> str:
    return " and ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + " and " + names[-1]


class _ConfigFile(PydanticBaseSettingsSource):
    """The config file named by CREATORBOT_CONFIG (in the environment or `.env`): its settings
    under their environment variables' names, so that the environment's win; ConfigError when
    the file cannot be used."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # the whole file is read at once, in __call__

    def __call__(self) -> dict[str, Any]:
        given = self.current_state  # what the environment, `.env` and arguments gave
        values: dict[str, Any] = {
            _FILE_ONLY + "deprecated": tuple(name for name in DEPRECATED if given.get(name))
        }
        path = given.get("CREATORBOT_CONFIG") or given.get("config")
        if not path:
            return values
        from creatorbot.bot.config_file import load

        fields = self.settings_cls.model_fields
        for name, value in load(Path(path), fields).items():
            alias = fields[name].validation_alias
            if name in ("warehouses", "staff_roles", "header_aliases"):
                values[_FILE_ONLY + ("sources" if name == "warehouses" else name)] = value
            else:
                values[alias if isinstance(alias, str) else name] = value
        return values
