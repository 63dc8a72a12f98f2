"""Settings: defaults, overridden by a TOML file, overridden by environment variables.

The file is `cornerstone.toml`, looked up in this order: `qa --config PATH` (which sets
$CORNERSTONE_CONFIG for everything the command starts, the dashboard included), then
$CORNERSTONE_CONFIG, then `./cornerstone.toml` in the working directory; no file is fine.
Environment variables are `CORNERSTONE_<FIELD>`, sections joined with a double underscore:
`CORNERSTONE_DB`, `CORNERSTONE_SCORING__WORKERS`, `CORNERSTONE_SESSIONS__IDLE_MINUTES`.
Command-line options (`--db`, `--workers`, `--log-level`) win over both. Relative paths in the
file are relative to the file's directory; elsewhere, to the working directory. Every field, with its
default, is in docs/configuration.md; unknown keys and bad values are refused with the key named.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DB_ENV_VAR = "CORNERSTONE_DB"
RUBRICS_ENV_VAR = "CORNERSTONE_RUBRICS"
CONFIG_ENV_VAR = "CORNERSTONE_CONFIG"
CONFIG_FILE_NAME = "cornerstone.toml"
DEFAULT_DB = Path("data") / "cornerstone.duckdb"  # relative to the working directory


class SettingsError(ValueError):
    """The settings file or an environment variable holds something unusable."""


def cpu_count() -> int:
    """CPUs this process may run on (the affinity mask, where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scoring(_Section):
    workers: int = Field(default_factory=cpu_count, ge=1, description="scoring processes")


class Sessions(_Section):
    idle_minutes: int = Field(8 * 60, ge=1, description="signed out after this long unused")
    absolute_hours: int = Field(24, ge=1, description="signed out this long after signing in")

    @property
    def idle_timeout(self) -> timedelta:
        return timedelta(minutes=self.idle_minutes)

    @property
    def absolute_timeout(self) -> timedelta:
        return timedelta(hours=self.absolute_hours)


class Lockout(_Section):
    max_failures: int = Field(5, ge=1, description="failed sign-ins that lock a login")
    client_max_failures: int = Field(20, ge=1, description="...or lock a client (all logins)")
    window_minutes: int = Field(15, ge=1, description="...counted over this many minutes")
    minutes: int = Field(15, ge=1, description="how long the login stays locked")


class Notifications(_Section):
    """Where `qa notify` sends notifications (warehouse/review/notification_delivery.py). Besides
    `[notifications]` in the file and CORNERSTONE_NOTIFICATIONS__<KEY>, each key is also read
    from the flat variable CORNERSTONE_<KEY> (CORNERSTONE_SMTP_HOST, CORNERSTONE_WEBHOOK_URL...)."""

    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str | None = None
    smtp_user: str | None = None
    smtp_password: str | None = Field(None, repr=False)
    smtp_security: Literal["starttls", "ssl", "none"] | None = None  # None: starttls unless port 25
    webhook_url: str | None = None
    webhook_kinds: tuple[str, ...] | None = None  # None: the delivery module's default kinds
    base_url: str | None = None  # the dashboard's address, for links in messages


class Logging(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    format: Literal["text", "json"] = "text"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CORNERSTONE_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    db: Path = Field(DEFAULT_DB, description="the DuckDB file")
    rubrics: Path | None = Field(None, description="rubric directory (default: the shipped set)")
    scoring: Scoring = Field(default_factory=Scoring)
    sessions: Sessions = Field(default_factory=Sessions)
    lockout: Lockout = Field(default_factory=Lockout)
    notifications: Notifications = Field(default_factory=Notifications)
    logging: Logging = Field(default_factory=Logging)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [
            init_settings,
            env_settings,
            _FlatNotificationVariables(settings_cls),
        ]
        path = config_path()
        if path is not None:
            sources.append(_TomlFile(settings_cls, toml_file=path))
        return tuple(sources)


class _FlatNotificationVariables(PydanticBaseSettingsSource):
    """CORNERSTONE_SMTP_HOST etc. (the names `qa notify` documents) for `[notifications]`."""

    def get_field_value(self, field, field_name):  # required by the base class; unused
        return None, field_name, False

    def __call__(self) -> dict:
        found: dict[str, object] = {}
        for key in Notifications.model_fields:
            value = os.environ.get(f"CORNERSTONE_{key.upper()}", "").strip()
            if value:
                found[key] = (
                    [k.strip() for k in value.split(",") if k.strip()]
                    if key == "webhook_kinds"
                    else value
                )
        return {"notifications": found} if found else {}


class _TomlFile(TomlConfigSettingsSource):
    """The settings file; relative paths in it are relative to the file's own directory."""

    def __init__(self, settings_cls: type[BaseSettings], toml_file: Path) -> None:
        super().__init__(settings_cls, toml_file=toml_file)
        self._base = Path(toml_file).resolve().parent

    def __call__(self) -> dict:
        data = super().__call__()
        for key in ("db", "rubrics"):
            value = data.get(key)
            if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
                data[key] = str(self._base / value)
        return data


def config_path() -> Path | None:
    """The settings file in use: $CORNERSTONE_CONFIG (set by `qa --config`), else
    ./cornerstone.toml when it exists, else None (defaults and environment only)."""
    named = os.environ.get(CONFIG_ENV_VAR)
    if named:
        path = Path(named)
        if not path.is_file():
            raise SettingsError(f"settings file {path} (from ${CONFIG_ENV_VAR}) does not exist")
        return path
    local = Path(CONFIG_FILE_NAME)
    return local if local.is_file() else None


_cache: dict[tuple, Settings] = {}


def load_settings() -> Settings:
    """The settings in force now (cached until the file or a CORNERSTONE_* variable changes)."""
    path = config_path()
    stamp = path.stat().st_mtime_ns if path is not None else None
    key = (
        str(path.resolve()) if path else None,
        stamp,
        tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("CORNERSTONE_"))),
    )
    found = _cache.get(key)
    if found is None:
        found = _read(path)
        _cache.clear()
        _cache[key] = found
    return found


def _read(path: Path | None) -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        where = f"settings ({path or 'environment'})"
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in error.errors()
        )
        raise SettingsError(f"{where}: {problems}") from None
    except (OSError, ValueError) as error:  # unreadable file, invalid TOML
        raise SettingsError(f"settings file {path}: {error}") from None


def default_db_path() -> Path:
    """The DuckDB file used when no --db is given: $CORNERSTONE_DB, `db` in the settings file,
    or data/cornerstone.duckdb in the working directory (never inside the installed package)."""
    return load_settings().db
