"""Settings, read from the environment (prefix ``OPEXFLOW_``) when asked for.

No instance is made at import time: call :func:`get_settings`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EngineSettings(BaseSettings):
    """How the analytical engine may use this machine."""

    model_config = SettingsConfigDict(env_prefix="OPEXFLOW_ENGINE_")

    memory_limit: str = Field(
        "2GB",
        description="Memory the engine may use before spilling to disk (DuckDB syntax, e.g. 2GB).",
    )
    threads: int | None = Field(None, description="Worker threads; empty means one per core.")


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
    engine: EngineSettings = Field(
        default_factory=EngineSettings,
        description="Engine limits (OPEXFLOW_ENGINE_MEMORY_LIMIT, OPEXFLOW_ENGINE_THREADS).",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()
