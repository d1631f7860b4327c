"""Opening the workspace database and bringing its schema up to date.

>>> db = open_database("sqlite:///:memory:")   # doctest: +SKIP
>>> upgrade(db)                                 # doctest: +SKIP
>>> with db.session() as s: ...                 # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from opexflow.errors import ResourceError
from opexflow.settings import Settings, get_settings
from opexflow.workspace import dialects

MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True)
class Database:
    """An engine and its session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


def default_url(settings: Settings | None = None) -> str:
    """``OPEXFLOW_DATABASE_URL``, or the SQLite file ``workspace.db`` in the data directory."""
    settings = settings or get_settings()
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    return f"sqlite:///{(settings.data_dir / 'workspace.db').resolve()}"


def open_database(url: str | None = None, *, settings: Settings | None = None) -> Database:
    """Connect to the workspace database (nothing is created until :func:`upgrade`)."""
    url = dialects.normalize_url(url or default_url(settings))
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **dialects.engine_options(url))
    dialects.configure(engine)
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False))


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision`` (idempotent)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except OperationalError as exc:
        where = db.engine.url.render_as_string(hide_password=True)
        reason = " ".join(str(exc.orig).split()).rstrip(".?")
        raise ResourceError(
            f"cannot reach the workspace database {where}: {reason}. "
            "Check OPEXFLOW_DATABASE_URL and that the server is running."
        ) from None


def current_revision(db: Database) -> str | None:
    """The migration the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return MigrationContext.configure(connection).get_current_revision()
