"""The one settings object, read from the environment and `.env`, built once by the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything creatorbot can be configured with; `.env.example` documents each field."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True
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

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_previous_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_PREVIOUS_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")

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

    rate_limit_per_minute: int = Field(
        default=30, ge=0, validation_alias="CREATORBOT_RATE_LIMIT_PER_MINUTE"
    )
    audit_retention_days: int = Field(
        default=365, ge=1, validation_alias="CREATORBOT_AUDIT_RETENTION_DAYS"
    )

    port: int = Field(default=3000, validation_alias="PORT")
    workers: int = Field(default=32, ge=1, validation_alias="CREATORBOT_WORKERS")
    backlog: int = Field(default=256, ge=0, validation_alias="CREATORBOT_BACKLOG")
    http_threads: int = Field(default=16, ge=1, validation_alias="CREATORBOT_HTTP_THREADS")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")

    @property
    def resolved_database_url(self) -> str:
        """The database to use: `DATABASE_URL`, else a SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'creatorbot.sqlite3').resolve()}"

    @property
    def has_slack(self) -> bool:
        """Whether Slack credentials are configured."""
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def has_lark(self) -> bool:
        """Whether Lark app credentials are configured."""
        return bool(self.lark_app_id and self.lark_app_secret)

    @property
    def admin_ids(self) -> frozenset[str]:
        """The bootstrap admins' user ids, from the comma-separated `CREATORBOT_ADMINS`."""
        return frozenset(part.strip() for part in self.admins.split(",") if part.strip())
