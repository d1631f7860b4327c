from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from opexflow.errors import ResourceError
from opexflow.workspace import audit
from opexflow.workspace.db import MIGRATIONS, Database, current_revision, open_database, upgrade
from opexflow.workspace.tables import Base
from opexflow.workspace.users import User

HEAD = sorted(p.name for p in MIGRATIONS.joinpath("versions").glob("0*.py"))[-1][:4]


def test_migrations_build_exactly_the_tables_the_code_declares(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert current_revision(db) == HEAD


def test_upgrade_twice_changes_nothing(db: Database) -> None:
    upgrade(db)
    assert current_revision(db) == HEAD


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'w.db'}")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_audit_trail_refuses_update_and_delete(db: Database) -> None:
    with db.session() as s:
        entry = audit.record(s, actor_id=None, actor="system", action="x", entity="t", entity_id=1)
        s.flush()
        entry_id = entry.id
    for statement in (
        f"UPDATE audit_entries SET actor = 'mallory' WHERE id = {entry_id}",
        f"DELETE FROM audit_entries WHERE id = {entry_id}",
    ):
        with (
            pytest.raises(DatabaseError, match="audit trail cannot be changed"),
            db.engine.begin() as conn,
        ):
            conn.execute(text(statement))
    with db.session() as s:
        assert s.get(audit.AuditEntry, entry_id).actor == "system"  # type: ignore[union-attr]


def test_an_unreachable_server_is_named_with_a_fix() -> None:
    db = open_database("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(
        ResourceError, match=r"cannot reach the workspace database .*OPEXFLOW_DATABASE_URL"
    ):
        upgrade(db)


def test_sessions_roll_back_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        s.add(User(username="ghost", display_name="g", password_hash="x"))
        s.flush()
        raise RuntimeError
    with db.session() as s:
        assert s.scalar(text("SELECT count(*) FROM users WHERE username = 'ghost'")) == 0
