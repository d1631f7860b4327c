"""Everything that differs between SQLite and PostgreSQL, in one place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000")


def normalize_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs (SQLAlchemy's default is psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def engine_options(url: str) -> dict[str, Any]:
    """Keyword arguments for :func:`sqlalchemy.create_engine` per dialect."""
    # Enough connections for every worker thread of the web server (anyio's 40):
    # a request holds one from its start until its transaction ends, and a
    # smaller pool can leave all threads waiting for connections that only a
    # free thread could give back.
    pool = {"pool_size": 10, "max_overflow": 40, "pool_timeout": 30}
    if make_url(url).get_backend_name() == "sqlite":
        # The web server uses threads; each connection is used by one at a time.
        return {"connect_args": {"check_same_thread": False, "timeout": 30}, **pool}
    return {"pool_pre_ping": True, **pool}


def configure(engine: Engine) -> None:
    """Per-connection settings: WAL, foreign keys and a busy timeout on SQLite."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()


def append_only_ddl(dialect: str, table: str) -> list[str]:
    """Statements that make ``table`` refuse UPDATE and DELETE (the audit trail)."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END",
        ]
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION opexflow_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit trail cannot be changed'; END; $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION opexflow_append_only()",
        ]
    return []


def snapshot_options(dialect: str) -> dict[str, Any]:
    """Execution options for a read that must see one consistent state of every table."""
    if dialect == "postgresql":
        return {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    return {}


def begin_explicitly(connection: Connection) -> None:
    """Start the transaction now, so that it covers reads and DDL too.

    Python's sqlite3 opens a transaction only before a write: without this a
    backup's reads would each see their own state, and a restore's CREATE
    TABLE statements could not be rolled back.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


def reset_sequences(connection: Connection, tables: list[str]) -> None:
    """After rows were inserted with their ids, make new ids continue after the largest."""
    if connection.dialect.name != "postgresql":
        return  # SQLite takes max(rowid) + 1
    for table in tables:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE(MAX(id), 0) + 1, false) FROM {table}"
        )
