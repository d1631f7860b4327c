"""Settings, read from the environment (prefix ``OPEXFLOW_``) when asked for.

No instance is made at import time: call :func:`get_settings`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class EngineSettings(BaseSettings):
    """How the analytical engine may use this machine."""

    model_config = SettingsConfigDict(env_prefix="OPEXFLOW_ENGINE_")

    memory_limit: str = Field(
        "2GB",
        description="Memory the engine may use before spilling to disk (DuckDB syntax, e.g. 2GB).",
    )
    threads: int | None = Field(None, description="Worker threads; empty means one per core.")


class WebSettings(BaseSettings):
    """The web server and its security."""

    model_config = SettingsConfigDict(env_prefix="OPEXFLOW_WEB_")

    host: str = Field("127.0.0.1", description="Address `opexflow serve` listens on.")
    port: int = Field(8000, description="Port `opexflow serve` listens on.")
    secret_key: SecretStr | None = Field(
        None,
        description="Key that signs session cookies and CSRF tokens. Required outside development; "
        "when empty in development a random key is made and kept in the data directory.",
    )
    development: bool = Field(
        True, description="Development mode: allows a generated secret key and plain-HTTP cookies."
    )
    login_attempts: int = Field(
        5, description="Failed logins allowed per user name and address within login_window."
    )
    login_window_seconds: int = Field(
        300, description="Window in seconds over which failed logins are counted."
    )
    session_hours: int = Field(12, description="How long a login session lasts.")


class Settings(BaseSettings):
    """opexflow settings; every field can be set as ``OPEXFLOW_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="OPEXFLOW_", env_nested_delimiter="__")

    data_dir: Path = Field(
        Path("opexflow-data"),
        description="Directory for imported logs (Parquet), reports and the workspace database.",
    )
    tz: str = Field(
        "Asia/Shanghai",
        description="IANA time zone of timestamps that carry no offset; stored as UTC.",
    )
    lang: str = Field("zh", description="Default language of reports and messages: zh or en.")
    database_url: SecretStr | None = Field(
        None,
        description="Workspace database, e.g. postgresql://user@host/db; empty means the SQLite "
        "file workspace.db in data_dir.",
    )
    web: WebSettings = Field(
        default_factory=WebSettings,
        description="Web server settings (OPEXFLOW_WEB_HOST, OPEXFLOW_WEB_PORT, ...).",
    )
    engine: EngineSettings = Field(
        default_factory=EngineSettings,
        description="Engine limits (OPEXFLOW_ENGINE_MEMORY_LIMIT, OPEXFLOW_ENGINE_THREADS).",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()
