"""Every workspace test runs on SQLite and on PostgreSQL.

PostgreSQL is expected at 127.0.0.1:5432 (trust auth, database ``test``), or
at ``OPEXFLOW_TEST_POSTGRES``. Each test gets its own schema, dropped after.
Without the server the PostgreSQL variants skip locally and fail in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from opexflow.workspace.db import Database, open_database, upgrade
from opexflow.workspace.processes import Process, create_process
from opexflow.workspace.projects import Project, create_project
from opexflow.workspace.users import Role, User, create_user
from tests.conftest import IN_CI

POSTGRES = os.environ.get(
    "OPEXFLOW_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_or_skip() -> None:
    try:
        engine = create_engine(POSTGRES, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # any failure to connect means "not available"
        message = f"PostgreSQL not reachable at {POSTGRES}: {exc}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = open_database(f"sqlite:///{tmp_path / 'workspace.db'}")
        upgrade(database)
        yield database
        database.dispose()
        return
    _postgres_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    database = open_database(f"{POSTGRES}?options=-csearch_path%3D{schema}")
    try:
        upgrade(database)
        yield database
    finally:
        database.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session() as s:
        yield s


@pytest.fixture
def admin(session: Session) -> User:
    return create_user(session, username="admin", password="admin-pass-1", role=Role.admin)


@pytest.fixture
def leader(session: Session) -> User:
    return create_user(
        session, username="zhang", password="leader-pass-1", role=Role.leader, display_name="张经理"
    )


@pytest.fixture
def process(session: Session, admin: User) -> Process:
    return create_process(
        session, actor=admin, code="YH-LC01", name="用户注册激活流程", department_name="运营部"
    )


@pytest.fixture
def project(session: Session, leader: User, process: Process) -> Project:
    return create_project(
        session,
        actor=leader,
        name="激活提效",
        process_id=process.id,
        trigger="low_efficiency",
        started_on=date(2024, 3, 1),
    )
